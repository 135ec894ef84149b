// Behaviour every page shares, kept out of the markup: the Content-Security-Policy allows
// no inline script (no onchange="…") and no style attributes.
(function () {
  "use strict";
  // A filter select submits its form when changed.
  document.addEventListener("change", function (event) {
    const select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });
  // Progress bars carry their width as data (setting it through the CSSOM is allowed).
  for (const bar of document.querySelectorAll("[data-width]")) {
    bar.style.width = `${bar.dataset.width}%`;
  }
})();
