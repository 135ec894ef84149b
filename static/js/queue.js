// The queue's batch selection: tick or untick every project of the page at once.
(function () {
  "use strict";
  const button = document.getElementById("select-page");
  if (!button) return;
  const boxes = () => Array.from(document.querySelectorAll('#queue-list input[name="ids"]'));
  button.addEventListener("click", function () {
    const all = boxes();
    const tick = all.some((b) => !b.checked);
    all.forEach((b) => { b.checked = tick; });
    button.textContent = tick ? "取消全选" : "全选";
  });
})();
