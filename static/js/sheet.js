// Sheet pages: add / remove / reorder formset rows, and recompute findings while typing.
// The server is the authority: every change posts the page to its check URL, which runs
// the same rules module as a save and answers with findings and totals.
(function () {
  "use strict";
  const form = document.getElementById("sheet-form");
  if (!form) return;
  const editable = form.dataset.editable === "1";
  const checkUrl = form.dataset.checkUrl;
  const stateEl = document.getElementById("check-state");
  let timer = null;
  let seq = 0;
  // What the server accepts in one post (Django's DATA_UPLOAD_MAX_* settings).
  const maxFields = parseInt(form.dataset.maxFields || "0", 10);
  const maxBytes = parseInt(form.dataset.maxBytes || "0", 10);

  // Why this page cannot be posted as it is, or null. Counted as the browser will post
  // it (urlencoded), so the server would refuse exactly these.
  function oversize() {
    const data = new FormData(form);
    let fields = 0;
    for (const _ of data.keys()) fields += 1;
    if (maxFields && fields > maxFields) {
      return `本页共有 ${fields} 个输入项，超过系统一次能接收的 ${maxFields} 项`;
    }
    if (maxBytes) {
      const bytes = new URLSearchParams(data).toString().length;
      if (bytes > maxBytes) {
        const mb = (n) => (n / 1048576).toFixed(1);
        return `本页内容约 ${mb(bytes)} MB，超过系统一次能接收的 ${mb(maxBytes)} MB`;
      }
    }
    return null;
  }

  // A refusal shown on the page itself: nothing navigates, so nothing typed is lost.
  function showGuard(message) {
    let box = document.getElementById("post-guard");
    if (!box) {
      box = document.createElement("div");
      box.id = "post-guard";
      box.className = "alert alert-danger";
      box.setAttribute("role", "alert");
      form.prepend(box);
    }
    box.textContent = message;
    box.scrollIntoView({ block: "center" });
  }

  function visibleRows(tbody) {
    return Array.from(tbody.querySelectorAll("tr.sheet-row")).filter((tr) => !tr.hidden);
  }

  // The table's ROWS field lists its rows' prefixes in the order shown.
  function renumber(tbody) {
    const prefix = tbody.id.replace(/-rows$/, "");
    const rows = form.querySelector(`#id_${prefix}-ROWS`);
    if (rows) rows.value = visibleRows(tbody).map((tr) => tr.dataset.prefix).join(",");
    mergeLevel1(tbody);
  }

  // Level-1 cells print once per group, as on the paper form.
  function mergeLevel1(tbody) {
    let previous = null;
    visibleRows(tbody).forEach((tr) => {
      const label = tr.querySelector(".level1-label");
      const select = tr.querySelector("select[name$='-level2']");
      if (!label || !select) return;
      const option = select.selectedOptions[0];
      const group = option && option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
      label.textContent = group;
      label.classList.toggle("merged", group !== "" && group === previous);
      previous = group;
    });
  }

  // Indicators print grouped by level 1, then level 2, in the taxonomy's order (the order
  // of the level-2 select's options); within a group in the filler's order. The screen
  // keeps the same order, so a row goes into its group as soon as its level is chosen.
  // Rows without a level wait at the bottom.
  function groupKey(tr) {
    const select = tr.querySelector("select[name$='-level2']");
    if (!select || select.selectedIndex <= 0) return Infinity;
    return select.selectedIndex;
  }

  function isGrouped(tbody) {
    return tbody.id === "ind-rows";
  }

  function placeInGroup(tr) {
    const tbody = tr.parentElement;
    const key = groupKey(tr);
    const others = visibleRows(tbody).filter((row) => row !== tr);
    let after = null;
    others.forEach((row) => {
      if (groupKey(row) <= key) after = row;
    });
    const before = after ? after.nextElementSibling : others[0];
    if (after) after.after(tr);
    else if (before) before.before(tr);
    renumber(tbody);
  }

  function sortGroups(tbody) {
    const rows = visibleRows(tbody);
    const sorted = rows
      .map((tr, i) => [groupKey(tr), i, tr])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map((entry) => entry[2]);
    if (sorted.every((tr, i) => tr === rows[i])) return false;
    tbody.append(...sorted);
    renumber(tbody);
    return true;
  }

  function hint(text) {
    const el = document.getElementById("sheet-hint");
    if (!el) return;
    el.textContent = text;
    clearTimeout(hint.timer);
    hint.timer = setTimeout(() => (el.textContent = ""), 6000);
  }

  function flash(tr) {
    tr.classList.remove("row-flash");
    void tr.offsetWidth; // restart the animation
    tr.classList.add("row-flash");
  }

  // A new row: at the end of the table, or right after ``options.after`` (a row of the
  // same group for indicators), with ``options.level2`` chosen.
  function addRow(prefix, options = {}) {
    const total = form.querySelector(`#id_${prefix}-TOTAL_FORMS`);
    const template = document.getElementById(`${prefix}-template`);
    const tbody = document.getElementById(`${prefix}-rows`);
    const maxRows = parseInt(form.querySelector(`#id_${prefix}-MAX_NUM_FORMS`).value, 10);
    if (visibleRows(tbody).length >= maxRows) {
      showGuard(`本表最多 ${maxRows} 行，不能再添加。`);
      return;
    }
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    if (options.after) options.after.insertAdjacentHTML("afterend", html);
    else tbody.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const row = tbody.querySelector(`tr[data-prefix="${prefix}-${index}"]`);
    const level2 = row.querySelector("select[name$='-level2']");
    if (level2 && options.level2) {
      level2.value = options.level2;
      mergeLevel1(tbody);
    }
    renumber(tbody);
    if (options.focus !== false) {
      const first = Array.from(row.querySelectorAll("select, input:not([type=hidden]), textarea")).find(
        (el) => !(options.level2 && el === level2),
      );
      if (first) first.focus();
    }
    if (options.check !== false) scheduleCheck();
    return row;
  }

  function removeRow(tr) {
    const del = tr.querySelector("input[name$='-DELETE']");
    if (del) del.checked = true;
    tr.hidden = true;
    renumber(tr.parentElement);
    scheduleCheck();
  }

  function moveRow(tr, direction) {
    const rows = visibleRows(tr.parentElement);
    const i = rows.indexOf(tr);
    const j = i + direction;
    if (j < 0 || j >= rows.length) return;
    if (isGrouped(tr.parentElement) && groupKey(rows[j]) !== groupKey(tr)) {
      hint("指标按一级、二级目标分组排列，与打印顺序一致；要移到其他分组，请改“二级目标”。");
      return;
    }
    if (direction < 0) rows[j].before(tr);
    else rows[j].after(tr);
    renumber(tr.parentElement);
    scheduleCheck();
  }

  // Show an amount with thousands separators once the field is left. Digits are grouped
  // as text, never through floating point, so what was typed is what is kept.
  function formatMoney(input) {
    const raw = input.value.replace(/[\s,，¥￥元]/g, "").replace("．", ".");
    const match = /^(\d+)(?:\.(\d*))?$/.exec(raw);
    if (!match) return;
    const whole = match[1].replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    let decimals = match[2];
    if (!input.name.endsWith("quantity")) {
      if (decimals === undefined || decimals.length < 2) decimals = (decimals || "").padEnd(2, "0");
    }
    input.value = decimals === undefined || decimals === "" ? whole : `${whole}.${decimals}`;
  }

  function findingHtml(f) {
    const div = document.createElement("div");
    div.className = `finding-msg finding-${f.severity}`;
    div.dataset.anchor = f.anchor;
    div.textContent = f.message;
    return div;
  }

  function placeFor(anchor) {
    const slot = form.querySelector(`[data-anchor-slot="${anchor}"]`);
    if (slot) return slot;
    const el = document.getElementById(`id_${anchor}`);
    if (el) return el.closest("td") || el.parentElement;
    return null;
  }

  function render(data) {
    form.querySelectorAll(".finding-msg").forEach((el) => el.remove());
    form.querySelectorAll(".is-invalid").forEach((el) => el.classList.remove("is-invalid"));
    const list = document.createElement("ul");
    list.className = "list-unstyled mb-0";
    const sheet = form.dataset.sheet;
    data.findings.forEach((f) => {
      if (f.sheet === sheet) {
        const place = placeFor(f.anchor) || placeFor(f.anchor.split("-").slice(0, 2).join("-"));
        if (place) place.appendChild(findingHtml(f));
        const input = document.getElementById(`id_${f.anchor}`);
        if (input && f.severity === "error" && input.classList.contains("form-control")) input.classList.add("is-invalid");
      }
      const li = document.createElement("li");
      li.className = `finding-${f.severity}`;
      li.dataset.code = f.code;
      const badge = document.createElement("span");
      badge.className = `badge ${f.severity === "error" ? "text-bg-danger" : "text-bg-warning"}`;
      badge.textContent = f.severity === "error" ? "错误" : "提示";
      const link = document.createElement("a");
      link.className = "link-secondary";
      link.href = f.sheet === sheet ? `#id_${f.anchor}` : `../${f.sheet}/`;
      link.textContent = f.where;
      li.append(badge, " ", link, `：${f.message}`);
      list.appendChild(li);
    });
    const box = document.getElementById("findings-list");
    box.replaceChildren();
    if (data.findings.length) box.appendChild(list);
    else box.innerHTML = '<p class="text-success mb-0">未发现问题。</p>';
    document.getElementById("count-errors").textContent = data.errors;
    document.getElementById("count-warnings").textContent = data.warnings;
    document.querySelectorAll("[data-count=errors]").forEach((el) => (el.textContent = data.errors));
    document.querySelectorAll("[data-count=warnings]").forEach((el) => (el.textContent = data.warnings));
    if (data.totals && data.totals.lines_total !== undefined) {
      document.getElementById("lines-total").textContent = data.totals.lines_total;
    }
  }

  // --- Rows as saved ----------------------------------------------------------------
  // The live check posts only the rows that differ from what is saved; the others are
  // named in their table's SAME field and stand on the server for their saved values
  // (a page of 500 rows would otherwise be validated whole on every pause in typing).
  // A row's state is its fields' values without its prefix (prefixes change when an
  // autosave renumbers rows). A page that came back from a refused save shows input
  // that is not saved: none of its rows counts as saved until a save succeeds.
  const savedState = new WeakMap();

  function rowState(tr) {
    const parts = [];
    tr.querySelectorAll("input[name], select[name], textarea[name]").forEach((el) => {
      const name = el.name.slice(tr.dataset.prefix.length + 1);
      if (name === "id" || name === "DELETE") return;
      const value = el.type === "checkbox" || el.type === "radio" ? el.checked : el.value;
      parts.push([name, value]);
    });
    return JSON.stringify(parts);
  }

  function allRows() {
    return form.querySelectorAll("tbody.formset-rows tr.sheet-row");
  }

  function rowId(tr) {
    const id = tr.querySelector(`input[name="${tr.dataset.prefix}-id"]`);
    return id ? id.value : "";
  }

  // The state of every row as it is now (taken when a save is sent).
  function rowStates() {
    const states = new Map();
    allRows().forEach((tr) => states.set(tr, rowState(tr)));
    return states;
  }

  // After a save: the rows it kept are saved as they were sent (``states``).
  function markSaved(states) {
    allRows().forEach((tr) => {
      if (rowId(tr) && states.has(tr)) savedState.set(tr, states.get(tr));
      else savedState.delete(tr);
    });
  }

  if (form.dataset.posted !== "1") markSaved(rowStates());

  // The page as the live check posts it: changed rows whole, saved ones by id.
  function checkData() {
    const data = new FormData(form);
    form.querySelectorAll("tbody.formset-rows").forEach((tbody) => {
      const same = [];
      tbody.querySelectorAll("tr.sheet-row").forEach((tr) => {
        if (!savedState.has(tr) || !rowId(tr)) return;
        if (!tr.hidden && rowState(tr) !== savedState.get(tr)) return;
        const prefix = tr.dataset.prefix;
        same.push(prefix);
        tr.querySelectorAll("[name]").forEach((el) => {
          if (el.name !== `${prefix}-id` && el.name !== `${prefix}-DELETE`) data.delete(el.name);
        });
      });
      const table = tbody.id.replace(/-rows$/, "");
      if (same.length) data.set(`${table}-SAME`, same.join(","));
    });
    return data;
  }

  async function post(body) {
    const response = await fetch(checkUrl, {
      method: "POST",
      body,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  async function check() {
    const mine = ++seq;
    form.querySelectorAll("tbody.formset-rows").forEach(renumber);
    if (oversize()) {
      stateEl.textContent = "（本页内容过多，实时检查已暂停）";
      return;
    }
    stateEl.textContent = "检查中…";
    try {
      let data = await post(checkData());
      // Saved meanwhile by someone else, or a row no longer saved: the page whole.
      if (data.full) data = await post(new FormData(form));
      if (mine !== seq) return; // a newer check is on its way
      render(data);
      stateEl.textContent = "（已实时更新，尚未保存）";
    } catch (err) {
      if (mine === seq) stateEl.textContent = "（实时检查暂不可用，保存时仍会检查）";
    }
  }

  function scheduleCheck() {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  }

  // Long texts grow with their paragraphs instead of scrolling inside a small box.
  function autosize(area) {
    area.style.height = "auto";
    area.style.height = `${area.scrollHeight + 2}px`;
  }

  form.addEventListener("input", (event) => {
    if (event.target.tagName === "TEXTAREA") autosize(event.target);
    scheduleCheck();
  });
  form.addEventListener("change", (event) => {
    if (event.target.matches("select[name$='-level2']")) {
      const tr = event.target.closest("tr.sheet-row");
      const before = visibleRows(tr.parentElement).indexOf(tr);
      placeInGroup(tr);
      mergeLevel1(tr.parentElement);
      if (visibleRows(tr.parentElement).indexOf(tr) !== before) {
        tr.scrollIntoView({ block: "nearest" });
        flash(tr);
        hint(`已按打印顺序移入“${event.target.selectedOptions[0].parentElement.label || ""} · ${event.target.selectedOptions[0].textContent}”分组。`);
      }
      event.target.focus();
    }
    scheduleCheck();
  });
  form.addEventListener("focusout", (event) => {
    if (event.target.matches("input[inputmode=decimal]")) formatMoney(event.target);
  });
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !editable) return;
    const tr = button.closest("tr.sheet-row");
    if (button.dataset.addRow) addRow(button.dataset.addRow);
    else if (button.classList.contains("row-add-here")) {
      const level2 = tr.querySelector("select[name$='-level2']");
      const row = addRow(tr.dataset.prefix.split("-")[0], { after: tr, level2: level2 && level2.value });
      flash(row);
    }
    else if (button.classList.contains("row-remove")) removeRow(tr);
    else if (button.classList.contains("row-up")) moveRow(tr, -1);
    else if (button.classList.contains("row-down")) moveRow(tr, 1);
  });
  form.addEventListener("submit", (event) => {
    if (event.defaultPrevented) return; // held back (sheet_editor.js: an autosave on its way)
    const button = document.getElementById("save-button");
    if (form.dataset.submitting) {
      event.preventDefault(); // a second click would post the same new rows twice
      return;
    }
    form.querySelectorAll("tbody.formset-rows").forEach(renumber);
    const tooMuch = oversize();
    if (tooMuch) {
      // The server would refuse the post with a bare page; say it here instead.
      event.preventDefault();
      showGuard(`${tooMuch}，没有提交，您的输入仍在本页。请删去多余的行后再保存。`);
      return;
    }
    form.dataset.submitting = "1";
    if (button) {
      button.disabled = true;
      button.textContent = "保存中…";
    }
  });
  // After an autosave the rows it created exist in the database: they become the
  // formset's initial forms (their ids set, renumbered first), rows it deleted leave the
  // page, so that the next save updates them instead of creating them again.
  // ``saved`` maps a formset prefix to {row prefix: id} of the rows the save kept.
  const ROW_KINDS = { ind: "indicator", line: "line", doc: "doc" };

  function reprefix(tr, newPrefix) {
    const old = tr.dataset.prefix;
    if (old === newPrefix) return;
    const pattern = new RegExp(`^(id_)?${old}(?=-|$)`);
    tr.querySelectorAll("[name], [id], [for], [data-anchor]").forEach((el) => {
      ["name", "id", "for", "data-anchor"].forEach((attr) => {
        const value = el.getAttribute(attr);
        if (value && pattern.test(value)) el.setAttribute(attr, value.replace(pattern, `$1${newPrefix}`));
      });
    });
    tr.dataset.prefix = newPrefix;
  }

  function applySaved(saved) {
    Object.entries(saved).forEach(([prefix, ids]) => {
      const tbody = document.getElementById(`${prefix}-rows`);
      if (!tbody) return;
      const kept = [];
      const extras = [];
      tbody.querySelectorAll("tr.sheet-row").forEach((tr) => {
        if (tr.dataset.prefix in ids) kept.push(tr);
        else if (tr.hidden) tr.remove(); // deleted by the save, or added and removed unsaved
        else extras.push(tr);
      });
      const rows = kept.concat(extras);
      rows.forEach((tr, i) => {
        const pk = ids[tr.dataset.prefix];
        reprefix(tr, `${prefix}-${i}`);
        if (pk !== undefined) {
          tr.querySelector(`input[name="${prefix}-${i}-id"]`).value = String(pk);
          tr.dataset.rowAnchor = `${ROW_KINDS[prefix]}:${pk}`;
          tr.id = `row-${ROW_KINDS[prefix]}-${pk}`;
        }
      });
      form.querySelector(`#id_${prefix}-INITIAL_FORMS`).value = String(kept.length);
      form.querySelector(`#id_${prefix}-TOTAL_FORMS`).value = String(rows.length);
      renumber(tbody);
    });
  }

  function renumberAll() {
    form.querySelectorAll("tbody.formset-rows").forEach(renumber);
  }

  form.querySelectorAll("tbody.formset-rows").forEach((tbody) => {
    if (isGrouped(tbody)) sortGroups(tbody);
    mergeLevel1(tbody);
  });
  form.querySelectorAll("textarea").forEach(autosize);

  // What the other scripts of the page (editing, paste, autosave) build on.
  window.SheetPage = {
    form,
    editable,
    addRow,
    applySaved,
    autosize,
    formatMoney,
    hint,
    flash,
    markSaved,
    mergeLevel1,
    placeInGroup,
    rowStates,
    renumber,
    renumberAll,
    scheduleCheck,
    sortGroups,
    visibleRows,
  };
})();
