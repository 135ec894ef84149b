// Sheet pages, never lose input: a prompt before leaving with unsaved changes, Enter that
// moves instead of submitting, and (if the filler turns it on) autosave of the draft to
// the server through the same save — and the same stale-save check — as the 保存 button.
(function () {
  "use strict";
  const S = window.SheetPage;
  if (!S || !S.editable) return;
  const form = S.form;
  const stateEl = document.getElementById("dirty-state");
  const revisionInput = form.querySelector("input[name=revision]");
  let leaving = false;

  // --- What is unsaved ------------------------------------------------------------------
  // The page as it would be posted, without the CSRF token. A page that came back from a
  // refused save holds input that is not saved: it is unsaved from the start.
  function serialize() {
    S.renumberAll();
    const data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    return new URLSearchParams(data).toString();
  }
  let baseline = form.dataset.posted === "1" ? null : serialize();

  function isDirty() {
    return baseline === null || serialize() !== baseline;
  }

  let stateTimer = null;
  function showState() {
    clearTimeout(stateTimer);
    stateTimer = setTimeout(() => {
      const dirty = isDirty();
      form.classList.toggle("is-dirty", dirty);
      if (stateEl && !stateEl.dataset.sticky) stateEl.textContent = dirty ? "有未保存的修改" : "";
    }, 200);
  }
  function say(text, sticky) {
    if (!stateEl) return;
    stateEl.textContent = text;
    if (sticky) stateEl.dataset.sticky = "1";
    else delete stateEl.dataset.sticky;
  }

  function edited() {
    if (stateEl) delete stateEl.dataset.sticky; // what was said last is out of date now
    showState();
  }
  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  form.addEventListener("submit", (event) => {
    if (!event.defaultPrevented) leaving = true;
  });

  // --- Leaving the page -----------------------------------------------------------------
  // Reload, closing the tab, typing another address: the browser's own prompt.
  window.addEventListener("beforeunload", (event) => {
    if (leaving || !isDirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // A link inside the application (the sheet tabs, the menu, the breadcrumb): our prompt,
  // which says what is at stake and offers to save first.
  const modalEl = document.getElementById("leave-modal");
  const modal = modalEl && window.bootstrap ? new window.bootstrap.Modal(modalEl) : null;
  let target = null;

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return; // new tab
    if (link.target === "_blank" || link.hasAttribute("download")) return;
    const url = new URL(link.href, location.href);
    if (url.protocol !== location.protocol && url.protocol !== "https:" && url.protocol !== "http:") return;
    const samePage = url.origin === location.origin && url.pathname === location.pathname && url.search === location.search;
    if (samePage && url.hash) return; // a finding's or comment's link to its field
    if (!isDirty()) return;
    event.preventDefault();
    target = url.href;
    if (modal) modal.show();
    else if (window.confirm("本页有未保存的修改，离开后将丢失。确定离开？")) go();
  });

  function go() {
    leaving = true;
    window.location.href = target;
  }

  if (modalEl) {
    modalEl.querySelector("#leave-go").addEventListener("click", go);
    modalEl.querySelector("#leave-save").addEventListener("click", () => {
      if (modal) modal.hide();
      const button = document.getElementById("save-button");
      form.requestSubmit(button || undefined);
    });
  }

  // --- Enter moves, never submits -------------------------------------------------------
  // In a one-line input Enter would submit the form (and reload the page at its top).
  // Here it moves down a row, as in Excel (the grid script moves between cells); textareas
  // keep Enter for new paragraphs.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
    const el = event.target;
    if (el.tagName !== "INPUT" || ["submit", "button", "reset"].includes(el.type)) return;
    event.preventDefault();
    if (S.moveFocus) S.moveFocus(el, event.shiftKey ? "up" : "down");
  });

  // --- Autosave -------------------------------------------------------------------------
  // Off unless the filler turns it on (remembered in this browser): every save is a
  // recorded act — entries in 修改记录, a new revision that makes a colleague's open page
  // stale, new stored counts on the lists — so it happens when the filler asks for it.
  const slot = document.getElementById("autosave-slot");
  if (!slot) return;
  const KEY = "sheet-autosave";
  const delay = () => parseInt(slot.dataset.delay || "10000", 10);
  const label = document.createElement("label");
  label.className = "form-check form-check-inline mb-0 small";
  const toggle = document.createElement("input");
  toggle.type = "checkbox";
  toggle.className = "form-check-input";
  toggle.id = "autosave-toggle";
  label.append(toggle, " 自动保存草稿");
  label.title = "修改后约 10 秒自动保存（与点“保存”相同，同样检查他人是否已修改）";
  slot.append(label);
  let enabled = false;
  try {
    enabled = window.localStorage.getItem(KEY) === "1";
  } catch (err) {
    enabled = false; // storage blocked: the toggle still works for this page
  }
  toggle.checked = enabled;
  let timer = null;
  let inFlight = false;
  let paused = false;

  toggle.addEventListener("change", () => {
    enabled = toggle.checked;
    try {
      window.localStorage.setItem(KEY, enabled ? "1" : "0");
    } catch (err) {
      /* not remembered; fine */
    }
    if (enabled) schedule();
    else clearTimeout(timer);
  });

  function schedule() {
    clearTimeout(timer);
    if (enabled && !paused) timer = setTimeout(autosave, delay());
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", (event) => {
    if (event.target !== toggle) schedule();
  });

  function time() {
    const now = new Date();
    return `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}`;
  }

  // 保存 clicked while an autosave is on its way: the post would carry the revision from
  // before that autosave and be refused as someone else's change. Hold it back (capture:
  // before sheet.js's handler) and send it as soon as the autosave has answered.
  let pendingSubmit = null;
  form.addEventListener(
    "submit",
    (event) => {
      if (!inFlight) return;
      event.preventDefault();
      pendingSubmit = event.submitter || document.getElementById("save-button") || form;
      say("自动保存完成后即保存…", true);
    },
    true
  );

  async function autosave() {
    await autosaveOnce();
    if (pendingSubmit && !inFlight) {
      const submitter = pendingSubmit;
      pendingSubmit = null;
      form.requestSubmit(submitter !== form && submitter.form === form ? submitter : undefined);
    }
  }

  async function autosaveOnce() {
    if (!enabled || paused || leaving || form.dataset.submitting) return;
    if (inFlight) return schedule();
    if (!isDirty()) return;
    const sent = serialize();
    const sentRows = S.rowStates();
    inFlight = true;
    say("自动保存中…", true);
    let data = null;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Sheet-Autosave": "1", "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      data = await response.json();
    } catch (err) {
      data = { saved: false, reason: "network", message: "自动保存失败（网络或服务器无响应），稍后会再试；也可以点“保存”。" };
    } finally {
      inFlight = false;
    }
    if (data.saved) {
      const unchangedSince = serialize() === sent;
      S.applySaved(data.rows || {});
      S.markSaved(sentRows); // what the live check may now name as saved
      revisionInput.value = String(data.revision);
      const badge = document.getElementById("ready-badge");
      if (badge && data.ready_html) badge.innerHTML = data.ready_html;
      // Typing during the request is not in this save: the page stays unsaved.
      baseline = unchangedSince ? serialize() : null;
      say(`已自动保存 ${time()}`, true);
      form.classList.toggle("is-dirty", !unchangedSince);
      S.scheduleCheck();
      if (!unchangedSince) schedule();
      return;
    }
    if (data.reason === "stale" || data.reason === "refused") {
      // Never overwrite someone else's save in the background: stop, and show what changed.
      paused = true;
      const box = document.getElementById("changed-meanwhile-slot");
      if (box && data.html) box.innerHTML = data.html;
      const alert = document.getElementById("autosave-alert");
      if (alert) {
        alert.textContent = data.message;
        alert.className = "alert alert-warning";
        alert.hidden = false;
        alert.scrollIntoView({ block: "nearest" });
      }
      say("自动保存已暂停", true);
      return;
    }
    say(data.message || "本次没有自动保存。", true);
    if (data.reason === "network") schedule();
  }

  // Leaving the tab (another window, a locked screen): save now rather than in 10 s.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden" && enabled) {
      clearTimeout(timer);
      autosave();
    }
  });

  S.isDirty = isDirty;
  S.autosaveNow = autosave;
})();
