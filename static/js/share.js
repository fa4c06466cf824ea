/* Copy and share buttons. Without JavaScript they stay hidden and the text itself can be selected.
 * data-copy="field id": copies the field (the dashboard's embed code).
 * data-share="field id": the poll's address, through the browser's share sheet (Web Share API) where there
 * is one, else copied; data-status names the live region that says what happened. */
(function () {
  "use strict";

  function copyField(field) {
    // The Clipboard API where allowed; else the selection, which older and locked-down browsers still copy.
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(field.value).catch(function () { return copyBySelection(field); });
    }
    return copyBySelection(field);
  }

  function copyBySelection(field) {
    field.select();
    return document.execCommand && document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  function canCopy() {
    return Boolean((navigator.clipboard && navigator.clipboard.writeText) || document.queryCommandSupported);
  }

  var copyButtons = document.querySelectorAll("[data-copy]");
  for (var i = 0; i < copyButtons.length; i++) {
    (function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field || !canCopy()) return;
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        copyField(field).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    })(copyButtons[i]);
  }

  // The reader's language: data-words on this script's tag (poll.web.languages.script_words).
  var words = JSON.parse((document.currentScript && document.currentScript.getAttribute("data-words")) || "{}");
  var shareButtons = document.querySelectorAll("[data-share]");
  for (var j = 0; j < shareButtons.length; j++) {
    (function (button) {
      var field = document.getElementById(button.getAttribute("data-share"));
      var status = document.getElementById(button.getAttribute("data-status"));
      var canShare = typeof navigator.share === "function";
      if (!field || !(canShare || canCopy())) return;
      function say(text) { if (status) status.textContent = text; }
      function copy() {
        copyField(field).then(
          function () { say(words.link_copied || "Link copied: paste it wherever you like."); },
          function () { field.select(); say(words.copy_refused || "Copying is not allowed here: the address is selected, copy it yourself."); }
        );
      }
      button.textContent = canShare ? (words.share || "Share\u2026") : (words.copy_link || "Copy link");
      button.hidden = false;
      button.addEventListener("click", function () {
        if (!canShare) return copy();
        navigator.share({ title: button.getAttribute("data-share-title") || document.title, url: field.value }).then(
          function () { say(words.shared || "Shared."); },
          // Closing the share sheet is not a failure; anything else (no permission) falls back to copying.
          function (error) { if (!error || error.name !== "AbortError") copy(); }
        );
      });
    })(shareButtons[j]);
  }
})();
