/* Inside the poll's frame (templates/polls/embed.html).
 * 1. Height: once the embedding page says hello from a site allowed to frame
 *    this poll (data-parents, the same list as the frame-ancestors policy), the
 *    card tells that page, and only that page, its height whenever it changes.
 * 2. Cookies: where this frame cannot keep cookies (third-party cookies blocked
 *    and no partitioned cookies), a vote here could not be remembered; the vote
 *    form then opens the full poll in a new tab with the choice preselected. */
(function () {
  "use strict";
  var me = document.currentScript;
  var slug = me.getAttribute("data-poll");
  var parents = (me.getAttribute("data-parents") || "").split(" ");
  var fullPoll = me.getAttribute("data-full-poll");
  // The attributes the server gives the frame's cookies (poll/frame_cookies.py).
  var partitioned = me.getAttribute("data-partitioned") === "yes";
  // The reader's language: data-words (poll.web.languages.script_words); English when absent.
  var words = JSON.parse(me.getAttribute("data-words") || "{}");
  var framed = window.parent !== window;

  function allowed(origin) {
    for (var i = 0; i < parents.length; i++) {
      var site = parents[i];
      if (site === "'self'" && origin === location.origin) return true;
      if (site === origin) return true;
      var star = site.indexOf("://*.");
      if (star > 0) {
        var scheme = site.slice(0, star + 3), suffix = site.slice(star + 4);
        if (origin.indexOf(scheme) === 0 && origin.slice(-suffix.length) === suffix &&
            origin.length > scheme.length + suffix.length) return true;
      }
    }
    return false;
  }

  var parentOrigin = null;
  function sendHeight() {
    if (!parentOrigin) return;
    var height = document.documentElement.getBoundingClientRect().height;
    window.parent.postMessage({ type: "debate-poll:height", poll: slug, height: height }, parentOrigin);
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== window.parent || !data || data.type !== "debate-poll:hello" || data.poll !== slug) return;
    if (!allowed(event.origin)) return;
    parentOrigin = event.origin;
    sendHeight();
  });
  if (window.ResizeObserver) new ResizeObserver(sendHeight).observe(document.documentElement);
  document.addEventListener("toggle", sendHeight, true);

  function canKeepCookies() {
    // A cookie with the server's attributes, set and read back: what the browser does with it, it
    // does with the frame's session and voter cookies.
    var probe = "frame_probe=1; path=/; max-age=60; " + (partitioned ? "SameSite=None; Secure; Partitioned" : "SameSite=Lax");
    document.cookie = probe;
    var kept = document.cookie.indexOf("frame_probe=1") !== -1;
    document.cookie = probe.replace("max-age=60", "max-age=0");
    return kept;
  }
  if (framed && !canKeepCookies()) {
    var forms = document.querySelectorAll("form.vote-form");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      form.method = "get";
      form.action = fullPoll;
      form.target = "_blank";
      var token = form.querySelector("input[name=csrf_token]");
      if (token) token.parentNode.removeChild(token);
      var note = document.createElement("p");
      note.className = "hint";
      note.textContent = words.frame_votes_in_new_tab ||
        "Your browser does not let this box keep your vote: voting opens the poll in a new tab, with your choice.";
      form.appendChild(note);
    }
  }
})();
