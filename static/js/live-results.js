/* Live results (progressive enhancement): asks the section's data-live-url for
 * the tally every data-live-interval ms while the page is visible, backing off
 * up to a minute while it is hidden or failing. It sends the last ETag in
 * If-None-Match, so an unchanged tally costs a 304 and no body. Without this
 * script the page shows the exact results as of loading. */
(function () {
  "use strict";
  var section = document.querySelector(".results[data-live-url]");
  if (!section || !window.fetch) return;
  var url = section.getAttribute("data-live-url");
  var base = parseInt(section.getAttribute("data-live-interval"), 10) || 3000;
  var longest = 60000;
  var delay = base;
  var etag = null;
  var timer = null;

  // The reader's language: data-words on this script's tag (poll.web.languages.script_words): numbers, percentages and plural forms.
  var words = JSON.parse((document.currentScript && document.currentScript.getAttribute("data-words")) || "{}");
  var locale = words.locale || "en";
  var plurals = new Intl.PluralRules(locale);
  var percents = new Intl.NumberFormat(locale, { style: "percent" });

  function counted(forms, n, fallback) {
    var form = forms && (forms[plurals.select(n)] || forms.other);
    return (form || fallback).replace("{num}", n.toLocaleString(locale));
  }
  function votes(n) { return counted(words.votes, n, n === 1 ? "{num} vote" : "{num} votes"); }
  function votesInTotal(n) {
    return counted(words.votes_in_total, n, n === 1 ? "{num} vote in total" : "{num} votes in total");
  }

  function show(tally) {
    tally.choices.forEach(function (choice) {
      var row = section.querySelector('[data-choice="' + CSS.escape(choice.key) + '"]');
      if (!row) return;
      row.querySelector(".result__percent").textContent = percents.format(choice.percent / 100);
      row.querySelector(".result__votes").textContent = votes(choice.votes);
      row.querySelector(".result__fill").setAttribute("width", String(choice.percent));
    });
    section.querySelector(".results__total").textContent = votesInTotal(tally.total);
  }

  function schedule() {
    clearTimeout(timer);
    if (document.hidden) delay = Math.min(delay * 2, longest);
    timer = setTimeout(ask, delay);
  }

  function ask() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 304) return null;
        if (!response.ok) throw new Error(response.status);
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (tally) {
        if (tally) show(tally);
        if (!document.hidden) delay = base;
        schedule();
      })
      .catch(function () {
        delay = Math.min(delay * 2, longest);
        schedule();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { delay = base; ask(); }
  });
  schedule();
})();
