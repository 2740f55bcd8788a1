package account

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/web/layout"
)

const viewTestNonce = "testnonce"

// renderView renders c as a page request for path and parses the result.
func renderView(t *testing.T, c templ.Component, path string) (*goquery.Document, string) {
	t.Helper()
	ctx := templ.WithNonce(context.Background(), viewTestNonce)
	ctx = layout.WithRequest(ctx, path, "")
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

// inputNames lists the names of the inputs of a form, in order.
func inputNames(form *goquery.Selection) []string {
	var names []string
	form.Find("input, textarea, select").Each(func(_ int, s *goquery.Selection) {
		names = append(names, s.AttrOr("name", ""))
	})
	return names
}

// assertViewCSPSafe checks what the strict CSP would refuse.
func assertViewCSPSafe(t *testing.T, doc *goquery.Document) {
	t.Helper()
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if s.AttrOr("nonce", "") != viewTestNonce || s.AttrOr("src", "") == "" {
			t.Errorf("script without nonce or inline: %q", s.AttrOr("src", "(inline)"))
		}
	})
	if doc.Find("style").Length() != 0 {
		t.Error("<style> element found")
	}
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			k := strings.ToLower(a.Key)
			if k == "style" || strings.HasPrefix(k, "on") || strings.HasPrefix(k, "hx-on") {
				t.Errorf("<%s> has %s=%q", goquery.NodeName(s), a.Key, a.Val)
			}
		}
	})
}

// assertForm checks a form's method, action and exact input names.
func assertForm(t *testing.T, doc *goquery.Document, testid, action string, names ...string) *goquery.Selection {
	t.Helper()
	form := doc.Find(`form[data-testid="` + testid + `"]`)
	if form.Length() != 1 {
		t.Fatalf("form %s: found %d", testid, form.Length())
	}
	if got := form.AttrOr("method", ""); got != "post" {
		t.Errorf("form %s: method = %q", testid, got)
	}
	if got := form.AttrOr("action", ""); got != action {
		t.Errorf("form %s: action = %q, want %q", testid, got, action)
	}
	if diff := cmp.Diff(names, inputNames(form)); diff != "" {
		t.Errorf("form %s: input names (-want +got):\n%s", testid, diff)
	}
	if form.Find(`button[type="submit"]`).Length() != 1 {
		t.Errorf("form %s: no submit button", testid)
	}
	for _, a := range form.Nodes[0].Attr {
		if strings.HasPrefix(a.Key, "hx-") {
			t.Errorf("form %s: has %s; it must work as a plain form", testid, a.Key)
		}
	}
	return form
}

// assertNoPasswordValue checks that no password input carries a value.
func assertNoPasswordValue(t *testing.T, doc *goquery.Document) {
	t.Helper()
	doc.Find(`input[type="password"]`).Each(func(_ int, s *goquery.Selection) {
		if v, ok := s.Attr("value"); ok {
			t.Errorf("password input %q has value %q", s.AttrOr("name", ""), v)
		}
	})
}

func TestSignupPage(t *testing.T) {
	doc, _ := renderView(t, SignupPage(SignupForm{}), "/signup")
	assertViewCSPSafe(t, doc)
	assertForm(t, doc, "signup-form", "/signup", "email", "password")
	email := doc.Find(`input[name="email"]`)
	if email.AttrOr("type", "") != "email" || email.AttrOr("autocomplete", "") != "email" {
		t.Errorf("email input: type %q autocomplete %q", email.AttrOr("type", ""), email.AttrOr("autocomplete", ""))
	}
	pw := doc.Find(`input[name="password"]`)
	if pw.AttrOr("type", "") != "password" || pw.AttrOr("autocomplete", "") != "new-password" {
		t.Errorf("password input: type %q autocomplete %q", pw.AttrOr("type", ""), pw.AttrOr("autocomplete", ""))
	}
	if !strings.Contains(doc.Find(`#password-hint`).Text(), "At least 8 characters") {
		t.Error("password hint missing")
	}
	if strings.TrimSpace(doc.Find(`form[data-testid="signup-form"] button[type="submit"]`).Text()) != "Create account" {
		t.Error(`submit is not "Create account"`)
	}
	if doc.Find(`a[href="/login"]`).Length() == 0 {
		t.Error("no link to /login")
	}
	if doc.Find(`[data-testid="form-errors"]`).Length() != 0 || doc.Find(`[aria-invalid]`).Length() != 0 {
		t.Error("errors shown on an empty form")
	}
	if got := doc.Find("title").Text(); got != "Sign up · Groundwork" {
		t.Errorf("title = %q", got)
	}
}

