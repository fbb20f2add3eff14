/* The board report's Print button; without JavaScript the browser's own Print command works. */
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }
})();
