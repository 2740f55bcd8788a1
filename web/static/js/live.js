// Live task updates over server-sent events (GET /tasks/events).
//
// Loaded as a module (nonce'd) by the task pages only. htmx's SSE
// extension opens and keeps the stream: the page's live element
// ([data-live-scope], hx-ext="sse") names it in sse-connect, with
// ?last_event_id= of the newest event when the page was rendered, so
// nothing falls between rendering and connecting, and lists the events in
// hx-trigger. Events carry IDs only ({"task_id", "kind"}): this module then
// fetches what the page shows through its usual, authorized routes and
// swaps in just that.
//
//   - list page   ([data-live-scope="list"]): only the row the event is
//                 about changes, so rows loaded with "Load more" stay:
//                 task.updated re-fetches that row if it is on the page
//                 (#task-list[data-row-url], GET /tasks/{id}/row with the
//                 list's filter; an empty answer, the task no longer
//                 matching, drops the row), task.deleted removes it,
//                 task.created fetches the row and puts it at the top
//                 (newest first) unless it is there already
//   - detail page ([data-live-scope="task"], data-task-id): re-fetches the
//                 detail on task.updated, says so on task.deleted
//   - own changes skipped (already on the page); others re-fetch and toast
//   - status      "Live" / "Reconnecting…" in the live element; a dropped
//                 stream resumes after the last event seen (the browser's
//                 retry, or the extension's when the browser gives up);
//                 "reconnect" (server shutdown) reconnects now; "reload"
//                 (missed too much) reloads.

// Changes this tab made itself are already on the page (htmx swapped
// them in): their events are skipped, so the page neither flickers nor
// shows a row twice, nor re-renders under the user's next click. A write
// is "own" for OWN_WINDOW_MS: the task IDs in the URLs of this tab's
// non-GET htmx requests, and any task.created after this tab posted one.
const OWN_WINDOW_MS = 4000;
const ownTasks = new Map(); // task ID → until (ms)
let ownCreateUntil = 0;

document.addEventListener("htmx:beforeRequest", (e) => {
  const cfg = e.detail && e.detail.requestConfig;
  if (!cfg || !cfg.verb || cfg.verb.toLowerCase() === "get") return;
  const until = Date.now() + OWN_WINDOW_MS;
  const m = /\/tasks\/(\d+)/.exec(cfg.path || "");
  if (m) ownTasks.set(m[1], until);
  else ownCreateUntil = until;
});

function isOwn(type, taskID) {
  const now = Date.now();
  if (type === "task.created") return now < ownCreateUntil || !!document.getElementById(`task-${taskID}`);
  return now < (ownTasks.get(taskID) || 0);
}

function toast(variant, message) {
  document.dispatchEvent(new CustomEvent("app:toast", { detail: { variant, message } }));
}

function setStatus(el, live) {
  el.hidden = false;
  el.dataset.state = live ? "live" : "reconnecting";
  el.textContent = live ? "Live" : "Reconnecting…";
}

function refresh(target, url) {
  if (!window.htmx || !document.querySelector(target)) return;
  window.htmx.ajax("GET", url, { target, select: target, swap: "outerHTML" });
}

// swapRow fetches one row of the list and swaps it in with swapStyle
// ("outerHTML" on the row, "afterbegin" on the list). A failed fetch (the
// task is gone, the session ended) changes nothing: the next event or
// reload tells.
async function swapRow(list, target, taskID, swapStyle) {
  if (!window.htmx || !list.dataset.rowUrl) return;
  const url = list.dataset.rowUrl.replace("{id}", encodeURIComponent(taskID));
  let html;
  try {
    const res = await fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
    if (!res.ok) return;
    html = await res.text();
  } catch {
    return;
  }
  if (!target.isConnected) return; // removed meanwhile
  if (swapStyle === "afterbegin" && document.getElementById(`task-${taskID}`)) return; // added meanwhile
  window.htmx.swap(target, html, { swapStyle });
  if (swapStyle === "afterbegin" && html.trim() !== "") {
    const empty = document.querySelector(".tasks__empty");
    if (empty) empty.remove();
  }
}

function onListEvent(type, taskID) {
  const list = document.getElementById("task-list");
  if (!list) return;
  const row = document.getElementById(`task-${taskID}`);
  if (type === "task.deleted") {
    if (row) row.remove();
  } else if (type === "task.updated") {
    if (row) swapRow(list, row, taskID, "outerHTML");
  } else if (!row) {
    swapRow(list, list, taskID, "afterbegin");
  }
}

const MESSAGES = {
  "task.created": "A task was added elsewhere.",
  "task.updated": "A task was changed elsewhere.",
  "task.deleted": "A task was deleted elsewhere.",
};

// onTaskEvent handles a task event e (the stream's MessageEvent) on the
// page's live element el.
function onTaskEvent(el, e) {
  let data = {};
  try {
    data = JSON.parse(e.data);
  } catch {
    return;
  }
  const id = String(data.task_id);
  if (isOwn(e.type, id)) return;
  if (el.dataset.liveScope === "list") {
    onListEvent(e.type, id);
    toast("info", MESSAGES[e.type]);
    return;
  }
  if (id !== el.dataset.taskId) return;
  if (e.type === "task.deleted") {
    toast("warning", "This task was deleted elsewhere.");
    return;
  }
  refresh("[data-testid=task-detail]", window.location.pathname);
  toast("info", "This task was changed elsewhere.");
}

// resumeFrom points el's stream at the events after id, for whichever
// comes first: the browser's own retry sends Last-Event-ID itself, but a
// new connection (the extension's, after the stream failed, or ours after
// "reconnect") starts from the URL.
function resumeFrom(el, id) {
  if (!id) return;
  const url = new URL(el.getAttribute("sse-connect"), window.location.href);
  url.searchParams.set("last_event_id", id);
  el.setAttribute("sse-connect", url.pathname + url.search);
}

// The extension fires each event named in the element's hx-trigger as
// "sse:<name>" on it, with the MessageEvent as detail.
function liveElement(e) {
  return e.target instanceof Element && e.target.matches("[data-live-scope]") ? e.target : null;
}

for (const name of Object.keys(MESSAGES)) {
  document.addEventListener(`sse:${name}`, (e) => {
    const el = liveElement(e);
    if (!el) return;
    resumeFrom(el, e.detail.lastEventId);
    onTaskEvent(el, e.detail);
  });
}
document.addEventListener("htmx:sseOpen", (e) => {
  const el = liveElement(e);
  if (el) setStatus(el, true);
});
// The browser retries a dropped stream after the stream's retry: 3000; the
// extension opens a new one, with backoff, when the browser gives up.
document.addEventListener("htmx:sseError", (e) => {
  const el = liveElement(e);
  if (el) setStatus(el, false);
});
document.addEventListener("sse:reload", (e) => {
  if (liveElement(e)) window.location.reload();
});
// The server is shutting down: connect again now (to another instance),
// after a short random delay, rather than after the retry delay. Swapping
// in a copy of the element closes its stream (the extension cleans it up)
// and opens one from its sse-connect URL.
document.addEventListener("sse:reconnect", (e) => {
  const el = liveElement(e);
  if (!el || !window.htmx) return;
  setStatus(el, false);
  setTimeout(() => {
    if (el.isConnected) window.htmx.swap(el, el.outerHTML, { swapStyle: "outerHTML" });
  }, 200 + Math.random() * 800);
});