func TestSignupPageWithErrors(t *testing.T) {
	f := SignupForm{Email: "ann@example.com", Errors: map[string]string{"password": "Use at least 8 characters."}}
	doc, _ := renderView(t, SignupPage(f), "/signup")
	assertNoPasswordValue(t, doc)
	if _, has := doc.Find(`input[name="password"]`).Attr("value"); has {
		t.Error("password input has a value attribute")
	}
	if got := doc.Find(`input[name="email"]`).AttrOr("value", ""); got != f.Email {
		t.Errorf("email value = %q, want it kept", got)
	}
	if !strings.Contains(doc.Find(`[data-testid="form-errors"]`).Text(), "Use at least 8 characters.") {
		t.Error("error summary missing")
	}
	pw := doc.Find(`input[name="password"]`)
	if pw.AttrOr("aria-invalid", "") != "true" {
		t.Error("password not marked invalid")
	}
	if _, ok := pw.Attr("autofocus"); !ok {
		t.Error("first invalid field has no autofocus")
	}
	if _, ok := doc.Find(`input[name="email"]`).Attr("aria-invalid"); ok {
		t.Error("valid email marked invalid")
	}

	// With both invalid only the first in form order gets the focus.
	f.Errors["email"] = "Enter a valid email address."
	doc, _ = renderView(t, SignupPage(f), "/signup")
	if n := doc.Find("[autofocus]").Length(); n != 1 {
		t.Fatalf("%d autofocus fields, want 1", n)
	}
	if got := doc.Find("[autofocus]").AttrOr("name", ""); got != "email" {
		t.Errorf("autofocus on %q, want email", got)
	}
}

func TestLoginPage(t *testing.T) {
	doc, _ := renderView(t, LoginPage(LoginForm{}), "/login")
	assertViewCSPSafe(t, doc)
	assertForm(t, doc, "login-form", "/login", "email", "password")
	if got := doc.Find(`input[name="password"]`).AttrOr("autocomplete", ""); got != "current-password" {
		t.Errorf("password autocomplete = %q", got)
	}
	for _, href := range []string{"/password/forgot", "/signup"} {
		if doc.Find(`main a[href="`+href+`"]`).Length() == 0 {
			t.Errorf("no link to %s", href)
		}
	}
	if doc.Find(`[data-testid="alert"]`).Length() != 0 {
		t.Error("error banner shown without an error")
	}

	f := LoginForm{Email: "ann@example.com", Next: "/account?tab=1", Error: "Email or password is incorrect."}
	doc, _ = renderView(t, LoginPage(f), "/login")
	form := assertForm(t, doc, "login-form", "/login", "next", "email", "password")
	if got := form.Find(`input[name="next"]`); got.AttrOr("type", "") != "hidden" || got.AttrOr("value", "") != f.Next {
		t.Errorf("next input: type %q value %q", got.AttrOr("type", ""), got.AttrOr("value", ""))
	}
	alert := doc.Find(`[data-testid="alert"]`)
	if alert.Length() != 1 || !alert.HasClass("alert--error") || alert.AttrOr("role", "") != "alert" {
		t.Fatalf("generic error alert missing or wrong")
	}
	if !strings.Contains(alert.Text(), f.Error) {
		t.Errorf("alert text = %q", alert.Text())
	}
	if got := doc.Find(`input[name="email"]`).AttrOr("value", ""); got != f.Email {
		t.Errorf("email value = %q", got)
	}
	assertNoPasswordValue(t, doc)
}

func TestForgotPage(t *testing.T) {
	doc, _ := renderView(t, ForgotPage(ForgotForm{Errors: map[string]string{"email": "Enter your email address."}}), "/password/forgot")
	assertViewCSPSafe(t, doc)
	assertForm(t, doc, "forgot-form", "/password/forgot", "email")
	if doc.Find(`[data-testid="forgot-sent"]`).Length() != 0 {
		t.Error("sent message before sending")
	}
	if doc.Find(`[data-testid="form-errors"]`).Length() != 1 {
		t.Error("errors not shown")
	}

	doc, _ = renderView(t, ForgotPage(ForgotForm{Sent: true, Errors: map[string]string{"email": "x"}}), "/password/forgot")
	assertForm(t, doc, "forgot-form", "/password/forgot", "email")
	sent := doc.Find(`[data-testid="forgot-sent"]`)
	if sent.Length() != 1 || sent.Find(".alert--success").Length() != 1 {
		t.Fatal("sent alert missing")
	}
	if !strings.Contains(sent.Text(), "If an account exists for that address, we have sent a link to reset its password. The link works for one hour.") {
		t.Errorf("sent text = %q", sent.Text())
	}
	if doc.Find(`[data-testid="form-errors"]`).Length() != 0 || doc.Find(`[aria-invalid]`).Length() != 0 {
		t.Error("errors shown together with the sent message")
	}
}

