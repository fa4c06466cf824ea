/* Poll editor: on a new poll, the address follows the title as it is typed, until the editor types an
 * address of their own. The server makes the same address (poll/polls/slugs.py, slugify) when the field
 * is left empty or still holds this suggestion, and numbers it (-2, -3 ...) if another poll has it. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-slug-from]");
  if (!form) return;
  var title = document.getElementById(form.getAttribute("data-slug-from"));
  var slug = form.querySelector("[name=slug]");
  var suggested = form.querySelector("[name=slug_suggested]");
  if (!title || !slug || !suggested) return;
  var MAX_LENGTH = 80;

  function slugify(text) {
    return text
      .normalize("NFKD")
      .replace(/[^\x00-\x7f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, MAX_LENGTH)
      .replace(/-+$/, "");
  }

  title.addEventListener("input", function () {
    if (slug.value !== "" && slug.value !== suggested.value) return; // the editor's own address
    slug.value = suggested.value = slugify(title.value);
  });
})();
