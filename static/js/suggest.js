// Type-ahead on the 三级指标 cells: library entries and the unit's earlier indicators,
// searched on the server (an HTML fragment of options), picked with the mouse or the
// keyboard (↓/↑ to move, Enter to choose, Esc to close). Choosing fills the row's name,
// and its blank 目标值/单位/备注 (2021: 指标性质, 指标值, 度量单位, 指标解释, 评分标准).
(function () {
  "use strict";
  const table = document.getElementById("indicator-table");
  if (!table || !table.dataset.suggestUrl) return;
  const url = table.dataset.suggestUrl;
  const list = document.createElement("ul");
  list.id = "suggest-list";
  list.className = "suggest-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "指标建议");
  list.hidden = true;
  document.body.append(list);
  table.querySelectorAll("input[name$='-name']").forEach((el) => el.setAttribute("autocomplete", "off"));
  let input = null;
  let active = -1;
  let timer = null;
  let controller = null;

  const isNameCell = (el) =>
    el && el.tagName === "INPUT" && /^ind-\d+-name$/.test(el.name || "") && el.closest("#indicator-table");
  const options = () => Array.from(list.querySelectorAll("[role=option]"));

  function close() {
    list.hidden = true;
    list.replaceChildren();
    active = -1;
    if (input) {
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
  }

  function place() {
    const r = input.getBoundingClientRect();
    list.style.left = `${window.scrollX + r.left}px`;
    list.style.top = `${window.scrollY + r.bottom}px`;
    list.style.minWidth = `${Math.max(r.width, 280)}px`;
  }

  function mark(index) {
    const all = options();
    all.forEach((o, i) => o.setAttribute("aria-selected", i === index ? "true" : "false"));
    active = index;
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  }

  function fetchFor(el) {
    const q = el.value.trim();
    if (!q) return close();
    const tr = el.closest("tr");
    const level = tr && tr.querySelector("select[name$='-level2']");
    const params = new URLSearchParams({ q, level2: level ? level.value : "" });
    if (controller) controller.abort();
    controller = new AbortController();
    fetch(`${url}?${params}`, { signal: controller.signal, headers: { "X-Requested-With": "fetch" } })
      .then((r) => (r.ok ? r.text() : ""))
      .then((html) => {
        if (input !== el || document.activeElement !== el) return;
        list.innerHTML = html;
        list.hidden = !html.trim();
        el.setAttribute("aria-expanded", list.hidden ? "false" : "true");
        active = -1;
        if (!list.hidden) place();
      })
      .catch(() => {});
  }

  function setField(tr, name, value, onlyBlank) {
    const el = tr.querySelector(`[name$='-${name}']`);
    if (!el || value === undefined || value === "") return;
    if (onlyBlank && el.value.trim() !== "") return;
    if (el.tagName === "SELECT" && !Array.from(el.options).some((o) => o.value === value)) return;
    el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function choose(option) {
    const tr = input.closest("tr");
    const d = option.dataset;
    setField(tr, "name", d.name, false);
    setField(tr, "level2", d.level2, true);
    setField(tr, "target_raw", d.target, true);
    setField(tr, "nature", d.nature, true);
    setField(tr, "target_value", d.value, true);
    setField(tr, "measure_unit", d.unit, true);
    setField(tr, "explanation", d.explanation, true);
    setField(tr, "scoring", d.scoring, true);
    setField(tr, "remark", d.remark, true);
    close();
    input.focus();
  }

  document.addEventListener("input", (event) => {
    if (!isNameCell(event.target) || !event.isTrusted) return;
    input = event.target;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", "suggest-list");
    input.setAttribute("autocomplete", "off");
    clearTimeout(timer);
    timer = setTimeout(() => fetchFor(input), 150);
  });

  // Capture: ahead of the grid's arrow keys and the editor's Enter, while the list is open.
  document.addEventListener(
    "keydown",
    (event) => {
      if (list.hidden || event.target !== input || event.isComposing) return;
      const all = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        mark((active + step + all.length) % all.length);
      } else if (event.key === "Enter" && active >= 0) {
        choose(all[active]);
      } else if (event.key === "Escape") {
        close();
      } else return;
      event.preventDefault();
      event.stopPropagation();
    },
    true,
  );

  list.addEventListener("mousedown", (event) => {
    const option = event.target.closest("[role=option]");
    if (!option) return;
    event.preventDefault(); // keep the focus in the cell
    choose(option);
  });
  document.addEventListener("focusout", (event) => {
    if (event.target === input) setTimeout(() => document.activeElement !== input && close(), 0);
  });
  window.addEventListener("resize", () => !list.hidden && place());
})();