func TestResetPage(t *testing.T) {
	token := "abc/def?x=1"
	doc, _ := renderView(t, ResetPage(ResetForm{Token: token, Errors: map[string]string{"password": "Too short."}}), "/password/reset/x")
	assertViewCSPSafe(t, doc)
	assertForm(t, doc, "reset-form", "/password/reset/abc%2Fdef%3Fx=1", "password")
	if got := doc.Find(`input[name="password"]`).AttrOr("autocomplete", ""); got != "new-password" {
		t.Errorf("autocomplete = %q", got)
	}
	assertNoPasswordValue(t, doc)
	if doc.Find(`input[name="password"][aria-invalid="true"]`).Length() != 1 {
		t.Error("password not marked invalid")
	}
}

func TestVerifiedPage(t *testing.T) {
	doc, _ := renderView(t, VerifiedPage(), "/verify-email/x")
	assertViewCSPSafe(t, doc)
	v := doc.Find(`[data-testid="verified"]`)
	if v.Length() != 1 || !strings.Contains(v.Text(), "Email verified") {
		t.Fatal("verified message missing")
	}
	if v.Find(".alert--success").Length() != 1 {
		t.Error("no success alert")
	}
	if v.Find(`a[href="/account"]`).Length() != 1 {
		t.Error("no link to /account")
	}
}

