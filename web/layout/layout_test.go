package layout

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"
)

const (
	testNonce  = "testnonce"
	xssScript  = `<script>alert(1)</script>`
	xssAttr    = `"><img src=x onerror=alert(1)>`
	devReloads = "/_dev/reload"
)

// render renders c with a nonce and the given request data, and parses the result.
func render(t *testing.T, c templ.Component, path, devReload string) (*goquery.Document, string) {
	t.Helper()
	ctx := templ.WithNonce(context.Background(), testNonce)
	ctx = WithRequest(ctx, path, devReload)
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc, buf.String()
}

// text is a child component with plain text.
func text(s string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := w.Write([]byte(templ.EscapeString(s)))
		return err
	})
}

func withChildren(c templ.Component, child templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return c.Render(templ.WithChildren(ctx, child), w)
	})
}

// assertCSPSafe checks what the strict CSP would refuse: scripts without the
// nonce, inline event handlers, <style> elements and style attributes.
func assertCSPSafe(t *testing.T, doc *goquery.Document) {
	t.Helper()
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if n, _ := s.Attr("nonce"); n != testNonce {
			t.Errorf("script %q has nonce %q, want %q", s.AttrOr("src", "(inline)"), n, testNonce)
		}
		if s.AttrOr("src", "") == "" {
			t.Errorf("inline script found: %q", s.Text())
		}
	})
	if n := doc.Find("style").Length(); n != 0 {
		t.Errorf("found %d <style> elements", n)
	}
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			name := strings.ToLower(a.Key)
			if strings.HasPrefix(name, "on") || strings.HasPrefix(name, "hx-on") {
				t.Errorf("<%s> has event-handler attribute %s=%q", goquery.NodeName(s), a.Key, a.Val)
			}
			if name == "style" {
				t.Errorf("<%s> has a style attribute %q", goquery.NodeName(s), a.Val)
			}
			if strings.HasPrefix(strings.TrimSpace(strings.ToLower(a.Val)), "javascript:") {
				t.Errorf("<%s> has a javascript: URL in %s", goquery.NodeName(s), a.Key)
			}
		}
	})
}

func TestBaseIsCSPSafe(t *testing.T) {
	for name, c := range map[string]templ.Component{
		"base":       withChildren(Base("Tasks"), text("hello")),
		"error page": ErrorPage(ErrorView{Status: 500, Message: "Boom", RequestID: "abc"}),
	} {
		t.Run(name, func(t *testing.T) {
			doc, _ := render(t, c, "/", devReloads)
			assertCSPSafe(t, doc)
		})
	}
}

func TestBaseScripts(t *testing.T) {
	doc, _ := render(t, Base(""), "/", "")
	var got []string
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		got = append(got, s.AttrOr("type", "classic")+" "+s.AttrOr("src", ""))
	})
	if len(got) != 3 {
		t.Fatalf("got %d scripts, want 3: %q", len(got), got)
	}
	wantPrefixes := []string{"classic /static/dist/htmx.min", "classic /static/dist/sse.min", "module /static/js/app."}
	for i, p := range wantPrefixes {
		if !strings.HasPrefix(got[i], p) {
			t.Errorf("script %d = %q, want prefix %q", i, got[i], p)
		}
	}
	if href := doc.Find(`link[rel="stylesheet"]`).AttrOr("href", ""); !strings.HasPrefix(href, "/static/css/app.") || !strings.HasSuffix(href, ".css") {
		t.Errorf("stylesheet href = %q", href)
	}
}

func TestBaseHead(t *testing.T) {
	doc, _ := render(t, Base(""), "/", "")
	if got := doc.Find("html").AttrOr("lang", ""); got != "en" {
		t.Errorf("lang = %q", got)
	}
	if got := doc.Find(`meta[name="color-scheme"]`).AttrOr("content", ""); got != "light dark" {
		t.Errorf("color-scheme = %q", got)
	}
	if doc.Find(`meta[charset]`).Length() != 1 || doc.Find(`meta[name="viewport"]`).Length() != 1 {
		t.Error("charset or viewport meta missing")
	}
	if doc.Find(`link[rel="icon"]`).Length() != 1 {
		t.Error("favicon link missing")
	}
}

