/* Debate Poll embed loader, for a newspaper's page:
 *   <script async src="https://POLL-SITE/static/js/embed.js" data-poll="SLUG"></script>
 * inserts the poll's card in a frame right after the script tag and keeps the
 * frame as tall as its content. Messages are checked both ways: this page
 * accepts heights only from the poll's origin and that frame, and says hello
 * only to the poll's origin (the frame answers only sites allowed to embed it).
 * No build step, no dependencies; works in any browser with postMessage. */
(function () {
  "use strict";
  var HELLO = "debate-poll:hello";
  var HEIGHT = "debate-poll:height";

  function mount(script) {
    var slug = script.getAttribute("data-poll");
    if (!slug || script.getAttribute("data-poll-mounted")) return;
    script.setAttribute("data-poll-mounted", "1");
    var origin = new URL(script.src, document.baseURI).origin;
    var frame = document.createElement("iframe");
    frame.src = origin + "/polls/" + encodeURIComponent(slug) + "/embed";
    frame.title = script.getAttribute("data-title") || "Readers' poll";
    frame.setAttribute("scrolling", "no");
    frame.style.cssText = "display:block;border:0;width:100%;max-width:" +
      (script.getAttribute("data-max-width") || "560") + "px;height:420px;";
    script.parentNode.insertBefore(frame, script.nextSibling);

    frame.addEventListener("load", function () {
      // After every load (voting reloads the card): ask the card for its height.
      frame.contentWindow.postMessage({ type: HELLO, poll: slug }, origin);
    });
    window.addEventListener("message", function (event) {
      if (event.origin !== origin || event.source !== frame.contentWindow) return;
      var data = event.data;
      if (!data || data.type !== HEIGHT || data.poll !== slug || typeof data.height !== "number") return;
      frame.style.height = Math.max(120, Math.min(3000, Math.ceil(data.height))) + "px";
    });
  }

  var scripts = document.currentScript ? [document.currentScript]
    : document.querySelectorAll("script[data-poll]");
  for (var i = 0; i < scripts.length; i++) mount(scripts[i]);
})();
