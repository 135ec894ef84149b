// The unit budget entry page: add rows to the three tables, and live sums while typing.
// The server computes the same sums on save and is the authority; these only help.
(function () {
  "use strict";
  const form = document.getElementById("unit-budget-form");
  if (!form) return;

  function amount(input) {
    if (!input) return 0;
    const text = input.value.replace(/[\s,，¥￥元]/g, "").replace("．", ".");
    if (text === "") return 0;
    const n = Number(text);
    return Number.isFinite(n) && n >= 0 ? Math.round(n * 100) : NaN; // in cents
  }

  function money(cents) {
    if (Number.isNaN(cents)) return "—";
    const sign = cents < 0 ? "-" : "";
    const abs = Math.abs(cents);
    const yuan = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${sign}${yuan}.${String(abs % 100).padStart(2, "0")}`;
  }

  function rows(prefix) {
    const total = Number(form.querySelector(`[name=${prefix}-TOTAL_FORMS]`).value);
    const out = [];
    for (let i = 0; i < total; i++) {
      const del = form.querySelector(`[name=${prefix}-${i}-DELETE]`);
      if (del && del.checked) continue;
      const get = (name) => form.querySelector(`[name=${prefix}-${i}-${name}]`);
      out.push(get);
    }
    return out;
  }

  function sum(prefix, names, filter) {
    let cents = 0;
    for (const get of rows(prefix)) {
      if (filter && !filter(get)) continue;
      for (const name of names) cents += amount(get(name));
    }
    return cents;
  }

  function show(id, cents) {
    const el = document.getElementById(id);
    if (el) el.textContent = money(cents);
  }

  function mark(id, cents) {
    const el = document.getElementById(id);
    if (!el) return;
    el.textContent = money(cents);
    el.classList.toggle("text-danger", cents !== 0);
    el.classList.toggle("text-success", cents === 0);
  }

  function update() {
    const general = (get) => get("source") && get("source").value === "general";
    const revenue = sum("rev", ["general", "fund", "business", "operating", "other"]);
    const basic = sum("exp", ["personnel", "public"]);
    const project = sum("exp", ["project"]);
    const genPersonnel = sum("exp", ["personnel"], general);
    const genPublic = sum("exp", ["public"], general);
    const ecoPersonnel = sum("eco", ["personnel"]);
    const ecoPublic = sum("eco", ["public"]);
    show("sum-revenue", revenue);
    show("sum-expenditure", basic + project);
    show("sum-basic", basic);
    show("sum-project", project);
    mark("sum-difference", revenue - basic - project);
    show("sum-eco-personnel", ecoPersonnel);
    show("sum-eco-public", ecoPublic);
    mark("sum-eco-difference", ecoPersonnel + ecoPublic - genPersonnel - genPublic);
  }

  function addRow(prefix) {
    const section = document.getElementById(prefix);
    const template = section.querySelector("tr.empty-form");
    const counter = form.querySelector(`[name=${prefix}-TOTAL_FORMS]`);
    const index = Number(counter.value);
    const row = document.createElement("tr");
    row.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    section.querySelector("tbody").appendChild(row);
    counter.value = String(index + 1);
    const first = row.querySelector("select, input");
    if (first) first.focus();
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.querySelectorAll("[data-add-row]").forEach((button) => {
    button.addEventListener("click", () => addRow(button.dataset.addRow));
  });
  update();
})();
