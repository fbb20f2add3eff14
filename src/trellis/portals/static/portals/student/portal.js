/* Student portal behaviour (no inline scripts: the CSP allows 'self' only).
   - Focus the error summary when a form comes back with errors, so it is read first.
   - After htmx replaces a section, move focus to the element the server marked [data-focus]
     (the moved interest, or the section heading), so keyboard users keep their place.
   - Reveal and wire the "Print" button on the experience record. */
(function () {
  "use strict";

  function focusMarked() {
    var el = document.querySelector("[data-focus]");
    if (!el) { return; }
    if (!el.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus();
    el.removeAttribute("data-focus");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    } else if (window.location.hash) {
      var target = document.getElementById(window.location.hash.slice(1));
      if (target) {
        if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
        target.focus();
      }
    }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });

  document.addEventListener("htmx:afterSettle", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); return; }
    focusMarked();
  });
})();
