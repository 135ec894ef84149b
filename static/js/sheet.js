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

  function addRow(prefix) {
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
    tbody.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    renumber(tbody);
    const row = tbody.lastElementChild;
    const first = row.querySelector("select, input:not([type=hidden]), textarea");
    if (first) first.focus();
    scheduleCheck();
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
    if (data.totals && data.totals.lines_total !== undefined) {
      document.getElementById("lines-total").textContent = data.totals.lines_total;
    }
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
      const response = await fetch(checkUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
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
    if (event.target.matches("select[name$='-level2']")) mergeLevel1(event.target.closest("tbody"));
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
    else if (button.classList.contains("row-remove")) removeRow(tr);
    else if (button.classList.contains("row-up")) moveRow(tr, -1);
    else if (button.classList.contains("row-down")) moveRow(tr, 1);
  });
  form.addEventListener("submit", (event) => {
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
  form.querySelectorAll("tbody.formset-rows").forEach(mergeLevel1);
  form.querySelectorAll("textarea").forEach(autosize);
})();
