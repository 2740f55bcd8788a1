// Live task updates over server-sent events (GET /tasks/events).
//
// Loaded as a module (nonce'd) by the task pages only. The page's
// [data-live] element carries the stream URL, including ?last_event_id=
// of the newest event when the page was rendered, so nothing falls between
// rendering and connecting. Events carry IDs only ({"task_id", "kind"}):
// the page then fetches what it shows through its usual, authorized routes
// with htmx, and swaps the whole list or detail (no duplicate rows: the
// server's list replaces the page's).
//
//   - list page   ([data-live-scope="list"]): any task event re-fetches #task-list
//   - detail page ([data-live-scope="task"], data-task-id): re-fetches the
//                 detail on task.updated, says so on task.deleted
//   - toast       for changes this tab did not make (a write from this tab
//                 in the last few seconds counts as its own)
//   - status      "Live" / "Reconnecting…" in [data-live]; the browser
//                 reconnects with Last-Event-ID; "reconnect" (server
//                 shutdown) reconnects now; "reload" (missed too much) reloads.

const OWN_WINDOW_MS = 4000;
let ownUntil = 0;

document.addEventListener("htmx:beforeRequest", (e) => {
  const verb = e.detail && e.detail.requestConfig && e.detail.requestConfig.verb;
  if (verb && verb.toLowerCase() !== "get") ownUntil = Date.now() + OWN_WINDOW_MS;
});

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

const MESSAGES = {
  "task.created": "A task was added elsewhere.",
  "task.updated": "A task was changed elsewhere.",
  "task.deleted": "A task was deleted elsewhere.",
};

function onTaskEvent(el, e) {
  let data = {};
  try {
    data = JSON.parse(e.data);
  } catch {
    return;
  }
  const own = Date.now() < ownUntil;
  if (el.dataset.liveScope === "list") {
    refresh("#task-list", window.location.pathname + window.location.search);
    if (!own) toast("info", MESSAGES[e.type]);
    return;
  }
  if (String(data.task_id) !== el.dataset.taskId) return;
  if (e.type === "task.deleted") {
    if (!own) toast("warning", "This task was deleted elsewhere.");
    return;
  }
  refresh("[data-testid=task-detail]", window.location.pathname);
  if (!own) toast("info", "This task was changed elsewhere.");
}

function connect(el, url) {
  let lastID = null;
  const es = new EventSource(url);
  es.addEventListener("open", () => setStatus(el, true));
  es.addEventListener("error", () => setStatus(el, false)); // the browser retries (retry: 3000)
  for (const name of Object.keys(MESSAGES)) {
    es.addEventListener(name, (e) => {
      lastID = e.lastEventId;
      onTaskEvent(el, e);
    });
  }
  es.addEventListener("reload", () => window.location.reload());
  // The server is shutting down: reconnect now (to another instance),
  // from the last event seen, after a short random delay.
  es.addEventListener("reconnect", () => {
    es.close();
    setStatus(el, false);
    const next = new URL(url, window.location.href);
    if (lastID) next.searchParams.set("last_event_id", lastID);
    setTimeout(() => connect(el, next.toString()), 200 + Math.random() * 800);
  });
}

function start() {
  if (typeof EventSource !== "function") return;
  for (const el of document.querySelectorAll("[data-live]")) connect(el, el.dataset.live);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
