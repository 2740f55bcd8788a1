// Attachments uploader: presign → PUT straight to storage with a progress
// bar → finalize, then the section reloads itself. Imported by app.js; it
// works by event delegation on [data-uploader] forms (see
// internal/attachments/views.templ), writes only textContent and never
// injects markup or scripts.

function problemText(body, fallback) {
  if (body && body.errors) return Object.values(body.errors).join(" ");
  if (body && body.detail) return body.detail;
  return fallback;
}

async function postJSON(url, data) {
  const resp = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(data),
  });
  let body = null;
  try {
    body = await resp.json();
  } catch {
    // an empty or non-JSON answer: the status says enough
  }
  if (!resp.ok) {
    const err = new Error(problemText(body, `The server answered ${resp.status}.`));
    err.status = resp.status;
    throw err;
  }
  return body;
}

// put sends file with XMLHttpRequest, the only browser API that reports
// upload progress.
function put(upload, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers || {})) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    });
    xhr.addEventListener("load", () =>
      xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`Storage refused the file (${xhr.status}).`)),
    );
    xhr.addEventListener("error", () => reject(new Error("The upload failed: the network or the storage is unreachable.")));
    xhr.send(file);
  });
}

async function uploadFile(form, file) {
  const progress = form.querySelector("[data-upload-progress]");
  const status = form.querySelector("[data-upload-status]");
  const show = (text) => {
    status.textContent = text;
  };
  if (Number(form.dataset.maxBytes) && file.size > Number(form.dataset.maxBytes)) {
    show("This file is too large.");
    return;
  }
  progress.value = 0;
  progress.hidden = false;
  form.setAttribute("aria-busy", "true");
  try {
    show(`Uploading ${file.name}…`);
    const upload = await postJSON(form.dataset.presignUrl, { filename: file.name, content_type: file.type, size: file.size });
    await put(upload, file, (pct) => {
      progress.value = pct;
    });
    show("Checking the file…");
    await postJSON(form.dataset.finalizeUrl, { key: upload.key, filename: file.name });
    show(`${file.name} attached.`);
    const section = form.closest("#attachments");
    if (window.htmx && section) {
      window.htmx.ajax("GET", form.dataset.refreshUrl, { target: section, swap: "outerHTML" });
    }
  } catch (err) {
    if (err.status === 401 && form.dataset.loginUrl) {
      // The session ended while the page was open: sign in, then come back here.
      show("Your session has ended. Taking you to sign in…");
      window.location.assign(`${form.dataset.loginUrl}?next=${encodeURIComponent(location.pathname + location.search)}`);
      return;
    }
    show(err.message);
  } finally {
    form.removeAttribute("aria-busy");
  }
}

document.addEventListener("change", (e) => {
  const input = e.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
  const form = input.closest("[data-uploader]");
  if (!form || !input.files || input.files.length === 0) return;
  uploadFile(form, input.files[0]);
});

// A plain submit (Enter) must not post the file as a form.
document.addEventListener("submit", (e) => {
  if (e.target instanceof HTMLFormElement && e.target.matches("[data-uploader]")) e.preventDefault();
});
