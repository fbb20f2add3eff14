/* Trellis page behaviour, loaded after htmx. No inline scripts: the CSP allows 'self' only. */
(function () {
  "use strict";

  // Every htmx request carries the CSRF token from the <meta> tag in base.html.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      event.detail.headers["X-CSRFToken"] = meta.content;
    }
  });

  // A table wider than the screen scrolls inside its .table-wrap; keyboard users must be
  // able to reach that scroller (WCAG 2.1.1), so it becomes a focusable, named region.
  function markScrollableTables(root) {
    root.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("data-scroll-region", "");
        if (!wrap.hasAttribute("aria-label") && !wrap.hasAttribute("aria-labelledby")) {
          wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
        }
      } else if (!scrolls && wrap.hasAttribute("data-scroll-region")) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("data-scroll-region");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    markScrollableTables(document);
  });
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { markScrollableTables(document); }, 150);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    markScrollableTables(event.detail.elt.parentNode || document);
  });

  // When htmx replaces a result list, announce its summary line in the status region
  // so screen-reader users hear that the filter worked (WCAG 4.1.3).
  document.addEventListener("htmx:afterSwap", function (event) {
    var summary = event.detail.target.querySelector("[data-announce]");
    var region = document.getElementById("messages");
    if (summary && region) {
      region.textContent = "";
      var p = document.createElement("p");
      p.className = "visually-hidden";
      p.textContent = summary.textContent.trim();
      region.appendChild(p);
    }
  });
})();
