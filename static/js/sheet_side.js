// The side panel of a sheet page (findings, comments, the comment box). Beside the sheet
// on wide screens; below 1200 px a bar fixed at the bottom of the window that opens the
// panel over the page, so findings and comments are one tap away at any scroll position.
(function () {
  "use strict";
  const side = document.getElementById("sheet-side");
  const toggle = document.getElementById("side-toggle");
  if (!side || !toggle) return;
  function open(state) {
    side.classList.toggle("open", state);
    toggle.setAttribute("aria-expanded", state ? "true" : "false");
  }
  toggle.addEventListener("click", () => open(!side.classList.contains("open")));
  // A link in the panel (a finding, a comment) closes it on a narrow screen, to show its row.
  side.addEventListener("click", (event) => {
    if (event.target.closest("a[href^='#']") && side.classList.contains("open")) open(false);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && side.classList.contains("open")) open(false);
  });
  // A comment reached by its link: open it if it is folded (已处理) and show where it is.
  function reveal() {
    const id = decodeURIComponent(location.hash.slice(1));
    const el = id && document.getElementById(id);
    if (!el) return;
    if (el.tagName === "DETAILS") el.open = true;
    const row = el.closest("tr");
    if (row) {
      row.classList.remove("row-flash");
      void row.offsetWidth;
      row.classList.add("row-flash");
    }
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
