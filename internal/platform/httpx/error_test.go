package httpx_test

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
)

const (
	testRequestID = "req-0123456789"
	browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
)

// rendering is one of the request shapes Error distinguishes.
type rendering struct {
	name   string
	path   string
	header http.Header
	shape  string // "problem", "toast" or "page"
}

var renderings = []rendering{
	{"api path", "/api/x", http.Header{"Accept": {browserAccept}}, "problem"},
	{"accept json", "/x", http.Header{"Accept": {"application/json"}}, "problem"},
	{"htmx", "/x", http.Header{"Hx-Request": {"true"}, "Accept": {"*/*"}}, "toast"},
	{"browser", "/x", http.Header{"Accept": {browserAccept}}, "page"},
}

// serveError runs httpx.Error for err on a request shaped like rd, with a
// request ID and a debug JSON logger in the context.
func serveError(t *testing.T, rd rendering, err error) (*http.Response, string, *logtest.Buffer) {
	t.Helper()
	log, logBuf := logtest.New(slog.LevelDebug)
	req := httptest.NewRequest(http.MethodGet, rd.path, nil)
	for k, vs := range rd.header {
		req.Header[k] = vs
	}
	ctx := httpx.WithRequestID(req.Context(), testRequestID)
	ctx = logging.WithLogger(ctx, log)
	rec := httptest.NewRecorder()
	httpx.Error(rec, withTestViews(req.WithContext(ctx)), err)
	resp := rec.Result()
	body, readErr := io.ReadAll(resp.Body)
	if readErr != nil {
		t.Fatalf("read body: %v", readErr)
	}
	return resp, string(body), logBuf
}

// errorFor returns an error of kind k whose cause must never be shown. Every
// kind carries field errors, so the test can check they only appear for 422.
func errorFor(k apperr.Kind) error {
	fields := map[string]string{"title": "Title is required."}
	cause := errors.New("secret cause for " + k.String())
	if k == apperr.Invalid {
		return fmt.Errorf("task controller: create: %w", &apperr.Error{Kind: k, Message: "Please correct the highlighted fields.", Fields: fields, Err: cause})
	}
	return fmt.Errorf("task controller: show: %w", &apperr.Error{Kind: k, Fields: fields, Err: cause})
}

func TestErrorEveryKindEveryRendering(t *testing.T) {
	t.Parallel()
	for _, k := range apperr.Kinds() {
		for _, rd := range renderings {
			t.Run(k.String()+"/"+rd.name, func(t *testing.T) {
				t.Parallel()
				err := errorFor(k)
				resp, body, _ := serveError(t, rd, err)

				wantStatus := k.Status()
				if resp.StatusCode != wantStatus {
					t.Errorf("status = %d, want %d", resp.StatusCode, wantStatus)
				}
				if got := resp.Header.Get("Cache-Control"); got != "no-store" {
					t.Errorf("Cache-Control = %q, want %q", got, "no-store")
				}
				if got := resp.Header.Get("Retry-After"); got != "" {
					t.Errorf("Retry-After = %q, want none", got)
				}
				if strings.Contains(body, "secret") {
					t.Errorf("body leaks the cause:\n%s", body)
				}
				wantMsg := apperr.SafeMessage(err)

				switch rd.shape {
				case "problem":
					p := mustProblem(t, resp, body)
					want := problem{
						Type:      "about:blank",
						Title:     http.StatusText(wantStatus),
						Status:    wantStatus,
						Detail:    wantMsg,
						Instance:  rd.path,
						RequestID: testRequestID,
					}
					if k == apperr.Invalid {
						want.Errors = map[string]string{"title": "Title is required."}
					}
					if diff := cmp.Diff(want, p, cmp.AllowUnexported(problem{}), cmp.FilterPath(func(p cmp.Path) bool {
						return p.Last().String() == ".raw"
					}, cmp.Ignore())); diff != "" {
						t.Errorf("problem mismatch (-want +got):\n%s", diff)
					}
					for _, member := range []string{"type", "title", "status", "detail", "request_id"} {
						if _, ok := p.raw[member]; !ok {
							t.Errorf("problem has no %q member: %s", member, body)
						}
					}
					if _, ok := p.raw["errors"]; ok != (k == apperr.Invalid) {
						t.Errorf("problem has errors member = %v, want %v: %s", ok, k == apperr.Invalid, body)
					}
				case "toast":
					if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
						t.Errorf("Content-Type = %q, want %q", ct, "text/html; charset=utf-8")
					}
					if got := resp.Header.Get("HX-Retarget"); got != "#toasts" {
						t.Errorf("HX-Retarget = %q, want %q", got, "#toasts")
					}
					if got := resp.Header.Get("HX-Reswap"); got != "beforeend" {
						t.Errorf("HX-Reswap = %q, want %q", got, "beforeend")
					}
					lower := strings.ToLower(body)
					if strings.Contains(lower, "<html") || strings.Contains(lower, "<!doctype") {
						t.Errorf("htmx error is a full document, want a fragment:\n%s", body)
					}
					doc := mustDoc(t, body)
					toast := doc.Find(`[data-testid="toast"]`)
					if toast.Length() != 1 {
						t.Fatalf("found %d toasts, want 1:\n%s", toast.Length(), body)
					}
					if got := strings.TrimSpace(toast.Find(".toast__message").Text()); got != wantMsg {
						t.Errorf("toast message = %q, want %q", got, wantMsg)
					}
					if wantStatus >= 500 && !strings.Contains(toast.Text(), testRequestID) {
						t.Errorf("5xx toast does not show the request ID:\n%s", body)
					}
				case "page":
					if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
						t.Errorf("Content-Type = %q, want %q", ct, "text/html; charset=utf-8")
					}
					if resp.Header.Get("HX-Retarget") != "" || resp.Header.Get("HX-Reswap") != "" {
						t.Errorf("full page has htmx headers: %v", resp.Header)
					}
					doc := mustDoc(t, body)
					if doc.Find("html").Length() != 1 || !strings.HasPrefix(strings.ToLower(strings.TrimSpace(body)), "<!doctype html>") {
						t.Errorf("error page is not a full document:\n%s", body)
					}
					page := doc.Find(`[data-testid="error-page"]`)
					if page.Length() != 1 {
						t.Fatalf("found %d error pages, want 1:\n%s", page.Length(), body)
					}
					if got := strings.TrimSpace(page.Find(`[data-testid="error-status"]`).Text()); got != strconv.Itoa(wantStatus) {
						t.Errorf("status shown = %q, want %q", got, strconv.Itoa(wantStatus))
					}
					if got := strings.TrimSpace(page.Find(`[data-testid="request-id"]`).Text()); got != testRequestID {
						t.Errorf("request ID shown = %q, want %q", got, testRequestID)
					}
					if got := strings.TrimSpace(page.Find("h1").Text()); got != http.StatusText(wantStatus) {
						t.Errorf("heading = %q, want %q", got, http.StatusText(wantStatus))
					}
					if !strings.Contains(page.Text(), wantMsg) {
						t.Errorf("page does not show the safe message %q:\n%s", wantMsg, body)
					}
				}
			})
		}
	}
}

