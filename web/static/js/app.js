// Groundwork's own front-end behaviour: one small ES module, no dependencies.
//
// Loaded by the layout with <script type="module" nonce=…>; it never injects
// scripts or inline styles (strict CSP), never writes HTML from data (only
// textContent), and works when htmx is missing (every htmx hook is just an
// event listener that then never fires).
//
//   - theme toggle        [data-theme-toggle], localStorage "theme" = "light" | "dark"
//   - toasts              #toasts [data-autodismiss="ms"], [data-dismiss]
//   - network failures    htmx:sendError / htmx:timeout → error toast
//   - proxy errors        a 5xx the app did not retarget is not swapped into the page
//   - validation focus    after a swap, focus the first [aria-invalid="true"] field
//   - busy state          aria-busy on the element whose htmx request is in flight
//   - confirmation        data-confirm="Question?" on a button, form or link
//   - dev live reload     <meta name="dev-reload" content="URL">: reload when the server restarts
//   - uploads             [data-uploader]: presign, PUT with progress, finalize (upload.js)

import "./upload.js";

const root = document.documentElement;

// ---------------------------------------------------------------- theme

const THEME_KEY = "theme";
const darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

function storedTheme() {
  try {
    const t = window.localStorage.getItem(THEME_KEY);
    return t === "light" || t === "dark" ? t : null;
  } catch {
    return null; // storage disabled (privacy mode, sandboxed frame)
  }
}

function effectiveTheme() {
  return root.dataset.theme || (darkQuery && darkQuery.matches ? "dark" : "light");
}

function syncToggles() {
  const dark = effectiveTheme() === "dark";
  for (const btn of document.querySelectorAll("[data-theme-toggle]")) {
    btn.hidden = false;
    btn.setAttribute("aria-pressed", dark ? "true" : "false");
    btn.title = dark ? "Switch to light theme" : "Switch to dark theme";
  }
}

function setTheme(theme) {
  root.dataset.theme = theme;
  try {
    window.localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Not remembered, but still applied for this page.
  }
  syncToggles();
}

// Apply the remembered theme first thing: a module runs once the document is
// parsed, before the first paint in practice; without a stored choice the
// stylesheet follows prefers-color-scheme and nothing changes.
{
  const t = storedTheme();
  if (t) root.dataset.theme = t;
}

document.addEventListener("click", (e) => {
  const btn = e.target instanceof Element ? e.target.closest("[data-theme-toggle]") : null;
  if (btn) setTheme(effectiveTheme() === "dark" ? "light" : "dark");
});
if (darkQuery && darkQuery.addEventListener) darkQuery.addEventListener("change", syncToggles);

// ---------------------------------------------------------------- toasts

const DEFAULT_TOAST_MS = 6000;
const toastTimers = new WeakMap();

function toastRegion() {
  return document.getElementById("toasts");
}

function removeToast(toast) {
  clearTimeout(toastTimers.get(toast));
  toast.remove();
}

// Schedule removal; hovering or focusing a toast pauses it, so there is time to read it.
function armToast(toast) {
  if (!toast.matches("[data-autodismiss]") || toastTimers.has(toast)) return;
  const ms = parseInt(toast.getAttribute("data-autodismiss"), 10) || DEFAULT_TOAST_MS;
  const start = () => {
    clearTimeout(toastTimers.get(toast));
    toastTimers.set(toast, setTimeout(() => removeToast(toast), ms));
  };
  const pause = () => clearTimeout(toastTimers.get(toast));
  toast.addEventListener("mouseenter", pause);
  toast.addEventListener("mouseleave", start);
  toast.addEventListener("focusin", pause);
  toast.addEventListener("focusout", start);
  start();
}

function armToastsIn(node) {
  if (!(node instanceof Element)) return;
  if (node.matches("[data-autodismiss]")) armToast(node);
  for (const t of node.querySelectorAll("[data-autodismiss]")) armToast(t);
}

