package account

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/cache"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/session"
	"github.com/groundwork-dev/groundwork/internal/platform/validate"
)

// Sign-in throttling (security checklist T21). Failures are stored in
// PostgreSQL, so every app instance sees the same counts.
const (
	maxFailuresPerAccountAndIP = 5
	accountAndIPWindow         = 15 * time.Minute
	maxFailuresPerAccount      = 100
	accountWindow              = time.Hour
)

// Config is what the service needs from the app's configuration.
type Config struct {
	BaseURL *url.URL // absolute links in emails come from here, never from a request
	// RequireVerifiedEmail refuses sign-in until the address is confirmed.
	RequireVerifiedEmail bool
	// LogKey keys the HMAC that stands in for email addresses in logs.
	LogKey []byte
	// ThrottleHits, if set, counts sign-ins the throttle refuses
	// (login_throttle_hits_total{throttle="account"}; issue 14).
	ThrottleHits interface{ Inc() }
}

// Service is the rules of accounts. It knows nothing about HTTP; sessions
// are identified by the hash of their token (see session.HashToken).
type Service struct {
	pool   *pgxpool.Pool
	repo   *Repository
	hasher *password.Hasher
	jobs   jobs.Inserter // emails go out as jobs (jobs.go)
	cfg    Config
	users  *cache.Keyed[string, User] // session token hash → user (service_usercache.go)
}

// NewService returns a Service that enqueues its emails on queue.
func NewService(pool *pgxpool.Pool, hasher *password.Hasher, queue jobs.Inserter, cfg Config) *Service {
	return &Service{pool: pool, repo: NewRepository(pool), hasher: hasher, jobs: queue, cfg: cfg, users: newUserCache()}
}

// Signup creates a user with the user role and, in the same transaction,
// the job that sends the verification email. It returns an Invalid error
// for an unusable email or password, and ErrEmailTaken if the address has
// an account.
func (s *Service) Signup(ctx context.Context, in SignupInput, clientIP string) (User, error) {
	in.Email = NormalizeEmail(in.Email)
	if err := validate.Struct(in); err != nil {
		return User{}, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return User{}, fmt.Errorf("account service: hash password: %w", err)
	}
	var u User
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if u, err = NewRepository(tx).CreateUser(ctx, in.Email, hash, RoleUser, false); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, EmailArgs{Purpose: emailVerification, UserID: u.ID})
	})
	if err != nil {
		s.event(ctx, "signup", "failed", 0, in.Email, clientIP)
		return User{}, err
	}
	s.event(ctx, "signup", "ok", u.ID, u.Email, clientIP)
	return u, nil
}

// CreateUser creates a user with the given role (the CLI creates the first
// admin with it). verified marks the address as confirmed. The rules are
// sign-up's: it returns an Invalid error for an unusable email or
// password, and ErrEmailTaken if the address has an account.
func (s *Service) CreateUser(ctx context.Context, email, pw string, role Role, verified bool) (User, error) {
	in := SignupInput{Email: NormalizeEmail(email), Password: pw}
	if err := validate.Struct(in); err != nil {
		return User{}, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return User{}, fmt.Errorf("account service: hash password: %w", err)
	}
	return s.repo.CreateUser(ctx, in.Email, hash, role, verified)
}

// Login checks credentials. It returns ErrInvalidCredentials for an
// unknown email, a wrong password or a disabled account alike (and takes
// about as long in each case), a TooManyRequests error with RetryAfter
// when the throttle applies, ErrUnverified when verification is required,
// and an Invalid error when the email or password is missing.
func (s *Service) Login(ctx context.Context, in LoginInput, clientIP string) (User, error) {
	if err := validate.Struct(in); err != nil {
		return User{}, err
	}
	email := NormalizeEmail(in.Email)
	fromIP, total, err := s.repo.FailureCounts(ctx, email, clientIP, accountAndIPWindow, accountWindow)
	if err != nil {
		return User{}, err
	}
	if fromIP.Count >= maxFailuresPerAccountAndIP || total.Count >= maxFailuresPerAccount {
		s.event(ctx, "login", "throttled", 0, email, clientIP)
		if s.cfg.ThrottleHits != nil {
			s.cfg.ThrottleHits.Inc()
		}
		retry := fromIP.RetryIn
		if total.Count >= maxFailuresPerAccount {
			retry = max(retry, total.RetryIn)
		}
		return User{}, &apperr.Error{Kind: apperr.TooManyRequests, RetryAfter: max(retry, time.Second),
			Message: "Too many failed sign-in attempts. Wait a few minutes and try again."}
	}

	u, hash, err := s.repo.Credentials(ctx, email)
	switch {
	case errors.Is(err, ErrNotFound):
		s.hasher.VerifyDummy(ctx, in.Password) // same work as a real check: no timing oracle
		return User{}, s.loginFailed(ctx, 0, email, clientIP)
	case err != nil:
		return User{}, err
	}
	ok, rehash, err := s.hasher.Verify(ctx, in.Password, hash)
	if err != nil {
		return User{}, fmt.Errorf("account service: verify password: %w", err)
	}
	if !ok || u.DisabledAt != nil {
		return User{}, s.loginFailed(ctx, u.ID, email, clientIP)
	}
	if s.cfg.RequireVerifiedEmail && !u.Verified() {
		s.event(ctx, "login", "unverified", u.ID, email, clientIP)
		return User{}, ErrUnverified
	}
	if rehash {
		if newHash, err := s.hasher.Hash(ctx, in.Password); err == nil {
			_ = s.repo.SetPasswordHash(ctx, u.ID, newHash) // best effort: the old hash still works
		}
	}
	if err := s.repo.ClearFailures(ctx, email, clientIP); err != nil {
		return User{}, err
	}
	s.event(ctx, "login", "ok", u.ID, email, clientIP)
	return u, nil
}