func testAccountView(verified bool) AccountView {
	created := time.Date(2026, 3, 2, 9, 5, 0, 0, time.UTC)
	u := User{ID: 7, Email: "ann@example.com", Role: RoleUser, CreatedAt: created}
	if verified {
		u.EmailVerifiedAt = &created
	}
	return AccountView{
		User: u,
		Sessions: []Session{
			{ID: 11, UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0", ClientIP: "203.0.113.5", CreatedAt: created, LastSeenAt: created.Add(90 * time.Minute), Current: true},
			{ID: 42, UserAgent: "<script>alert(1)</script>", ClientIP: "198.51.100.7", CreatedAt: created, LastSeenAt: time.Date(2026, 3, 4, 18, 30, 0, 0, time.FixedZone("CET", 3600))},
		},
	}
}

func TestAccountPage(t *testing.T) {
	doc, html := renderView(t, AccountPage(testAccountView(false)), "/account")
	assertViewCSPSafe(t, doc)
	if got := doc.Find("h1").Text(); got != "ann@example.com" {
		t.Errorf("h1 = %q", got)
	}
	if !strings.Contains(doc.Find(`.account__status`).Text(), "Not verified") {
		t.Error("Not verified badge missing")
	}
	resend := doc.Find(`[data-testid="resend-verification"]`)
	if resend.Length() != 1 || resend.Closest("form").AttrOr("action", "") != "/account/verify-email" ||
		resend.Closest("form").AttrOr("method", "") != "post" || resend.AttrOr("type", "") != "submit" {
		t.Error("resend verification form missing or wrong")
	}

	assertForm(t, doc, "password-form", "/account/password", "current_password", "new_password")
	if got := doc.Find(`input[name="current_password"]`).AttrOr("autocomplete", ""); got != "current-password" {
		t.Errorf("current_password autocomplete = %q", got)
	}
	if got := doc.Find(`input[name="new_password"]`).AttrOr("autocomplete", ""); got != "new-password" {
		t.Errorf("new_password autocomplete = %q", got)
	}

	table := doc.Find(`table[data-testid="sessions"]`)
	if table.Length() != 1 || table.Find("caption").Length() != 1 {
		t.Fatal("sessions table or caption missing")
	}
	if n := table.Find(`thead th[scope="col"]`).Length(); n != 5 {
		t.Errorf("%d column headers with scope, want 5", n)
	}
	rows := table.Find("tbody tr")
	if rows.Length() != 2 {
		t.Fatalf("%d rows, want 2", rows.Length())
	}
	current, other := rows.Eq(0), rows.Eq(1)
	if !strings.Contains(current.Text(), "This device") {
		t.Error(`current session lacks "This device"`)
	}
	if current.Find("form").Length() != 0 {
		t.Error("current session has a revoke form")
	}
	if !strings.Contains(current.Text(), "Firefox on Linux") {
		t.Errorf("device name missing: %q", current.Find(".sessions__device").Text())
	}
	if got := current.Find("time").Eq(0).Text(); got != "2 Mar 2026 09:05 UTC" {
		t.Errorf("signed in = %q", got)
	}
	if got := current.Find("time").Eq(1).Text(); got != "2 Mar 2026 10:35 UTC" {
		t.Errorf("last seen = %q", got)
	}
	if got := other.Find("time").Eq(1).Text(); got != "4 Mar 2026 17:30 UTC" {
		t.Errorf("last seen of a CET time = %q, want it in UTC", got)
	}
	if strings.Contains(other.Text(), "This device") {
		t.Error(`other session marked "This device"`)
	}
	revoke := other.Find("form")
	if revoke.Length() != 1 || revoke.AttrOr("method", "") != "post" || revoke.AttrOr("action", "") != "/account/sessions/42/revoke" {
		t.Errorf("revoke form: action %q", revoke.AttrOr("action", ""))
	}
	btn := revoke.Find(`button[data-testid="revoke-session"]`)
	if btn.Length() != 1 || !btn.HasClass("btn--danger") || !strings.HasPrefix(strings.TrimSpace(btn.Text()), "Sign out") {
		t.Error("revoke button missing or not a danger button")
	}
	if !strings.Contains(other.Text(), "198.51.100.7") {
		t.Error("IP missing")
	}

	// XSS: the user agent is text, not markup.
	if n := doc.Find("script").Length(); n != 3 {
		t.Errorf("%d scripts, want the 3 of the layout", n)
	}
	if strings.Contains(html, "<script>alert(1)</script>") {
		t.Error("user agent not escaped")
	}
	if got := other.Find(".sessions__agent").Text(); got != "<script>alert(1)</script>" {
		t.Errorf("user agent text = %q", got)
	}

	others := doc.Find(`[data-testid="revoke-others"]`)
	if others.Length() != 1 || others.Closest("form").AttrOr("action", "") != "/account/sessions/revoke-others" ||
		others.Closest("form").AttrOr("method", "") != "post" {
		t.Error("revoke-others form missing or wrong")
	}
}

func TestAccountPageVerifiedOnlySession(t *testing.T) {
	v := testAccountView(true)
	v.Sessions = v.Sessions[:1]
	v.PasswordErrors = map[string]string{"current_password": "Current password is incorrect."}
	doc, _ := renderView(t, AccountPage(v), "/account")
	if !strings.Contains(doc.Find(`.account__status`).Text(), "Verified") || strings.Contains(doc.Find(`.account__status`).Text(), "Not verified") {
		t.Error("Verified badge missing")
	}
	if doc.Find(`[data-testid="resend-verification"]`).Length() != 0 {
		t.Error("resend shown to a verified user")
	}
	if doc.Find(`[data-testid="revoke-others"]`).Length() != 0 {
		t.Error("revoke-others shown without other sessions")
	}
	if doc.Find(`[data-testid="revoke-session"]`).Length() != 0 {
		t.Error("revoke shown for the only (current) session")
	}
	form := doc.Find(`form[data-testid="password-form"]`)
	if form.Find(`input[name="current_password"][aria-invalid="true"]`).Length() != 1 {
		t.Error("current_password not marked invalid")
	}
	if !strings.Contains(doc.Find(`[data-testid="form-errors"]`).Text(), "Current password is incorrect.") {
		t.Error("password error summary missing")
	}
	assertNoPasswordValue(t, doc)
}

func TestAdminUsersPage(t *testing.T) {
	created := time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC)
	v := AdminUsersView{
		CurrentUserID: 1,
		Users: []User{
			{ID: 1, Email: "root@example.com", Role: RoleAdmin, EmailVerifiedAt: &created, CreatedAt: created},
			{ID: 2, Email: "ann@example.com", Role: RoleUser, CreatedAt: created},
			{ID: 3, Email: "gone@example.com", Role: RoleUser, DisabledAt: &created, CreatedAt: created},
			{ID: 4, Email: `"><img src=x>@example.com`, Role: RoleAdmin, CreatedAt: created},
		},
	}
	doc, _ := renderView(t, AdminUsersPage(v), "/admin/users")
	assertViewCSPSafe(t, doc)
	table := doc.Find(`table[data-testid="users"]`)
	if table.Length() != 1 || table.Find("caption").Length() != 1 {
		t.Fatal("users table or caption missing")
	}
	if doc.Find("img").Length() != 0 {
		t.Error("email not escaped")
	}
	rows := table.Find("tbody tr")
	if rows.Length() != 4 {
		t.Fatalf("%d rows, want 4", rows.Length())
	}
	wantDisable := []bool{false, true, false, true}
	wantText := [][]string{
		{"root@example.com", "Admin", "Active", "Yes", "15 Jan 2026 08:00 UTC"},
		{"ann@example.com", "User", "Active", "No"},
		{"gone@example.com", "User", "Disabled"},
		{"Admin", "Active"},
	}
	rows.Each(func(i int, row *goquery.Selection) {
		for _, s := range wantText[i] {
			if !strings.Contains(row.Text(), s) {
				t.Errorf("row %d lacks %q", i, s)
			}
		}
		form := row.Find(`form[data-testid="disable-form"]`)
		if got := form.Length() == 1; got != wantDisable[i] {
			t.Errorf("row %d: disable form present = %v, want %v", i, got, wantDisable[i])
			return
		}
		// The role form goes with the disable form: active accounts other
		// than the admin's own, offering the other role.
		role := row.Find(`form[data-testid="role-form"]`)
		if got := role.Length() == 1; got != wantDisable[i] {
			t.Errorf("row %d: role form present = %v, want %v", i, got, wantDisable[i])
		}
		if !wantDisable[i] {
			return
		}
		id := row.AttrOr("data-user-id", "")
		wantRole, wantLabel := "admin", "Make admin"
		if strings.Contains(row.Text(), "Admin") {
			wantRole, wantLabel = "user", "Make user"
		}
		if got := role.AttrOr("action", ""); got != "/admin/users/"+id+"/role" || role.AttrOr("method", "") != "post" {
			t.Errorf("row %d: role action = %q", i, got)
		}
		if got := role.Find(`input[name="role"]`).AttrOr("value", ""); got != wantRole {
			t.Errorf("row %d: role form offers %q, want %q", i, got, wantRole)
		}
		if got := strings.TrimSpace(role.Find(`button[type="submit"]`).Text()); !strings.HasPrefix(got, wantLabel) {
			t.Errorf("row %d: role button %q, want %q", i, got, wantLabel)
		}
		if got := form.AttrOr("action", ""); got != "/admin/users/"+id+"/disable" || form.AttrOr("method", "") != "post" {
			t.Errorf("row %d: disable action = %q", i, got)
		}
		btn := form.Find(`button[type="submit"]`)
		if !btn.HasClass("btn--danger") || !strings.HasPrefix(strings.TrimSpace(btn.Text()), "Disable") {
			t.Errorf("row %d: not a danger Disable button", i)
		}
		if got := btn.AttrOr("data-confirm", ""); got != "Disable this account? Their sessions end at once." {
			t.Errorf("row %d: data-confirm = %q", i, got)
		}
	})
	if !strings.Contains(rows.Eq(0).Text(), "You") {
		t.Error(`current admin not marked "You"`)
	}
	if doc.Find(`[data-testid="empty-state"]`).Length() != 0 {
		t.Error("empty state shown with users")
	}
}