function watchToasts() {
  const region = toastRegion();
  if (!region) return;
  armToastsIn(region);
  // Toasts arrive later too: swapped in by htmx (HX-Retarget: #toasts) or added below.
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) armToastsIn(n);
  }).observe(region, { childList: true, subtree: true });
}

document.addEventListener("click", (e) => {
  const btn = e.target instanceof Element ? e.target.closest("[data-dismiss]") : null;
  if (!btn) return;
  const toast = btn.closest(".toast, [data-autodismiss]");
  if (toast) removeToast(toast);
});

/**
 * Append a toast built from DOM nodes (never innerHTML), matching ui.Toast.
 * @param {"info"|"success"|"warning"|"error"} variant
 * @param {string} message
 */
export function showToast(variant, message) {
  const region = toastRegion();
  if (!region) return;
  const toast = document.createElement("div");
  toast.className = `toast toast--${variant}`;
  toast.setAttribute("role", variant === "error" ? "alert" : "status");
  toast.setAttribute("data-autodismiss", variant === "error" ? "12000" : String(DEFAULT_TOAST_MS));
  toast.setAttribute("data-testid", "toast");

  const body = document.createElement("div");
  body.className = "toast__body";
  const p = document.createElement("p");
  p.className = "toast__message";
  p.textContent = message;
  body.append(p);

  const close = document.createElement("button");
  close.type = "button";
  close.className = "toast__close";
  close.setAttribute("data-dismiss", "");
  close.setAttribute("aria-label", "Dismiss notification");
  close.textContent = "×";

  toast.append(body, close);
  region.append(toast);
}

// Other modules (live.js) ask for a toast with an "app:toast" event.
document.addEventListener("app:toast", (e) => {
  const d = e.detail || {};
  if (d.message) showToast(d.variant || "info", String(d.message));
});

// ---------------------------------------------------------------- htmx hooks

const OFFLINE_MESSAGE = "The server can't be reached. Check your connection and try again.";

document.addEventListener("htmx:sendError", () => showToast("error", OFFLINE_MESSAGE));
document.addEventListener("htmx:timeout", () => showToast("error", OFFLINE_MESSAGE));

// The app retargets every htmx error response to #toasts. A 5xx without
// HX-Retarget/HX-Reswap comes from something in front of the app (a proxy's
// 502/504 page): don't swap that page into the target, say so in a toast.
document.addEventListener("htmx:beforeSwap", (e) => {
  const d = e.detail;
  const xhr = d && d.xhr;
  if (!xhr || xhr.status < 500 || !d.isError) return;
  if (xhr.getResponseHeader("HX-Retarget") || xhr.getResponseHeader("HX-Reswap")) return;
  d.shouldSwap = false;
  showToast("error", `The server couldn't complete the request (${xhr.status}). Try again in a moment.`);
});

// Mark the element whose request is in flight, for assistive technology.
document.addEventListener("htmx:beforeRequest", (e) => {
  if (e.detail && e.detail.elt) e.detail.elt.setAttribute("aria-busy", "true");
});
document.addEventListener("htmx:afterRequest", (e) => {
  if (e.detail && e.detail.elt) e.detail.elt.removeAttribute("aria-busy");
});

function focusFirstInvalid(scope) {
  const field = scope && scope.querySelector('[aria-invalid="true"]');
  if (field) field.focus();
  return !!field;
}

// After a swap, move focus to the first invalid field of the swapped region
// (a form re-rendered with 422). With outerHTML the old target is detached,
// so look in the element's new place or, failing that, the document.
document.addEventListener("htmx:afterSwap", (e) => {
  const d = e.detail || {};
  const scope = [d.target, d.elt].find((n) => n instanceof Element && n.isConnected) || document;
  focusFirstInvalid(scope);
});

// ---------------------------------------------------------------- confirmation

let dialogSeq = 0;

/**
 * Ask a yes/no question with a native <dialog>; falls back to window.confirm.
 * @param {string} message
 * @param {string} [confirmLabel]
 * @returns {Promise<boolean>}
 */
