// Reviewer's side of a sheet page: a "批注" button on every saved row (every printed row
// of the reading view) that points the comment form at that row. Without JavaScript the
// form's 位置 list does the same.
(function () {
  "use strict";
  const form = document.getElementById("comment-form");
  if (!form) return;
  const place = form.querySelector("select[name=anchor]");
  const text = form.querySelector("textarea[name=text]");
  document.querySelectorAll("tr[data-row-anchor]").forEach(function (row) {
    const cell = row.querySelector("td.row-actions, td.margin-note") || row.lastElementChild;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-link comment-row";
    button.textContent = "批注";
    button.title = "对本行填写审核意见";
    button.addEventListener("click", function () {
      place.value = row.dataset.rowAnchor;
      if (place.value !== row.dataset.rowAnchor) place.value = ""; // not a place to comment on
      text.focus();
      form.scrollIntoView({ block: "nearest" });
    });
    cell.appendChild(button);
  });
})();
