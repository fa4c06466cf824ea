/* The look's live preview (templates/admin/look.html). The server draws the preview's custom
 * properties from the typed fields (/admin/look/preview.css, scoped to .look-preview, by the same
 * code as each poll's look.css); this script asks for that stylesheet again as the editor types and
 * swaps it in once it has loaded. No inline style and no colour maths here: the CSP stays strict and
 * the server stays the one judge of a colour. Without JavaScript, "Preview" does the same job. */
(function () {
  "use strict";
  var FIELDS = ["accent", "accent_dark", "font", "radius", "scheme"];
  var form = document.querySelector("form[data-look-preview]");
  var current = document.getElementById("look-preview-css");
  if (!form || !current) return;
  var base = form.getAttribute("data-look-preview");
  var timer = null;
  var asked = 0;

  function previewUrl() {
    var query = new URLSearchParams();
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (field) query.set(name, field.value.trim());
    });
    return base + (base.indexOf("?") === -1 ? "?" : "&") + query.toString();
  }

  function swap() {
    var url = previewUrl();
    if (url === current.getAttribute("href")) return;
    var ask = ++asked;
    var next = document.createElement("link");
    next.rel = "stylesheet";
    next.href = url;
    next.addEventListener("load", function () {
      if (ask !== asked) { next.remove(); return; }  // a later change is on its way
      current.remove();
      next.id = "look-preview-css";
      current = next;
    });
    current.after(next);
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(swap, 120);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();
