package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/validate"
)

// newAPITokenSecret returns a fresh token: APITokenPrefix followed by 256
// random bits, base64url-encoded (43 characters).
func newAPITokenSecret() string {
	b := make([]byte, apiTokenBytes)
	_, _ = rand.Read(b) // never fails (crypto/rand: it crashes the program instead)
	return APITokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// hashAPIToken is what is stored and looked up for a token: its SHA-256.
// The token has 256 random bits, so a fast hash is enough (no brute force).
func hashAPIToken(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// CreateAPIToken creates a token for u and returns it with its secret,
// which is never stored or shown again. It returns an Invalid error for a
// bad name, scope or lifetime, and ErrTooManyAPITokens over the cap.
func (s *Service) CreateAPIToken(ctx context.Context, u User, in APITokenInput, clientIP string) (NewAPIToken, error) {
	in.normalize()
	if err := validate.Struct(in); err != nil {
		return NewAPIToken{}, err
	}
	secret := newAPITokenSecret()
	t, err := s.repo.CreateAPIToken(ctx, u.ID, hashAPIToken(secret), in)
	if err != nil {
		return NewAPIToken{}, err
	}
	s.event(ctx, "api_token_created", "ok", u.ID, "", clientIP, "token_id", t.ID, "scope", string(t.Scope), "expires_at", t.ExpiresAt)
	return NewAPIToken{APIToken: t, Secret: secret}, nil
}

// APITokens lists u's tokens that are not revoked, newest first.
func (s *Service) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	return s.repo.ListAPITokens(ctx, userID)
}

// RevokeAPIToken revokes one of u's tokens; another user's, or an
// unknown or already revoked one, is ErrNotFound.
func (s *Service) RevokeAPIToken(ctx context.Context, u User, id int64, clientIP string) error {
	if err := s.repo.RevokeAPIToken(ctx, u.ID, id); err != nil {
		return err
	}
	s.event(ctx, "api_token_revoked", "ok", u.ID, "", clientIP, "token_id", id)
	return nil
}

// AuthenticateAPIToken returns the user and token a bearer secret stands
// for, and records its use (at most once a minute). Any token that does
// not authenticate is ErrAPITokenInvalid; the audit log says why (unknown,
// revoked, expired, user disabled), with the token's ID, never its secret.
func (s *Service) AuthenticateAPIToken(ctx context.Context, secret, clientIP string) (User, APIToken, error) {
	if !strings.HasPrefix(secret, APITokenPrefix) || len(secret) > 200 {
		s.event(ctx, "api_token_rejected", "malformed", 0, "", clientIP)
		return User{}, APIToken{}, ErrAPITokenInvalid
	}
	o, err := s.repo.APITokenByHash(ctx, hashAPIToken(secret))
	if errors.Is(err, ErrNotFound) {
		s.event(ctx, "api_token_rejected", "unknown", 0, "", clientIP)
		return User{}, APIToken{}, ErrAPITokenInvalid
	}
	if err != nil {
		return User{}, APIToken{}, err
	}
	now := time.Now()
	outcome := o.Token.State(now)
	if outcome == "active" && o.User.DisabledAt != nil {
		outcome = "user_disabled"
	}
	if outcome != "active" {
		s.event(ctx, "api_token_rejected", outcome, o.User.ID, "", clientIP, "token_id", o.Token.ID)
		return User{}, APIToken{}, ErrAPITokenInvalid
	}
	if o.Token.LastUsedAt == nil || now.Sub(*o.Token.LastUsedAt) >= apiTokenTouchEvery {
		if err := s.repo.TouchAPIToken(ctx, o.Token.ID); err != nil {
			return User{}, APIToken{}, fmt.Errorf("account service: %w", err)
		}
	}
	return o.User, o.Token, nil
}
