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

  // Phones: the main menu folds behind one "Menu" button so the header stays one line.
  function setUpMenu() {
    var toggle = document.querySelector(".nav-toggle");
    var menu = document.getElementById("site-menu");
    if (!toggle || !menu) { return; }
    toggle.hidden = false;
    document.documentElement.classList.add("has-nav-toggle");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    });
  }

  // Narrow screens show each table row as a card: every cell is labelled with its column's
  // heading (CSS shows the label before the value), so no table scrolls the page sideways.
  function labelCells(root) {
    root.querySelectorAll("table").forEach(function (table) {
      if (table.classList.contains("table--grid")) { return; }
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) { return; }
      var labels = Array.prototype.map.call(heads, function (th) { return th.textContent.trim(); });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.children, function (cell) {
          if (!cell.hasAttribute("data-label") && labels[column]) {
            cell.setAttribute("data-label", labels[column]);
          }
          column += cell.colSpan || 1;
        });
      });
      table.classList.add("table--stacks");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    labelCells(document);
    markScrollableTables(document);
  });
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { markScrollableTables(document); }, 150);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    labelCells(event.detail.elt.parentNode || document);
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
