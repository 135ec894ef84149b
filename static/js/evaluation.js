// 绩效自评 page: the live total. Every change posts the form to its check URL, which
// scores it as a save would and answers with the summary as HTML (nothing is written).
(function () {
  "use strict";
  const form = document.getElementById("evaluation-form");
  if (!form || form.dataset.editable !== "1") return;
  const live = document.getElementById("eval-live");
  const state = document.getElementById("check-state");
  let timer = null;
  let seq = 0;

  async function check() {
    const mine = ++seq;
    state.textContent = "计算中…";
    try {
      const response = await fetch(form.dataset.checkUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      if (mine !== seq) return;
      if (!response.ok) {
        state.textContent = "计算失败，保存时将重新计算";
        return;
      }
      live.innerHTML = await response.text();
      live.querySelectorAll("[data-score-for]").forEach((span) => {
        const cell = form.querySelector(`[data-score="${span.dataset.scoreFor}"]`);
        if (cell) cell.textContent = span.textContent;
      });
      state.textContent = "";
    } catch (err) {
      if (mine === seq) state.textContent = "无法连接服务器，保存时将重新计算";
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
