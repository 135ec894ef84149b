// Sheet tables as a grid, for people who come from Excel:
// - keyboard: Enter / ↓ next row, Shift+Enter / ↑ previous row (same column); ← at the
//   start of a cell and → at its end go to the cell before / after; in a textarea ↑/↓
//   leave the cell only at its very start / end (Enter there is a new paragraph);
// - paste of a block copied from Excel (tab-separated) fills the cells from the one
//   pasted into, adding rows as needed; the live check then validates every cell;
// - 明细金额 offered from 单价 × 数量 (a button, never filled silently);
// - after a refused save, the first error gets the focus.
(function () {
  "use strict";
  const S = window.SheetPage;
  if (!S) return;
  const form = S.form;

  const CONTROL = "input:not([type=hidden]):not([type=checkbox]), select, textarea";

  // The editable cells of a row, one per column, in column order.
  function cells(tr) {
    const out = [];
    tr.querySelectorAll(":scope > td").forEach((td) => {
      if (td.classList.contains("row-actions")) return;
      const control = td.querySelector(CONTROL);
      if (control && !control.disabled) out.push(control);
    });
    return out;
  }

  function focusCell(el) {
    if (!el) return false;
    el.focus();
    if (el.tagName === "INPUT") el.select();
    else if (el.tagName === "TEXTAREA") el.setSelectionRange(el.value.length, el.value.length);
    return true;
  }

  // Move from ``el`` up / down / left / right; outside a table, down/up go to the next /
  // previous field of the form.
  function moveFocus(el, direction) {
    const tr = el.closest("tr.sheet-row");
    if (!tr) {
      if (direction !== "down" && direction !== "up") return false;
      const all = Array.from(form.querySelectorAll(CONTROL)).filter((c) => !c.disabled && c.offsetParent !== null);
      const i = all.indexOf(el);
      return focusCell(all[direction === "down" ? i + 1 : i - 1]);
    }
    const row = cells(tr);
    const col = row.indexOf(el);
    if (direction === "left") return focusCell(row[col - 1]);
    if (direction === "right") return focusCell(row[col + 1]);
    const rows = S.visibleRows(tr.parentElement);
    const next = rows[rows.indexOf(tr) + (direction === "down" ? 1 : -1)];
    if (!next) return false;
    const target = cells(next);
    return focusCell(target[Math.min(col, target.length - 1)]);
  }
  S.moveFocus = moveFocus;

  form.addEventListener("keydown", (event) => {
    const el = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey || event.isComposing) return;
    if (!el.closest || !el.closest("tbody.formset-rows")) return;
    if (el.tagName !== "INPUT" && el.tagName !== "TEXTAREA") return; // selects keep their arrows
    const collapsed = el.selectionStart === el.selectionEnd;
    const atStart = collapsed && el.selectionStart === 0;
    const atEnd = collapsed && el.selectionEnd === el.value.length;
    const whole = el.selectionStart === 0 && el.selectionEnd === el.value.length;
    let direction = null;
    if (event.key === "ArrowDown" && (el.tagName === "INPUT" || atEnd)) direction = "down";
    else if (event.key === "ArrowUp" && (el.tagName === "INPUT" || atStart)) direction = "up";
    else if (event.key === "ArrowLeft" && (atStart || (whole && el.tagName === "INPUT"))) direction = "left";
    else if (event.key === "ArrowRight" && (atEnd || (whole && el.tagName === "INPUT"))) direction = "right";
    if (direction && moveFocus(el, direction)) event.preventDefault();
  });

  // --- Paste from Excel -------------------------------------------------------------------
  // Excel puts a block on the clipboard as tab-separated lines; a cell holding a line break
  // or a quote is quoted ("…", with "" for a quote).
  function parseBlock(text) {
    text = text.replace(/\r\n?/g, "\n");
    if (text.endsWith("\n")) text = text.slice(0, -1);
    const rows = [];
    let row = [];
    let cell = "";
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"' && cell === "") quoted = true;
      else if (c === "\t") {
        row.push(cell);
        cell = "";
      } else if (c === "\n") {
        row.push(cell);
        rows.push(row);
        row = [];
        cell = "";
      } else cell += c;
    }
    row.push(cell);
    rows.push(row);
    return rows;
  }

  function level1Names(select) {
    return new Set(Array.from(select.querySelectorAll("optgroup")).map((g) => g.label));
  }

  // The option of a level-2 select that a pasted text names: "数量", or "产出目标 · 数量" /
  // "产出目标/数量"; ``level1`` (from a pasted 一级目标 column) decides between equal names.
  function level2Option(select, text, level1) {
    const value = text.trim().replace(/\s+/g, "");
    if (!value) return null;
    const parts = value.split(/[·/／\-—|]/).filter(Boolean);
    const name = parts[parts.length - 1];
    const group = parts.length > 1 ? parts[0] : level1;
    const matches = Array.from(select.options).filter(
      (o) => o.value && o.textContent.replace(/\s+/g, "") === name,
    );
    return matches.find((o) => o.parentElement.label === group) || matches[0] || null;
  }

  function note(control, text) {
    const td = control.closest("td");
    td.querySelectorAll(".paste-note").forEach((n) => n.remove());
    if (!text) return;
    const div = document.createElement("div");
    div.className = "paste-note finding-msg-static finding-error";
    div.textContent = text;
    td.appendChild(div);
  }

  function setCell(control, text, context) {
    if (control.tagName === "SELECT") {
      if (control.name.endsWith("-level2")) {
        const option = level2Option(control, text, context.level1);
        if (!text.trim() && context.level2) {
          control.value = context.level2; // merged 二级目标 cells paste as blanks below
        } else if (option) {
          control.value = option.value;
        } else {
          control.value = "";
          note(control, `“${text.trim()}”不是本年度的二级目标，请从列表中选择。`);
          return;
        }
        context.level2 = control.value;
        note(control, "");
        return;
      }
      const option = Array.from(control.options).find((o) => o.textContent.trim() === text.trim());
      control.value = option ? option.value : "";
      if (!option && text.trim()) note(control, `“${text.trim()}”不在可选项中，请从列表中选择。`);
      return;
    }
    control.value = control.tagName === "TEXTAREA" ? text : text.replace(/\n/g, " ");
    if (control.matches("input[inputmode=decimal]")) S.formatMoney(control);
    if (control.tagName === "TEXTAREA") S.autosize(control);
  }

  function paste(event) {
    const start = event.target;
    const tr = start.closest && start.closest("tr.sheet-row");
    if (!tr || !S.editable) return;
    const text = (event.clipboardData || window.clipboardData).getData("text/plain");
    let block = parseBlock(text);
    if (block.length === 1 && block[0].length === 1) return; // one value: the browser pastes it
    event.preventDefault();
    const tbody = tr.parentElement;
    const prefix = tbody.id.replace(/-rows$/, "");
    const startCol = cells(tr).indexOf(start);
    // A block copied from the official sheet starts with its 一级目标 column, which this
    // page shows as a label: read it (it tells equal level-2 names apart) and skip it.
    const level1s = [];
    if (start.name && start.name.endsWith("-level2")) {
      const names = level1Names(start);
      const first = block.map((r) => r[0].trim());
      if (block[0].length > 1 && first.some((v) => names.has(v)) && first.every((v) => !v || names.has(v))) {
        let current = "";
        block = block.map((r) => {
          current = r[0].trim() || current;
          level1s.push(current);
          return r.slice(1);
        });
      }
    }
    let row = tr;
    let added = 0;
    const context = { level2: "", level1: "" };
    const touched = [];
    block.forEach((values, i) => {
      if (i > 0) {
        const rows = S.visibleRows(tbody);
        row = rows[rows.indexOf(row) + 1];
        if (!row) {
          row = S.addRow(prefix, { focus: false, check: false });
          added++;
        }
      }
      const targets = cells(row).slice(startCol);
      context.level1 = level1s[i] || "";
      values.forEach((value, j) => {
        if (targets[j]) {
          setCell(targets[j], value, context);
          touched.push(targets[j]);
        }
      });
    });
    if (prefix === "ind") S.sortGroups(tbody);
    S.mergeLevel1(tbody);
    S.renumber(tbody);
    touched.forEach((el) => el.dispatchEvent(new Event("input", { bubbles: true })));
    S.hint(`已粘贴 ${block.length} 行${added ? `（新增 ${added} 行）` : ""}，正在逐格检查。`);
    S.scheduleCheck();
  }
  form.addEventListener("paste", paste);
  form.addEventListener("change", (event) => {
    if (event.target.tagName === "SELECT") note(event.target, "");
  });

  // --- 明细金额 from 单价 × 数量 --------------------------------------------------------------
  // Exact decimal arithmetic on the typed digits (no floating point), rounded half up to
  // the cent as the rules module does.
  function decimal(text) {
    const raw = (text || "").replace(/[\s,，¥￥元]/g, "").replace("．", ".");
    const match = /^(\d+)(?:\.(\d*))?$/.exec(raw);
    if (!match) return null;
    const decimals = match[2] || "";
    return { digits: BigInt(match[1] + decimals), scale: decimals.length };
  }

  function product(a, b) {
    const scale = a.scale + b.scale;
    let cents = a.digits * b.digits;
    if (scale > 2) {
      const div = 10n ** BigInt(scale - 2);
      cents = (cents + div / 2n) / div;
    } else cents *= 10n ** BigInt(2 - scale);
    return cents;
  }

  function centsText(cents) {
    const s = cents.toString().padStart(3, "0");
    const whole = s.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${whole}.${s.slice(-2)}`;
  }

  function offerAmount(tr) {
    const amount = tr.querySelector("input[name$='-amount']");
    const price = tr.querySelector("input[name$='-unit_price']");
    const quantity = tr.querySelector("input[name$='-quantity']");
    if (!amount || !price || !quantity) return;
    const td = amount.closest("td");
    let button = td.querySelector("button.amount-offer");
    const p = decimal(price.value);
    const q = decimal(quantity.value);
    const current = decimal(amount.value);
    let offer = null;
    if (p && q) {
      const cents = product(p, q);
      const currentCents = current ? product(current, { digits: 1n, scale: 0 }) : null;
      if (currentCents === null || currentCents !== cents) offer = centsText(cents);
    }
    if (!offer || !S.editable) {
      if (button) button.remove();
      return;
    }
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link btn-sm amount-offer";
      td.appendChild(button);
    }
    button.dataset.value = offer;
    button.textContent = `填入 单价×数量 = ${offer}`;
    button.title = current ? "明细金额与单价×数量不符；点此改为单价×数量" : "点此填入单价×数量";
  }

  form.addEventListener("input", (event) => {
    const tr = event.target.closest && event.target.closest("#line-rows tr.sheet-row");
    if (tr) offerAmount(tr);
  });
  form.addEventListener("focusout", (event) => {
    const tr = event.target.closest && event.target.closest("#line-rows tr.sheet-row");
    if (tr) setTimeout(() => offerAmount(tr), 0); // after the amount is formatted
  });
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button.amount-offer");
    if (!button) return;
    const amount = button.closest("td").querySelector("input[name$='-amount']");
    amount.value = button.dataset.value;
    amount.dispatchEvent(new Event("input", { bubbles: true }));
    amount.focus();
    button.remove();
  });
  form.querySelectorAll("#line-rows tr.sheet-row").forEach(offerAmount);

  // --- 同组添加 -----------------------------------------------------------------------------
  function addGroupButton(tr) {
    const cell = tr.querySelector("td.row-actions");
    if (!cell || cell.querySelector(".row-add-here")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-link row-add-here";
    button.title = "在本行下面添加一个同组指标";
    button.setAttribute("aria-label", "在本行下面添加一个同组指标");
    button.textContent = "＋";
    cell.appendChild(button);
  }
  if (S.editable) {
    const indRows = document.getElementById("ind-rows");
    if (indRows) {
      indRows.querySelectorAll("tr.sheet-row").forEach(addGroupButton);
      new MutationObserver((records) =>
        records.forEach((r) => r.addedNodes.forEach((n) => n.matches && n.matches("tr.sheet-row") && addGroupButton(n))),
      ).observe(indRows, { childList: true });
    }
  }

  // --- After a refused save: the first error --------------------------------------------
  function focusFirstError() {
    const first =
      form.querySelector("[aria-invalid=true]") ||
      (form.querySelector(".finding-msg.finding-error") || { closest: () => null }).closest("td");
    if (!first) return;
    const control = first.matches(CONTROL) ? first : first.querySelector(CONTROL);
    if (control) control.focus({ preventScroll: true });
    first.scrollIntoView({ block: "center", behavior: "instant" }); // not Bootstrap's smooth
  }
  if (form.dataset.posted === "1") {
    // Once the page is laid out (textareas grown, fonts in): earlier, the place moves.
    if (document.readyState === "complete") focusFirstError();
    else window.addEventListener("load", focusFirstError);
  }
})();
