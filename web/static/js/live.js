// Live updates over server-sent events, for any feature's pages (the tasks
// pages, and every feature `make feature` copies from them).
//
// Loaded as a module (nonce'd) by the pages that stream. htmx's SSE
// extension opens and keeps the stream: the page's live element
// ([data-live-scope], hx-ext="sse") names it in sse-connect (the feature's
// base path + "/events", with ?last_event_id= of the newest event when the
// page was rendered, so nothing falls between rendering and connecting) and
// lists the events in hx-trigger (<noun>.created, .updated, .deleted,
// reconnect, reload). Events carry IDs only ({"<noun>_id", "kind"}): this
// module then fetches what the page shows through its usual, authorized
// routes and swaps in just that.
//
// The page's names follow the tasks pages, which `make feature` renames
// (data-live-noun="task"): the list #task-list with data-row-url (its
// "{id}" replaced), rows #task-<id>, the empty state .tasks__empty, the
// detail [data-testid=task-detail]; writes go to /tasks and /tasks/<id>/….
//
//   - list page   (data-live-scope="list"): only the row the event is
//                 about changes, so rows loaded with "Load more" stay:
//                 updated re-fetches that row if it is on the page (an
//                 empty answer, the item no longer matching the list's
//                 filter, drops the row), or on a filtered list
//                 (data-filtered) fetches it and puts it at the top if it
//                 matches now; deleted removes it, created fetches the
//                 row and puts it at the top (newest first) unless it is
//                 there already
//   - detail page (data-live-scope="item", data-live-id): re-fetches the
//                 detail on updated, says so on deleted
//   - own changes skipped (already on the page); others re-fetch and toast
//   - status      "Live" / "Reconnecting…" in the live element; a dropped
//                 stream resumes after the last event seen (the browser's
//                 retry, or the extension's when the browser gives up);
//                 "reconnect" (server shutdown) reconnects now; "reload"
//                 (missed too much) reloads.

// Changes this tab made itself are already on the page (htmx swapped
// them in): their events are skipped, so the page neither flickers nor
// shows a row twice, nor re-renders under the user's next click. A write
// is "own" for OWN_WINDOW_MS: the item in the URL of this tab's non-GET
// htmx request, or any created item after this tab posted to the list.
const OWN_WINDOW_MS = 4000;
const ownWrites = new Map(); // request path → until (ms)

document.addEventListener("htmx:beforeRequest", (e) => {
  const cfg = e.detail && e.detail.requestConfig;
  if (!cfg || !cfg.verb || cfg.verb.toLowerCase() === "get") return;
  const path = new URL(cfg.path || "", window.location.href).pathname;
  ownWrites.set(path, Date.now() + OWN_WINDOW_MS);
});

// feature returns the names of the feature whose stream el is connected to.
function feature(el) {
  const noun = el.dataset.liveNoun;
  const base = new URL(el.getAttribute("sse-connect"), window.location.href).pathname.replace(/\/events$/, "");
  const plural = base.slice(base.lastIndexOf("/") + 1);
  return {
    noun,
    base,
    list: () => document.getElementById(`${noun}-list`),
    row: (id) => document.getElementById(`${noun}-${id}`),
    empty: `.${plural}__empty`,
    detail: `[data-testid=${noun}-detail]`,
  };
}

function isOwn(f, kind, id) {
  const now = Date.now();
  for (const [path, until] of ownWrites) {
    if (now >= until) {
      ownWrites.delete(path);
      continue;
    }
    if (kind === "created" ? path === f.base : path.startsWith(`${f.base}/${id}/`) || path === `${f.base}/${id}`) return true;
  }
  return kind === "created" && !!f.row(id);
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
// item is gone, the session ended) changes nothing: the next event or
// reload tells.
async function swapRow(f, list, target, id, swapStyle) {
  if (!window.htmx || !list.dataset.rowUrl) return;
  const url = list.dataset.rowUrl.replace("{id}", encodeURIComponent(id));
  let html;
  try {
    const res = await fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
    if (!res.ok) return;
    html = await res.text();
  } catch {
    return;
  }
  if (!target.isConnected) return; // removed meanwhile
  if (swapStyle === "afterbegin" && f.row(id)) return; // added meanwhile
  window.htmx.swap(target, html, { swapStyle });
  if (swapStyle === "afterbegin" && html.trim() !== "") {
    const empty = document.querySelector(f.empty);
    if (empty) empty.remove();
  }
}

function onListEvent(f, kind, id) {
  const list = f.list();
  if (!list) return;
  const row = f.row(id);
  if (kind === "deleted") {
    if (row) row.remove();
  } else if (row) {
    if (kind === "updated") swapRow(f, list, row, id, "outerHTML");
  } else if (kind === "created" || "filtered" in list.dataset) {
    // A new item, or on a filtered list one that may match now: the row
    // URL answers empty if it does not. It goes at the top, as new ones do.
    swapRow(f, list, list, id, "afterbegin");
  }
}

const VERBS = { created: "added", updated: "changed", deleted: "deleted" };

// onItemEvent handles an event of kind (created, updated, deleted) about
// the item id, on the page's live element el.
function onItemEvent(el, kind, id) {
  const f = feature(el);
  if (isOwn(f, kind, id)) return;
  if (el.dataset.liveScope === "list") {
    onListEvent(f, kind, id);
    toast("info", `A ${f.noun} was ${VERBS[kind]} elsewhere.`);
    return;
  }
  if (id !== el.dataset.liveId) return;
  if (kind === "deleted") {
    toast("warning", `This ${f.noun} was deleted elsewhere.`);
    return;
  }
  refresh(f.detail, window.location.pathname);
  toast("info", `This ${f.noun} was changed elsewhere.`);
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

// The server is shutting down: connect again now (to another instance),
// after a short random delay, rather than after the retry delay. Swapping
// in a copy of the element closes its stream (the extension cleans it up)
// and opens one from its sse-connect URL.
function reconnectSoon(el) {
  if (!window.htmx) return;
  setStatus(el, false);
  setTimeout(() => {
    if (el.isConnected) window.htmx.swap(el, el.outerHTML, { swapStyle: "outerHTML" });
  }, 200 + Math.random() * 800);
}

function liveElement(e) {
  return e.target instanceof Element && e.target.matches("[data-live-scope]") ? e.target : null;
}

// The extension fires htmx:sseMessage on the live element after each event
// its hx-trigger names, with the MessageEvent as detail.
document.addEventListener("htmx:sseMessage", (e) => {
  const el = liveElement(e);
  if (!el) return;
  const msg = e.detail;
  if (msg.type === "reload") {
    window.location.reload();
    return;
  }
  if (msg.type === "reconnect") {
    reconnectSoon(el);
    return;
  }
  const kind = msg.type.slice(msg.type.lastIndexOf(".") + 1);
  if (!(kind in VERBS)) return;
  resumeFrom(el, msg.lastEventId);
  let data = {};
  try {
    data = JSON.parse(msg.data);
  } catch {
    return;
  }
  onItemEvent(el, kind, String(data[`${el.dataset.liveNoun}_id`]));
});
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