export function askConfirm(message, confirmLabel = "Confirm") {
  if (typeof HTMLDialogElement !== "function") return Promise.resolve(window.confirm(message));
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const id = `confirm-${++dialogSeq}`;
    const dialog = document.createElement("dialog");
    dialog.className = "dialog";
    dialog.setAttribute("aria-labelledby", `${id}-title`);
    dialog.setAttribute("aria-describedby", `${id}-message`);
    dialog.setAttribute("data-testid", "confirm-dialog");

    const title = document.createElement("h2");
    title.className = "dialog__title";
    title.id = `${id}-title`;
    title.textContent = "Please confirm";
    const text = document.createElement("p");
    text.className = "dialog__message";
    text.id = `${id}-message`;
    text.textContent = message;

    const actions = document.createElement("div");
    actions.className = "dialog__actions";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn btn--secondary";
    cancel.textContent = "Cancel";
    cancel.autofocus = true; // the safe choice has focus
    const ok = document.createElement("button");
    ok.type = "button";
    ok.className = "btn btn--danger";
    ok.textContent = confirmLabel;
    ok.setAttribute("data-testid", "confirm-ok");
    actions.append(cancel, ok);
    dialog.append(title, text, actions);

    let answer = false;
    cancel.addEventListener("click", () => dialog.close());
    ok.addEventListener("click", () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

function confirmMessage(el) {
  return el instanceof Element ? el.getAttribute("data-confirm") : null;
}

const HX_VERBS = ["hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"];
function usesHtmx(el) {
  if (!window.htmx || !(el instanceof Element)) return false;
  return HX_VERBS.some((a) => el.hasAttribute(a) || el.hasAttribute(`data-${a}`)) || !!el.closest('[hx-boost="true"]');
}

// htmx requests: htmx fires htmx:confirm before every request; we step in only
// when the element (or the form's submit button) asks for confirmation.
document.addEventListener("htmx:confirm", (e) => {
  const d = e.detail || {};
  const submitter = d.triggeringEvent && d.triggeringEvent.submitter;
  const message = confirmMessage(submitter) || confirmMessage(d.elt);
  if (!message) return;
  e.preventDefault();
  askConfirm(message).then((yes) => {
    if (yes) d.issueRequest(true);
  });
});

// Plain forms (no htmx): hold the submit, ask, then submit again with the same button.
const confirmed = new WeakSet();
document.addEventListener(
  "submit",
  (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || confirmed.has(form)) {
      confirmed.delete(form);
      return;
    }
    const submitter = e.submitter || null;
    const message = confirmMessage(submitter) || confirmMessage(form);
    if (!message || usesHtmx(form) || usesHtmx(submitter)) return;
    e.preventDefault();
    askConfirm(message).then((yes) => {
      if (!yes) return;
      confirmed.add(form);
      if (form.requestSubmit) form.requestSubmit(submitter);
      else form.submit();
    });
  },
  true,
);

// Plain links with data-confirm.
document.addEventListener("click", (e) => {
  const a = e.target instanceof Element ? e.target.closest("a[data-confirm][href]") : null;
  if (!a || usesHtmx(a) || e.defaultPrevented) return;
  e.preventDefault();
  askConfirm(confirmMessage(a)).then((yes) => {
    if (yes) window.location.assign(a.href);
  });
});

// ---------------------------------------------------------------- dev live reload

function watchDevReload() {
  const meta = document.querySelector('meta[name="dev-reload"]');
  const url = meta && meta.getAttribute("content");
  if (!url || typeof EventSource !== "function") return;
  let bootID = null;
  const es = new EventSource(url);
  es.addEventListener("boot", (e) => {
    if (bootID === null) bootID = e.data;
    else if (e.data !== bootID) window.location.reload(); // restarted after a rebuild
  });
  es.addEventListener("error", () => {
    // The server is restarting; EventSource reconnects by itself.
  });
}

// ---------------------------------------------------------------- start

function start() {
  syncToggles();
  watchToasts();
  watchDevReload();
  // A full page re-rendered with validation errors (no htmx): focus the first one.
  focusFirstInvalid(document.getElementById("main"));
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
