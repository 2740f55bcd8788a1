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

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/flash"
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

// renderCtx is render with extra context: the signed-in user and flashes.
func renderCtx(t *testing.T, c templ.Component, path string, with func(context.Context) context.Context) *goquery.Document {
	t.Helper()
	ctx := templ.WithNonce(context.Background(), testNonce)
	ctx = with(WithRequest(ctx, path, ""))
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

// withUser signs u in, as the account feature's middleware would.
func withUser(ctx context.Context, u User) context.Context {
	role := auth.RoleUser
	if u.IsAdmin {
		role = auth.RoleAdmin
	}
	return auth.WithIdentity(ctx, auth.Identity{UserID: 1, Email: u.Email, Role: role})
}

func TestUserAndFlashesContext(t *testing.T) {
	ctx := context.Background()
	if _, ok := CurrentUser(ctx); ok {
		t.Error("CurrentUser on an empty context: ok = true")
	}
	if f := Flashes(ctx); f != nil {
		t.Errorf("Flashes on an empty context = %v", f)
	}
	want := User{Email: "a@example.com", IsAdmin: true}
	ctx = auth.WithIdentity(ctx, auth.Identity{UserID: 1, Email: "a@example.com", Role: auth.RoleAdmin})
	ctx = flash.With(ctx, "Saved.")
	ctx = WithRequest(ctx, "/x", "") // request data doesn't overwrite the others
	if got, ok := CurrentUser(ctx); !ok || got != want {
		t.Errorf("CurrentUser = %+v, %v", got, ok)
	}
	if diff := cmp.Diff([]Flash{{Variant: "success", Message: "Saved."}}, Flashes(ctx)); diff != "" {
		t.Errorf("Flashes (-want +got):\n%s", diff)
	}
	if CurrentPath(ctx) != "/x" {
		t.Errorf("CurrentPath = %q", CurrentPath(ctx))
	}
}

func TestTopBarAnonymous(t *testing.T) {
	doc := renderCtx(t, Base(""), "/login", func(ctx context.Context) context.Context { return ctx })
	assertCSPSafe(t, doc)
	actions := doc.Find(".topbar__actions")
	signIn := actions.Find(`a[href="/login"]`)
	if signIn.Length() != 1 || strings.TrimSpace(signIn.Text()) != "Sign in" {
		t.Errorf("Sign in link missing")
	}
	if signIn.AttrOr("aria-current", "") != "page" {
		t.Errorf("Sign in link not marked current on /login")
	}
	signUp := actions.Find(`a[href="/signup"]`)
	if signUp.Length() != 1 || strings.TrimSpace(signUp.Text()) != "Sign up" || !signUp.HasClass("btn--primary") {
		t.Errorf("primary Sign up link missing")
	}
	if doc.Find(`[data-testid="logout"]`).Length() != 0 {
		t.Error("logout form shown to an anonymous visitor")
	}
	for _, href := range []string{"/account", "/admin/users"} {
		if doc.Find(`nav a[href="`+href+`"]`).Length() != 0 {
			t.Errorf("nav link %s shown to an anonymous visitor", href)
		}
	}
}

func TestTopBarSignedIn(t *testing.T) {
	tests := []struct {
		name      string
		user      User
		path      string
		wantUsers bool
		current   string // href expected to carry aria-current
	}{
		{"user on account", User{Email: "ann@example.com"}, "/account", false, "/account"},
		{"admin on users", User{Email: "root@example.com", IsAdmin: true}, "/admin/users/7", true, "/admin/users"},
		{"admin at home", User{Email: "root@example.com", IsAdmin: true}, "/", true, "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := renderCtx(t, Base(""), tt.path, func(ctx context.Context) context.Context { return withUser(ctx, tt.user) })
			assertCSPSafe(t, doc)
			nav := doc.Find(`nav[aria-label="Main"]`)
			if a := nav.Find(`a[href="/account"]`); a.Length() != 1 || strings.TrimSpace(a.Text()) != "Account" {
				t.Error("Account link missing")
			}
			if got := nav.Find(`a[href="/admin/users"]`).Length() == 1; got != tt.wantUsers {
				t.Errorf("Users link present = %v, want %v", got, tt.wantUsers)
			}
			var current []string
			nav.Find(`a[aria-current="page"]`).Each(func(_ int, s *goquery.Selection) {
				current = append(current, s.AttrOr("href", ""))
			})
			if diff := cmp.Diff([]string{tt.current}, current); diff != "" {
				t.Errorf("aria-current links (-want +got):\n%s", diff)
			}
			if got := doc.Find(`[data-testid="current-user"]`).AttrOr("title", ""); got != tt.user.Email {
				t.Errorf("email title = %q", got)
			}
			if !strings.Contains(doc.Find(`[data-testid="current-user"]`).Text(), tt.user.Email) {
				t.Error("email not shown")
			}
			form := doc.Find(`form[data-testid="logout"]`)
			if form.Length() != 1 || form.AttrOr("method", "") != "post" || form.AttrOr("action", "") != "/logout" {
				t.Fatalf("logout form missing or wrong")
			}
			if b := form.Find(`button[type="submit"]`); b.Length() != 1 || strings.TrimSpace(b.Text()) != "Sign out" {
				t.Error("Sign out button missing")
			}
			if doc.Find(`.topbar a[href="/login"], .topbar a[href="/signup"]`).Length() != 0 {
				t.Error("Sign in / Sign up shown to a signed-in user")
			}
		})
	}
}