func TestAdminUsersPageEmpty(t *testing.T) {
	doc, _ := renderView(t, AdminUsersPage(AdminUsersView{}), "/admin/users")
	if doc.Find(`[data-testid="empty-state"]`).Length() != 1 {
		t.Error("empty state missing")
	}
	if doc.Find(`table`).Length() != 0 {
		t.Error("table shown without users")
	}
}

func TestEmails(t *testing.T) {
	link := "https://app.example.com/password/reset/tok?a=1&b=2"
	tests := []struct {
		name string
		c    templ.Component
		want []string
	}{
		{"reset", ResetEmail(link), []string{"Reset your Groundwork password", "This link works for one hour and only once. If you did not ask for it, ignore this email."}},
		{"verify", VerifyEmail(link), []string{"Confirm your email address", "This link works for 48 hours."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.c.Render(context.Background(), &buf); err != nil {
				t.Fatal(err)
			}
			doc, err := goquery.NewDocumentFromReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.want {
				if !strings.Contains(doc.Text(), s) {
					t.Errorf("text %q missing", s)
				}
			}
			links := doc.Find(`a[href]`)
			if links.Length() == 0 {
				t.Fatal("no link")
			}
			links.Each(func(_ int, a *goquery.Selection) {
				if got := a.AttrOr("href", ""); got != link {
					t.Errorf("href = %q, want %q", got, link)
				}
			})
			if !strings.Contains(doc.Text(), link) {
				t.Error("link not written out for copying")
			}
			if doc.Find("script, img, link, [class]").Length() != 0 {
				t.Error("scripts, images, stylesheets or classes in an email")
			}
		})
	}

	var buf bytes.Buffer
	if err := ResetEmail("javascript:alert(1)").Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `href="javascript:`) {
		t.Error("javascript: link not sanitized")
	}
}
