// Keyboard shortcuts for the moderation queue. Progressive enhancement only:
// every action is a plain form that works without this file.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-comment-id]"));
  if (!items.length) return;
  var hint = document.querySelector(".shortcuts-hint");
  if (hint) hint.hidden = false;
  var current = 0;

  function select(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("queue__item--current", i === current); });
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }

  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
  }

  function press(shortcut) {
    var button = items[current].querySelector('[data-shortcut="' + shortcut + '"]');
    if (button) button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "j") select(current + 1);
    else if (event.key === "k") select(current - 1);
    else if (event.key === "a") press("approve");
    else if (event.key === "r") {
      var reason = items[current].querySelector('input[name="reason"]');
      if (reason && !reason.value) { reason.focus(); return event.preventDefault(); }
      press("reject");
    } else if (event.key === "x") {
      var box = items[current].querySelector('input[type="checkbox"]');
      if (box) box.checked = !box.checked;
    } else return;
    event.preventDefault();
  });
  select(0);
})();
