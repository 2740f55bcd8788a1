package app

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/groundwork-dev/groundwork/internal/platform/storage"
	"github.com/groundwork-dev/groundwork/internal/platform/storage/storagetest"
)

// TestBrowserUploads attaches an image and a PDF to a task in Chromium,
// with each storage driver (S3 on a signature-checking server when one is
// there): the presign, the PUT straight to storage with the progress bar
// reaching 100%, the finalize, the attachments shown, the thumbnail made
// by the job, and the image downloaded back byte for byte, with no CSP
// violation.
func TestBrowserUploads(t *testing.T) {
	drivers := map[string]func(env map[string]string){"local": func(map[string]string) {}}
	if cfg, ok := storagetest.MaybeS3(t); ok {
		drivers["s3"] = func(env map[string]string) {
			env["STORAGE_DRIVER"], env["S3_ENDPOINT"], env["S3_REGION"] = "s3", cfg.Endpoint.String(), cfg.Region
			env["S3_BUCKET"], env["S3_ACCESS_KEY"], env["S3_SECRET_KEY"] = cfg.Bucket, cfg.AccessKey, cfg.SecretKey
			st, err := storage.NewS3(cfg)
			if err == nil {
				err = st.Setup(t.Context(), []string{env["BASE_URL"]})
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, configure := range drivers {
		t.Run(name, func(t *testing.T) {
			env := testEnv(t)
			// The local driver's URLs are absolute (BASE_URL): the app must
			// listen where BASE_URL says. Jobs run in process (thumbnails).
			env["HTTP_ADDR"], env["JOBS_IN_PROCESS"] = freeAddr(t), "true"
			env["BASE_URL"] = "http://" + env["HTTP_ADDR"]
			configure(env)
			uploadInBrowser(t, startApp(t, env).URL)
		})
	}
}

func uploadInBrowser(t *testing.T, base string) {
	ctx := newBrowser(t)
	dir, downloads := t.TempDir(), t.TempDir()
	img := noisePNG(t, 500, 500) // large enough for upload progress events
	pdf := []byte("%PDF-1.7\n% a tiny document\n")
	for name, b := range map[string][]byte{"plan.png": img, "notes.pdf": pdf} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
	}); err != nil {
		t.Fatal(err)
	}
	browserStep(t, ctx, "sign up and open a new task",
		signUpSteps(base, "uploads@example.com"),
		chromedp.Navigate(base+"/tasks"),
		chromedp.SendKeys(css(`[data-testid="task-form"] input[name="title"]`), "Plan the garden"),
		chromedp.Click(css(`[data-testid="task-form"] button[type="submit"]`)),
		chromedp.WaitVisible(css(`[data-testid="task-row"]`)),
		chromedp.Click(css(`[data-testid="task-row"] .task-row__title`)),
		chromedp.WaitVisible(css(`[data-testid="uploader"]`)),
	)
	// The progress bar's values, as the page sets them.
	eval[bool](t, ctx, `(() => { const p = document.querySelector("[data-upload-progress]"); window.__progress = [];
		new MutationObserver(() => window.__progress.push(p.hidden ? -1 : p.value)).observe(p, {attributes: true}); return true })()`)
	browserStep(t, ctx, "attach an image",
		chromedp.SetUploadFiles(css(`[data-testid="attachment-file"]`), []string{filepath.Join(dir, "plan.png")}),
		chromedp.WaitVisible(css(`[data-testid="attachment"]`)),
	)
	if p := eval[[]float64](t, ctx, `window.__progress`); len(p) == 0 || p[len(p)-1] != 100 {
		t.Errorf("progress bar values %v, want a visible bar ending at 100", p)
	}
	browserStep(t, ctx, "attach a PDF",
		chromedp.SetUploadFiles(css(`[data-testid="attachment-file"]`), []string{filepath.Join(dir, "notes.pdf")}),
		chromedp.WaitVisible(css(`[data-testid="attachment"]:nth-of-type(2)`)),
	)
	waitForThumbnail(t, ctx)
	browserStep(t, ctx, "download the image", chromedp.Click(css(`[data-testid="attachment-link"]`)))
	if name := eval[string](t, ctx, `document.querySelector('[data-testid="attachment-link"]').textContent`); name != "plan.png" {
		t.Fatalf("first attachment shown as %q", name)
	}
	waitForFile(t, filepath.Join(downloads, "plan.png"), img)
	if v := eval[[]string](t, ctx, `window.__csp`); len(v) > 0 {
		t.Errorf("CSP violations: %v", v)
	}
}

// waitForThumbnail waits until the image's thumbnail (made by a
// background job) is shown and loaded: the list reloads itself while a
// thumbnail is pending, so the page is not reloaded here.
func waitForThumbnail(t *testing.T, ctx context.Context) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if eval[bool](t, ctx, `(() => { const i = document.querySelector(".attachment__thumb"); return !!i && i.complete && i.naturalWidth > 0 })()`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no thumbnail shown within 20 s")
		}
	}
}

// waitForFile waits until path holds want (Chromium writes a download
// under another name and renames it when complete).
func waitForFile(t *testing.T, path string, want []byte) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got, err := os.ReadFile(path)
		if err == nil && bytes.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("download %s: %d bytes, %v; want %d bytes as uploaded", filepath.Base(path), len(got), err, len(want))
		}
	}
}

// noisePNG is a w×h PNG of random pixels (it does not compress).
func noisePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(rand.IntN(256)), uint8(rand.IntN(256)), uint8(rand.IntN(256)), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
