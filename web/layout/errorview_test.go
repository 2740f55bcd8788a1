package layout

import (
	"strings"
	"testing"
)

func TestErrorPage(t *testing.T) {
	doc, _ := render(t, ErrorPage(ErrorView{Status: 404, Title: "Page not found", Message: "Nothing here.", RequestID: "req-123"}), "/nope", "")
	page := doc.Find(`[data-testid="error-page"]`)
	if page.Length() != 1 {
		t.Fatal("error page not found")
	}
	if got := page.Find(`[data-testid="error-status"]`).Text(); got != "404" {
		t.Errorf("status = %q", got)
	}
	if got := page.Find("h1").Text(); got != "Page not found" {
		t.Errorf("h1 = %q", got)
	}
	if got := doc.Find("title").Text(); got != "Page not found · Groundwork" {
		t.Errorf("title = %q", got)
	}
	if !strings.Contains(page.Text(), "Nothing here.") {
		t.Error("message missing")
	}
	if got := page.Find(`code[data-testid="request-id"]`).Text(); got != "req-123" {
		t.Errorf("request id = %q", got)
	}
	if !strings.Contains(page.Text(), "Request ID:") {
		t.Error("request ID label missing")
	}
	if page.Find(`a[href="/"]`).Length() != 1 {
		t.Error("link home missing")
	}
}

func TestErrorPageDefaults(t *testing.T) {
	doc, _ := render(t, ErrorPage(ErrorView{Status: 500}), "/", "")
	if got := doc.Find("h1").Text(); got != "Internal Server Error" {
		t.Errorf("h1 = %q, want the status text", got)
	}
	if doc.Find(`[data-testid="request-id"]`).Length() != 0 || strings.Contains(doc.Text(), "Request ID") {
		t.Error("request ID shown although empty")
	}
}

func TestXSSIsEscaped(t *testing.T) {
	for _, payload := range []string{xssScript, xssAttr} {
		c := ErrorPage(ErrorView{Status: 400, Title: payload, Message: payload, RequestID: payload})
		doc, _ := render(t, c, payload, payload)
		assertCSPSafe(t, doc)
		if n := doc.Find("script").Length(); n != 3 {
			t.Errorf("payload %q: %d scripts, want the 3 of the layout", payload, n)
		}
		if n := doc.Find("img").Length(); n != 0 {
			t.Errorf("payload %q: injected <img>", payload)
		}
		if got := doc.Find("h1").Text(); got != payload {
			t.Errorf("payload %q: h1 = %q, want it as text", payload, got)
		}
		if got := doc.Find(`[data-testid="request-id"]`).Text(); got != payload {
			t.Errorf("payload %q: request id = %q", payload, got)
		}
		if got := doc.Find(`meta[name="dev-reload"]`).AttrOr("content", ""); got != payload {
			t.Errorf("payload %q: dev-reload content = %q", payload, got)
		}
	}
}
