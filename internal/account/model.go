// Package account is user accounts: sign-up, sign-in and sessions, roles,
// password changes and resets, email verification, and the admin's list of
// users. Read this file first: it holds the types, the rules and the errors.
package account

import (
	"strings"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
)

// Role is what a user may do. Every user has one; the roles are
// auth.RoleUser and auth.RoleAdmin.
type Role = auth.Role

// The roles, as account code spells them.
const (
	RoleUser  = auth.RoleUser
	RoleAdmin = auth.RoleAdmin
)

// User is an account.
type User struct {
	ID              int64
	Email           string // normalized: trimmed and lower-case
	Role            Role
	EmailVerifiedAt *time.Time
	DisabledAt      *time.Time
	CreatedAt       time.Time
}

// IsAdmin reports whether the user has the admin role.
func (u User) IsAdmin() bool { return u.Role == auth.RoleAdmin }

// Identity is who u is to the rest of the application (auth.From).
func (u User) Identity() auth.Identity {
	return auth.Identity{UserID: u.ID, Email: u.Email, Role: u.Role, Scope: auth.ScopeReadWrite}
}

// Verified reports whether the user has confirmed their email address.
func (u User) Verified() bool { return u.EmailVerifiedAt != nil }

// Session is one signed-in device of a user, as the account page lists it.
type Session struct {
	ID         int64
	UserAgent  string
	ClientIP   string
	CreatedAt  time.Time
	LastSeenAt time.Time
	Current    bool // the session making this request
}

// Errors. Their kinds decide the HTTP status; their messages are shown.
var (
	// ErrInvalidCredentials is the one answer to a failed sign-in, whether
	// the email is unknown, the password wrong or the account disabled.
	ErrInvalidCredentials = apperr.New(apperr.Unauthenticated, "Email or password is incorrect.")
	ErrEmailTaken         = apperr.Validation("Please correct the highlighted fields.", map[string]string{
		"email": "An account with this email already exists. Sign in, or reset your password.",
	})
	ErrWrongPassword   = apperr.Validation("Please correct the highlighted fields.", map[string]string{"current_password": "Current password is incorrect."})
	ErrUnverified      = apperr.New(apperr.Forbidden, "Please verify your email address first: we sent you a link.")
	ErrNotFound        = apperr.New(apperr.NotFound, "No such user.")
	ErrSessionNotFound = apperr.New(apperr.NotFound, "No such session.")
	ErrInvalidToken    = apperr.New(apperr.NotFound, "This link is invalid or has expired. Ask for a new one.")
	ErrDisableSelf     = apperr.New(apperr.Conflict, "You cannot disable your own account.")
	ErrChangeOwnRole   = apperr.New(apperr.Conflict, "You cannot change your own role.")
	ErrUnknownRole     = apperr.Validation("Please correct the highlighted fields.", map[string]string{"role": "Role must be user or admin."})
)

// Token lifetimes.
const (
	PasswordResetTTL     = time.Hour
	EmailVerificationTTL = 48 * time.Hour
)

// tokenPurpose says what a user token is for.
type tokenPurpose string

const (
	purposePasswordReset     tokenPurpose = "password_reset"
	purposeEmailVerification tokenPurpose = "email_verification"
)

// NormalizeEmail trims surrounding spaces and lower-cases an address, so
// one mailbox is one account.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// SignupInput is the sign-up form (and the CLI's user create).
type SignupInput struct {
	Email    string `form:"email" validate:"required,email,max=254"`
	Password string `form:"password"` // checked by Validate: never trimmed
}

// Validate applies the password policy.
func (in SignupInput) Validate() map[string]string {
	return passwordProblem("password", in.Password)
}

// LoginInput is the sign-in form. Only presence is checked: a rule here
// would tell an attacker something about the account.
type LoginInput struct {
	Email    string `form:"email" validate:"required,max=254"`
	Password string `form:"password" validate:"required,max=1024"`
	Next     string `form:"next"`
}

// SetRoleInput is the admin's role form; the service checks the role.
type SetRoleInput struct {
	Role Role `form:"role"`
}

// ChangePasswordInput is the account page's password form.
type ChangePasswordInput struct {
	CurrentPassword string `form:"current_password" validate:"required,max=1024"`
	NewPassword     string `form:"new_password"`
}

// Validate applies the password policy to the new password.
func (in ChangePasswordInput) Validate() map[string]string {
	return passwordProblem("new_password", in.NewPassword)
}

// ForgotInput is the "forgot password" form.
type ForgotInput struct {
	Email string `form:"email" validate:"required,email,max=254"`
}

// ResetInput is the "choose a new password" form.
type ResetInput struct {
	Password string `form:"password"`
}

// Validate applies the password policy.
func (in ResetInput) Validate() map[string]string {
	return passwordProblem("password", in.Password)
}

func passwordProblem(field, pw string) map[string]string {
	if msg := password.Check(pw); msg != "" {
		return map[string]string{field: msg}
	}
	return nil
}
