// The export job page: poll the job's status until the file is ready.
(function () {
  "use strict";
  const box = document.getElementById("export-job");
  if (!box) return;
  const bar = document.getElementById("job-bar");
  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, { credentials: "same-origin" });
      const job = await response.json();
      bar.style.width = `${job.percent}%`;
      bar.textContent = `${job.percent}%`;
      document.getElementById("job-state").textContent =
        `${job.status_label}：已完成 ${job.done} / ${job.total} 个项目。`;
      if (job.status === "done") {
        const link = document.getElementById("job-download");
        link.href = job.download;
        link.classList.remove("d-none");
        return;
      }
      if (job.status === "failed") {
        const error = document.getElementById("job-error");
        error.textContent = `导出失败：${job.error}`;
        error.hidden = false;
        document.getElementById("job-retry").hidden = false;
        return;
      }
    } catch (err) {
      // a dropped request is retried below
    }
    setTimeout(poll, 1000);
  }
  if (box.dataset.status !== "done" && box.dataset.status !== "failed") poll();
})();