func (s *Service) loginFailed(ctx context.Context, userID int64, email, clientIP string) error {
	if err := s.repo.RecordFailure(ctx, email, clientIP); err != nil {
		return err
	}
	s.event(ctx, "login", "failed", userID, email, clientIP)
	return ErrInvalidCredentials
}

// Users lists the most recent accounts, for admins.
func (s *Service) Users(ctx context.Context) ([]User, error) {
	return s.repo.ListUsers(ctx, 500)
}

// Disable disables an account, ends all its sessions and revokes all its
// API tokens; every instance refuses its sessions as soon as it commits
// (the user cache is invalidated through NOTIFY). An admin cannot
// disable themselves (ErrDisableSelf); an unknown ID is ErrNotFound.
func (s *Service) Disable(ctx context.Context, admin User, userID int64, clientIP string) error {
	if admin.ID == userID {
		return ErrDisableSelf
	}
	err := s.changeUser(ctx, func(repo *Repository) (int64, error) {
		if err := repo.Disable(ctx, userID); err != nil {
			return userID, err
		}
		if _, err := repo.DeleteSessions(ctx, userID, 0, ""); err != nil {
			return userID, err
		}
		_, err := repo.RevokeAllAPITokens(ctx, userID) // issue 17: a disabled account's tokens die with it
		return userID, err
	})
	if err != nil {
		return err
	}
	s.event(ctx, "user_disabled", "ok", userID, "", clientIP, "admin_id", admin.ID)
	return nil
}

// SetRole gives a user the user or admin role; every instance applies it
// to their sessions as soon as it commits (the user cache is invalidated
// through NOTIFY). An admin cannot change their own role
// (ErrChangeOwnRole, so an instance always keeps one admin who can undo
// it); another role is ErrUnknownRole; an unknown ID is ErrNotFound.
func (s *Service) SetRole(ctx context.Context, admin User, userID int64, role Role, clientIP string) error {
	if role != RoleUser && role != RoleAdmin {
		return ErrUnknownRole
	}
	if admin.ID == userID {
		return ErrChangeOwnRole
	}
	err := s.changeUser(ctx, func(repo *Repository) (int64, error) {
		return userID, repo.SetRole(ctx, userID, role)
	})
	if err != nil {
		return err
	}
	s.event(ctx, "role_changed", "ok", userID, "", clientIP, "admin_id", admin.ID, "role", string(role))
	return nil
}

// Purge deletes expired sessions, old sign-in failures and spent tokens.
func (s *Service) Purge(ctx context.Context) error {
	if _, err := session.NewStore(s.pool).DeleteExpired(ctx); err != nil {
		return err
	}
	return s.repo.PurgeExpired(ctx, accountWindow)
}

// event writes the one log line of an auth event. Addresses appear only as
// a keyed hash; passwords, tokens and cookies never.
func (s *Service) event(ctx context.Context, event, outcome string, userID int64, email, clientIP string, extra ...any) {
	attrs := []any{"event", event, "outcome", outcome, "client_ip", clientIP}
	if userID != 0 {
		attrs = append(attrs, "user_id", userID)
	}
	if email != "" {
		mac := hmac.New(sha256.New, s.cfg.LogKey)
		mac.Write([]byte(NormalizeEmail(email)))
		attrs = append(attrs, "email_hash", hex.EncodeToString(mac.Sum(nil))[:16])
	}
	logging.FromContext(ctx).Log(ctx, slog.LevelInfo, "auth event", append(attrs, extra...)...)
}
