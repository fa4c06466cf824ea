/* A live character count under each field with data-limit (the limit the server's
 * LimitWithoutCutting checks, rendered from the same validator). The field has no
 * maxlength, so a long paste is never cut: the counter says how much is over, and
 * the server refuses it with all of its text kept. Without JavaScript the hint and
 * the server's message do the same job.
 *
 * Counting matches the server's: characters (not UTF-16 units), a line break as one.
 * The visible counter changes with every keystroke; screen readers hear it through a
 * separate polite live region only when the state changes (near the limit, over it,
 * back within it), so typing is not read out one number at a time. */
(function () {
  "use strict";
  var NEAR = 0.9;
  // The reader's language: data-words on this script's tag (poll.web.languages.script_words).
  var words = JSON.parse((document.currentScript && document.currentScript.getAttribute("data-words")) || "{}");
  var numbers = new Intl.NumberFormat(words.locale || "en");

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (whole, name) { return numbers.format(values[name]); });
  }

  function lengthOf(text) {
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  function stateOf(length, limit) {
    if (length > limit) return "over";
    return length >= limit * NEAR ? "near" : "within";
  }

  function sentence(length, limit) {
    var values = { count: length, limit: limit, over: length - limit };
    if (length > limit) return fill(words.too_many || "%(count)s / %(limit)s: %(over)s too many", values);
    return fill(words.characters || "%(count)s / %(limit)s characters", values);
  }

  function attach(field) {
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    if (!(limit > 0) || !field.id) return;
    var counter = document.createElement("p");
    counter.className = "char-count";
    counter.id = field.id + "-count";
    var announcer = document.createElement("p");
    announcer.className = "visually-hidden";
    announcer.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    counter.insertAdjacentElement("afterend", announcer);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);

    var shownState = null;
    function update() {
      var length = lengthOf(field.value);
      var state = stateOf(length, limit);
      counter.textContent = sentence(length, limit);
      counter.classList.toggle("char-count--over", state === "over");
      if (shownState !== null && state !== shownState) {
        announcer.textContent = state === "within"
          ? fill(words.within_limit || "Within the limit: %(count)s / %(limit)s characters",
            { count: length, limit: limit })
          : sentence(length, limit);
      }
      shownState = state;
    }
    field.addEventListener("input", update);
    update();
  }

  var fields = document.querySelectorAll("[data-limit]");
  for (var i = 0; i < fields.length; i++) attach(fields[i]);
})();
