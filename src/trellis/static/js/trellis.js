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
