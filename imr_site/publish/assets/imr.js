/* Accessibility fixes to Material's markup that CSS cannot make. Plain JavaScript, nothing loaded
 * from elsewhere; the page works the same without it. */
(function () {
  "use strict";

  function nameSearchDialog() {
    // Material's search is a dialog without a name, so a screen reader announces only "dialog"
    // (axe: aria-dialog-name). Name it after its field, in the site's language ("Search").
    var dialogs = document.querySelectorAll('.md-search[role="dialog"]');
    for (var i = 0; i < dialogs.length; i++) {
      var dialog = dialogs[i];
      if (dialog.hasAttribute("aria-label") || dialog.hasAttribute("aria-labelledby")) continue;
      var field = dialog.querySelector(".md-search__input");
      dialog.setAttribute("aria-label", (field && field.getAttribute("aria-label")) || "Search");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", nameSearchDialog);
  } else {
    nameSearchDialog();
  }
})();
