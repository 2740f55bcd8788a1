package account

import (
	"strings"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
)

// Personal access tokens (issue 17) let scripts and apps use the JSON API
// as their user, with a scope, until they expire or are revoked.
const (
	// APITokenPrefix starts every token, so a leaked one is recognisable
	// (secret scanners, logs) and cannot be mistaken for a session cookie.
	APITokenPrefix = "gwpat_"
	// apiTokenBytes is the randomness of a token: 256 bits.
	apiTokenBytes = 32
	// DefaultAPITokenDays and MaxAPITokenDays bound a token's lifetime.
	DefaultAPITokenDays = 90
	MaxAPITokenDays     = 365
	// apiTokenTouchEvery is how often a token's last use is written, at
	// most: a busy script must not turn every read into a write.
	apiTokenTouchEvery = time.Minute
	// maxAPITokens is how many live tokens one user may hold.
	maxAPITokens = 50
)

// APIToken is a personal access token as its owner sees it: never its
// secret, which only its SHA-256 stands for once created.
type APIToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Scope      auth.Scope `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"-"`
}

// State is "active", "expired" or "revoked" at now.
func (t APIToken) State(now time.Time) string {
	switch {
	case t.RevokedAt != nil:
		return "revoked"
	case !now.Before(t.ExpiresAt):
		return "expired"
	}
	return "active"
}

// NewAPIToken is a token just created: the only time its secret exists
// outside the client.
type NewAPIToken struct {
	APIToken
	Secret string
}

// APITokenInput is the form (and JSON body) that creates a token.
// ExpiresInDays 0 means DefaultAPITokenDays.
type APITokenInput struct {
	Name          string     `json:"name" form:"name" validate:"required,max=100"`
	Scope         auth.Scope `json:"scope" form:"scope" validate:"required,oneof=read read-write"`
	ExpiresInDays int        `json:"expires_in_days" form:"expires_in_days" validate:"min=0,max=365"`
}

// normalize trims the name and applies the default lifetime.
func (in *APITokenInput) normalize() {
	in.Name = strings.TrimSpace(in.Name)
	if in.ExpiresInDays == 0 {
		in.ExpiresInDays = DefaultAPITokenDays
	}
}

// tokenOwner is who a presented token authenticates, and the token's state.
type tokenOwner struct {
	Token APIToken
	User  User
}

// Errors of API tokens.
var (
	// ErrAPITokenInvalid is the one answer to a bearer token that is
	// malformed, unknown, revoked or expired, or whose user is disabled:
	// the client learns nothing more (the audit log does).
	ErrAPITokenInvalid = apperr.New(apperr.Unauthenticated, "The API token is missing, invalid, revoked or expired.")
	// ErrTooManyAPITokens caps the live tokens of one user.
	ErrTooManyAPITokens = apperr.New(apperr.Conflict, "You have too many active API tokens; revoke some first.")
	// ErrTokenCannotMint: tokens are managed only with a signed-in session.
	ErrTokenCannotMint = apperr.New(apperr.Forbidden, "API tokens are managed with a signed-in session, not with a token.")
)
