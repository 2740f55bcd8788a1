package httpx_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

func textComponent(s string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	})
}

func TestRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		html   string
	}{
		{"ok", http.StatusOK, `<p data-testid="hello">Hello</p>`},
		{"created", http.StatusCreated, `<p data-testid="hello">Created</p>`},
		{"unprocessable form", http.StatusUnprocessableEntity, `<form data-testid="hello"></form>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if err := httpx.Render(rec, req, tt.status, textComponent(tt.html)); err != nil {
				t.Fatalf("Render() = %v, want nil", err)
			}
			resp := rec.Result()
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if got, want := resp.Header.Get("Content-Type"), "text/html; charset=utf-8"; got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			if got := rec.Body.String(); got != tt.html {
				t.Errorf("body = %q, want %q", got, tt.html)
			}
		})
	}
}

func TestRenderFailingComponentWritesNothing(t *testing.T) {
	t.Parallel()
	errView := errors.New("view: boom")
	failing := templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		// Half a page first: none of it may reach the client.
		if _, err := io.WriteString(w, "<!DOCTYPE html><html><body><p>half"); err != nil {
			return err
		}
		return errView
	})
	w := newSpyWriter()
	req := httptest.NewRequest(http.MethodGet, "/", nil)

	err := httpx.Render(w, req, http.StatusOK, failing)
	if !errors.Is(err, errView) {
		t.Fatalf("Render() = %v, want an error wrapping %v", err, errView)
	}
	if k := apperr.KindOf(err); k != apperr.Internal {
		t.Errorf("KindOf(Render error) = %v, want %v", k, apperr.Internal)
	}
	if w.writeHeaderCalls != 0 || w.writeCalls != 0 {
		t.Errorf("WriteHeader called %d times, Write %d times; want 0 and 0", w.writeHeaderCalls, w.writeCalls)
	}
	if w.Body.Len() != 0 {
		t.Errorf("body = %q, want empty", w.Body.String())
	}
	if got := w.Header().Get("Content-Type"); got != "" {
		t.Errorf("Content-Type = %q, want none", got)
	}
}

func TestRenderErrorThroughHandlerBecomes500Page(t *testing.T) {
	t.Parallel()
	h := httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return httpx.Render(w, r, http.StatusOK, templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
			_, _ = io.WriteString(w, "<p>partial secret</p>")
			return errors.New("template exploded")
		}))
	})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	req.Header.Set("Accept", browserAccept)
	h.ServeHTTP(rec, withTestViews(req))

	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status = %d, want %d", rec.Code, http.StatusInternalServerError)
	}
	if body := rec.Body.String(); strings.Contains(body, "partial") || strings.Contains(body, "exploded") {
		t.Errorf("body contains the partial render or the cause:\n%s", body)
	}
	if n := mustDoc(t, rec.Body.String()).Find(`[data-testid="error-page"]`).Length(); n != 1 {
		t.Errorf("found %d error pages, want 1", n)
	}
}

func TestJSON(t *testing.T) {
	t.Parallel()
	type item struct {
		ID    int    `json:"id"`
		Title string `json:"title"`
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/api/items/1", nil)
	want := item{ID: 1, Title: "<b>Milk & eggs</b>"}

	if err := httpx.JSON(rec, req, http.StatusCreated, want); err != nil {
		t.Fatalf("JSON() = %v, want nil", err)
	}
	resp := rec.Result()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("status = %d, want %d", resp.StatusCode, http.StatusCreated)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want %q", got, "application/json")
	}
	var got item
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("decode body %q: %v", rec.Body.String(), err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("body mismatch (-want +got):\n%s", diff)
	}
	if strings.Contains(rec.Body.String(), "<b>") {
		t.Errorf("body %q has unescaped HTML, want encoding/json's \\u003c escaping", rec.Body.String())
	}
}

func TestJSONUnencodableWritesNothing(t *testing.T) {
	t.Parallel()
	w := newSpyWriter()
	req := httptest.NewRequest(http.MethodGet, "/api/x", nil)
	err := httpx.JSON(w, req, http.StatusOK, map[string]float64{"x": math.Inf(1)})
	if err == nil {
		t.Fatal("JSON(+Inf) = nil, want an error")
	}
	if w.writeHeaderCalls != 0 || w.writeCalls != 0 || w.Header().Get("Content-Type") != "" {
		t.Errorf("JSON wrote a response (WriteHeader %d, Write %d, headers %v); want nothing", w.writeHeaderCalls, w.writeCalls, w.Header())
	}
}

func TestRedirect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		htmx         bool
		wantStatus   int
		wantLocation string
		wantHX       string
	}{
		{"browser", false, http.StatusSeeOther, "/tasks/7", ""},
		{"htmx", true, http.StatusOK, "", "/tasks/7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/tasks", nil)
			if tt.htmx {
				req.Header.Set("HX-Request", "true")
			}
			if err := httpx.Redirect(rec, req, "/tasks/7"); err != nil {
				t.Fatalf("Redirect() = %v, want nil", err)
			}
			resp := rec.Result()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := resp.Header.Get("Location"); got != tt.wantLocation {
				t.Errorf("Location = %q, want %q", got, tt.wantLocation)
			}
			if got := resp.Header.Get("HX-Redirect"); got != tt.wantHX {
				t.Errorf("HX-Redirect = %q, want %q", got, tt.wantHX)
			}
		})
	}
}
