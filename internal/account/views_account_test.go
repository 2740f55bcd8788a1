package account

import (
	"strings"
	"testing"
	"time"
)

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
