package account

import (
	"net/url"
	"strconv"

	"github.com/groundwork-dev/groundwork/internal/platform/auth"
)

// The account pages' paths, so views, handlers, emails and tests never
// spell them out. Routes serves the public ones at the site root;
// internal/app mounts AccountRoutes at /account and AdminRoutes at /admin.

// SignupURL is the sign-up page (GET) and where its form is posted.
func SignupURL() string { return "/signup" }

// LoginURL is the sign-in page (GET) and where its form is posted. It is
// auth.LoginPath, where auth.RequireUser sends anonymous visitors, so the
// two cannot drift apart (TestLoginURLIsRequireUserTarget).
func LoginURL() string { return auth.LoginPath }

// LogoutURL is where the sign-out form is posted.
func LogoutURL() string { return "/logout" }

// ForgotPasswordURL is the "forgot password" page (GET) and where its form
// is posted.
func ForgotPasswordURL() string { return "/password/forgot" }

// ResetPasswordURL is the page a reset email links to (GET) and where its
// form is posted: the token is one path segment.
func ResetPasswordURL(token string) string { return "/password/reset/" + url.PathEscape(token) }

// VerifyEmailURL is the page a verification email links to.
func VerifyEmailURL(token string) string { return "/verify-email/" + url.PathEscape(token) }

// AccountURL is the signed-in user's account page.
func AccountURL() string { return "/account" }

// ChangePasswordURL is where the account page's password form is posted.
func ChangePasswordURL() string { return AccountURL() + "/password" }

// RevokeSessionURL is where a form signs the user's session id out.
func RevokeSessionURL(id int64) string {
	return AccountURL() + "/sessions/" + strconv.FormatInt(id, 10) + "/revoke"
}

// RevokeOtherSessionsURL is where a form signs out every session of the
// user but the current one.
func RevokeOtherSessionsURL() string { return AccountURL() + "/sessions/revoke-others" }

// ResendVerificationURL is where a form asks for a new verification email.
func ResendVerificationURL() string { return AccountURL() + "/verify-email" }

// AdminUsersURL is the admin's list of users.
func AdminUsersURL() string { return "/admin/users" }

// DisableUserURL is where an admin's form disables the user id.
func DisableUserURL(id int64) string {
	return AdminUsersURL() + "/" + strconv.FormatInt(id, 10) + "/disable"
}

// SetRoleURL is where an admin's form changes the role of the user id.
func SetRoleURL(id int64) string {
	return AdminUsersURL() + "/" + strconv.FormatInt(id, 10) + "/role"
}