func TestErrorInternalCauseNeverShownAndLoggedOnce(t *testing.T) {
	t.Parallel()
	const cause = "secret db password leaked"
	errs := map[string]error{
		"plain":           errors.New(cause),
		"wrapped":         fmt.Errorf("task repository: get 7: %w", errors.New(cause)),
		"apperr internal": apperr.Wrap(errors.New(cause), apperr.Internal, ""),
	}
	for errName, err := range errs {
		for _, rd := range renderings {
			t.Run(errName+"/"+rd.name, func(t *testing.T) {
				t.Parallel()
				resp, body, logs := serveError(t, rd, err)
				if resp.StatusCode != http.StatusInternalServerError {
					t.Errorf("status = %d, want %d", resp.StatusCode, http.StatusInternalServerError)
				}
				if strings.Contains(body, "secret") || strings.Contains(body, "password") {
					t.Errorf("body leaks the cause:\n%s", body)
				}
				if !strings.Contains(body, testRequestID) {
					t.Errorf("500 body does not carry the request ID %q:\n%s", testRequestID, body)
				}
				errLines := logs.WithLevel(t, "ERROR")
				if len(errLines) != 1 {
					t.Fatalf("got %d error log lines, want 1:\n%s", len(errLines), logs)
				}
				if got, _ := errLines[0]["err"].(string); !strings.Contains(got, cause) {
					t.Errorf("error log err = %q, want it to contain %q", got, cause)
				}
				if got := errLines[0]["status"]; got != float64(500) {
					t.Errorf("error log status = %v, want 500", got)
				}
				if n := strings.Count(logs.String(), cause); n != 1 {
					t.Errorf("cause appears %d times in the log, want 1:\n%s", n, logs)
				}
			})
		}
	}
}

func TestErrorClientErrorsNotLoggedAtErrorLevel(t *testing.T) {
	t.Parallel()
	for _, k := range apperr.Kinds() {
		if k.Status() >= 500 {
			continue
		}
		t.Run(k.String(), func(t *testing.T) {
			t.Parallel()
			_, _, logs := serveError(t, renderings[3], errorFor(k))
			if lines := logs.WithLevel(t, "ERROR"); len(lines) != 0 {
				t.Errorf("got %d error log lines for a %d, want 0:\n%s", len(lines), k.Status(), logs)
			}
			if lines := logs.WithLevel(t, "DEBUG"); len(lines) != 1 {
				t.Errorf("got %d debug log lines for a %d, want 1:\n%s", len(lines), k.Status(), logs)
			}
		})
	}
	t.Run("500 and 503 are logged at error level", func(t *testing.T) {
		t.Parallel()
		for _, k := range []apperr.Kind{apperr.Internal, apperr.Unavailable} {
			_, _, logs := serveError(t, renderings[3], errorFor(k))
			if lines := logs.WithLevel(t, "ERROR"); len(lines) != 1 {
				t.Errorf("%v: got %d error log lines, want 1:\n%s", k, len(lines), logs)
			}
		}
	})
}
