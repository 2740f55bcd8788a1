package layout

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/flash"
)

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
