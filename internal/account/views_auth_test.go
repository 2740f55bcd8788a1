package account

import (
	"strings"
	"testing"
)

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
