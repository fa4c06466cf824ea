// Keyboard shortcuts for the moderation queue. Progressive enhancement only:
// every action is a plain form that works without this file.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-comment-id]"));
  var selectAll = document.querySelector("[data-select-all]");
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name="comment_id"]'));

  // "All on this page" ticks every row, so what will be acted on is visible;
  // unticking a row afterwards acts on the ticked rows only.
  if (selectAll) {
    selectAll.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = selectAll.checked; });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        if (!box.checked) selectAll.checked = false;
      });
    });
  }
  if (!items.length) return;
  var hint = document.querySelector(".shortcuts-hint");
  if (hint) hint.hidden = false;
  var status = document.querySelector("[data-shortcut-status]");
  var current = 0;

  function say(message) {
    if (status) status.textContent = message;
  }

  function mark(index) {
    current = index;
    items.forEach(function (item, i) { item.classList.toggle("queue__item--current", i === current); });
  }

  function select(index) {
    mark(Math.max(0, Math.min(items.length - 1, index)));
    items[current].focus({ preventScroll: true });
    items[current].scrollIntoView({ block: "nearest" });
  }

  // After an action the server sends the moderator back to #queue-N, the
  // comment to work on next: the cursor starts there, not at the top.
  function startIndex() {
    var match = /^#queue-(\d+)$/.exec(window.location.hash);
    if (!match) return 0;
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute("data-comment-id") === match[1]) return i;
    }
    return 0;
  }

  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
  }

  function press(shortcut) {
    var button = items[current].querySelector('[data-shortcut="' + shortcut + '"]');
    if (button) button.click();
  }

  function presetOf(item) {
    return item.querySelector('select[name="preset"]');
  }

  function hasReason(item) {
    var preset = presetOf(item);
    var reason = item.querySelector('input[name="reason"]');
    return (preset && preset.value) || (reason && reason.value.trim());
  }

  // 1-9: the row's preset reason of that number (the list's own first option is "Reason…").
  function choosePreset(number) {
    var preset = presetOf(items[current]);
    if (!preset || number >= preset.options.length) return;
    preset.selectedIndex = number;
    say("Reason " + number + ": " + preset.value + ". Press r to reject.");
  }

  function reject() {
    if (!hasReason(items[current])) {
      var preset = presetOf(items[current]);
      if (preset) preset.focus();
      say("Choose a reason first: 1 to 9, or type your own words, then press r.");
      return;
    }
    press("reject");
  }

  // The cursor follows the mouse and Tab: a row's field in focus makes it the current row.
  items.forEach(function (item, i) {
    item.addEventListener("focusin", function () {
      if (i !== current) mark(i);
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var inRow = target && target.closest && target.closest("[data-comment-id]");
    if (typing(target)) {
      // In a row's reason list, the queue's keys still work (the list's own
      // type-ahead would turn "r" back to "Reason…"); Escape leaves any field.
      var inPreset = inRow && target.name === "preset";
      if (event.key === "Escape" && inRow) select(current);
      else if (inPreset && event.key === "r") reject();
      else if (inPreset && /^[1-9]$/.test(event.key)) choosePreset(Number(event.key));
      else return;
      return event.preventDefault();
    }
    if (event.key === "j") select(current + 1);
    else if (event.key === "k") select(current - 1);
    else if (event.key === "a") press("approve");
    else if (event.key === "r") reject();
    else if (/^[1-9]$/.test(event.key)) choosePreset(Number(event.key));
    else if (event.key === "x") {
      var box = items[current].querySelector('input[type="checkbox"]');
      if (box) box.checked = !box.checked;
    } else return;
    event.preventDefault();
  });
  select(startIndex());
})();
