// The overview's charts, drawn from the same figures the tables beside them print.
(function () {
  "use strict";
  // Chart heights the server computed (no inline styles: the CSP forbids them; the
  // progress bars' data-width is set by app.js).
  document.querySelectorAll(".chart-box[data-height]").forEach((el) => {
    el.style.height = Math.min(900, Math.max(220, Number(el.dataset.height))) + "px";
  });
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const colours = ["#6c757d", "#dc3545", "#adb5bd", "#0d6efd", "#6610f2", "#198754"];
  const money = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false; // figures, not a show: draw at once

  new Chart(document.getElementById("chart-states"), {
    type: "bar",
    data: {
      labels: data.units,
      datasets: data.states.map((label, i) => ({
        label: label,
        data: data.counts[i],
        backgroundColor: colours[i % colours.length],
      })),
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
      plugins: { legend: { position: "bottom" } },
    },
  });

  new Chart(document.getElementById("chart-budget"), {
    type: "bar",
    data: {
      labels: data.units,
      datasets: [{ label: "Σ 当年预算（元）", data: data.budget.map(Number), backgroundColor: "#0d6efd" }],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (ctx) => money.format(ctx.parsed.x) + " 元" } },
      },
    },
  });

  new Chart(document.getElementById("chart-grades"), {
    type: "doughnut",
    data: {
      labels: data.grades,
      datasets: [{ data: data.grade_counts, backgroundColor: ["#198754", "#0d6efd", "#ffc107", "#dc3545"] }],
    },
    options: { maintainAspectRatio: false, plugins: { legend: { position: "right" } } },
  });
})();