func TestFlashesAsToasts(t *testing.T) {
	flashes := []Flash{
		{Variant: "success", Message: "Password changed."},
		{Variant: "success", Message: "Task added."},
	}
	doc := renderCtx(t, Base(""), "/", func(ctx context.Context) context.Context {
		return flash.With(ctx, "Password changed.", "Task added.")
	})
	toasts := doc.Find(`#toasts [data-testid="toast"]`)
	if toasts.Length() != len(flashes) {
		t.Fatalf("got %d toasts, want %d", toasts.Length(), len(flashes))
	}
	wantClass := []string{"toast--success", "toast--success"}
	wantRole := []string{"status", "status"}
	toasts.Each(func(i int, s *goquery.Selection) {
		if !s.HasClass(wantClass[i]) {
			t.Errorf("toast %d class = %q, want %s", i, s.AttrOr("class", ""), wantClass[i])
		}
		if got := s.AttrOr("role", ""); got != wantRole[i] {
			t.Errorf("toast %d role = %q, want %q", i, got, wantRole[i])
		}
		if got := strings.TrimSpace(s.Find(".toast__message").Text()); got != flashes[i].Message {
			t.Errorf("toast %d message = %q", i, got)
		}
		if s.AttrOr("data-autodismiss", "") == "" {
			t.Errorf("toast %d is not auto-dismissed", i)
		}
	})

	doc = renderCtx(t, Base(""), "/", func(ctx context.Context) context.Context { return ctx })
	if n := doc.Find("#toasts").Children().Length(); n != 0 {
		t.Errorf("toast region has %d children without flashes", n)
	}
}

func TestUserAndFlashXSSIsEscaped(t *testing.T) {
	for _, payload := range []string{xssScript, xssAttr} {
		doc := renderCtx(t, Base(""), "/", func(ctx context.Context) context.Context {
			ctx = withUser(ctx, User{Email: payload})
			return flash.With(ctx, payload)
		})
		assertCSPSafe(t, doc)
		if n := doc.Find("script").Length(); n != 3 {
			t.Errorf("payload %q: %d scripts, want the 3 of the layout", payload, n)
		}
		if n := doc.Find("img").Length(); n != 0 {
			t.Errorf("payload %q: injected <img>", payload)
		}
		if got := doc.Find(`[data-testid="current-user"]`).AttrOr("title", ""); got != payload {
			t.Errorf("payload %q: email title = %q", payload, got)
		}
		if got := doc.Find(".toast__message").Text(); got != payload {
			t.Errorf("payload %q: toast message = %q", payload, got)
		}
	}
}