func TestTitle(t *testing.T) {
	for title, want := range map[string]string{"": "Groundwork", "Tasks": "Tasks · Groundwork"} {
		doc, _ := render(t, Base(title), "/", "")
		if got := doc.Find("title").Text(); got != want {
			t.Errorf("Base(%q) title = %q, want %q", title, got, want)
		}
	}
}

func TestHTMXConfig(t *testing.T) {
	doc, _ := render(t, Base(""), "/", "")
	metas := doc.Find(`meta[name="htmx-config"]`)
	if metas.Length() != 1 {
		t.Fatalf("found %d htmx-config metas, want 1", metas.Length())
	}
	var cfg map[string]any
	if err := json.Unmarshal([]byte(metas.AttrOr("content", "")), &cfg); err != nil {
		t.Fatalf("htmx-config is not JSON: %v", err)
	}
	rh, ok := cfg["responseHandling"]
	if !ok {
		t.Error("responseHandling missing")
	}
	delete(cfg, "responseHandling")
	want := map[string]any{
		"selfRequestsOnly":       true,
		"allowEval":              false,
		"allowScriptTags":        false,
		"includeIndicatorStyles": false,
		"historyCacheSize":       float64(0),
	}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("hardening keys (-want +got):\n%s", diff)
	}
	wantRH := []any{
		map[string]any{"code": "204", "swap": false},
		map[string]any{"code": "[23]..", "swap": true},
		map[string]any{"code": "422", "swap": true, "error": false},
		map[string]any{"code": "[45]..", "swap": true, "error": true},
	}
	if diff := cmp.Diff(wantRH, rh); diff != "" {
		t.Errorf("responseHandling (-want +got):\n%s", diff)
	}
}

func TestNavCurrentPage(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"/", true},
		{"/tasks", false},
		{"", false},
	}
	for _, tt := range tests {
		doc, _ := render(t, Base(""), tt.path, "")
		home := doc.Find(`nav[aria-label="Main"] a[href="/"]`)
		if home.Length() != 1 || strings.TrimSpace(home.Text()) != "Home" {
			t.Fatalf("path %q: Home link not found", tt.path)
		}
		got, has := home.Attr("aria-current")
		if has != tt.want || (has && got != "page") {
			t.Errorf("path %q: aria-current = %q (present %v), want present %v", tt.path, got, has, tt.want)
		}
	}
}

func TestNavWithoutRequestData(t *testing.T) {
	var buf bytes.Buffer
	if err := Base("").Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "aria-current") || strings.Contains(buf.String(), "dev-reload") {
		t.Error("without WithRequest nothing should be marked current and no dev reload")
	}
}

func TestDevReloadMeta(t *testing.T) {
	doc, _ := render(t, Base(""), "/", "")
	if n := doc.Find(`meta[name="dev-reload"]`).Length(); n != 0 {
		t.Errorf("dev-reload meta present without URL")
	}
	doc, _ = render(t, Base(""), "/", devReloads)
	if got := doc.Find(`meta[name="dev-reload"]`).AttrOr("content", ""); got != devReloads {
		t.Errorf("dev-reload content = %q, want %q", got, devReloads)
	}
}

func TestPageFrame(t *testing.T) {
	doc, _ := render(t, withChildren(Base("x"), text("page body")), "/", "")
	if got := doc.Find(`a.skip-link`).AttrOr("href", ""); got != "#main" {
		t.Errorf("skip link href = %q", got)
	}
	if got := strings.TrimSpace(doc.Find("main#main").Text()); got != "page body" {
		t.Errorf("main = %q", got)
	}
	toasts := doc.Find("#toasts")
	if toasts.Length() != 1 || toasts.AttrOr("aria-live", "") != "polite" || !toasts.HasClass("toasts") {
		t.Errorf("toast region missing or wrong")
	}
	if doc.Find("[data-theme-toggle]").Length() != 1 {
		t.Error("theme toggle missing")
	}
	for _, href := range []string{"/health", "/ready"} {
		if doc.Find(`footer a[href="`+href+`"]`).Length() != 1 {
			t.Errorf("footer link %s missing", href)
		}
	}
	if !strings.Contains(doc.Find("footer").Text(), "Groundwork template") {
		t.Error("footer text missing")
	}
}
