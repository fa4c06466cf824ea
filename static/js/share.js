/* Copy buttons (data-copy="field id"): the poll's address, the embed code. Without
 * JavaScript the buttons stay hidden and the text itself can be selected. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    (function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field || !navigator.clipboard) return;
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(field.value).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    })(buttons[i]);
  }
})();
