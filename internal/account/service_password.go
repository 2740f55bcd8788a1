package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/a-h/templ"
	"github.com/jackc/pgx/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/mail"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/validate"
)

// This file holds the password and email-address flows of Service:
// changing and resetting a password, and verifying an address.

// ChangePassword replaces the password after checking the current one and
// ends every other session of the user. It returns an Invalid error when
// the new password breaks the policy, and ErrWrongPassword when the
// current password does not match.
func (s *Service) ChangePassword(ctx context.Context, u User, in ChangePasswordInput, currentToken, clientIP string) error {
	if err := validate.Struct(in); err != nil {
		return err
	}
	hash, err := s.repo.PasswordHash(ctx, u.ID)
	if err != nil {
		return err
	}
	ok, _, err := s.hasher.Verify(ctx, in.CurrentPassword, hash)
	if err != nil {
		return fmt.Errorf("account service: verify password: %w", err)
	}
	if !ok {
		s.event(ctx, "password_change", "failed", u.ID, u.Email, clientIP)
		return ErrWrongPassword
	}
	newHash, err := s.hasher.Hash(ctx, in.NewPassword)
	if err != nil {
		return fmt.Errorf("account service: hash password: %w", err)
	}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		repo := NewRepository(tx)
		if err := repo.SetPasswordHash(ctx, u.ID, newHash); err != nil {
			return err
		}
		_, err := repo.DeleteSessions(ctx, u.ID, 0, currentToken)
		return err
	})
	if err != nil {
		return fmt.Errorf("account service: change password: %w", err)
	}
	s.event(ctx, "password_change", "ok", u.ID, u.Email, clientIP)
	return nil
}

// RequestPasswordReset emails a reset link if the address belongs to an
// enabled account. For a well-formed address it always returns nil, at
// once: the lookup and the mail happen after the response, so neither the
// answer nor its timing tells whether the account exists. An address that
// is not one is an Invalid error.
func (s *Service) RequestPasswordReset(ctx context.Context, in ForgotInput, clientIP string) error {
	in.Email = NormalizeEmail(in.Email)
	if err := validate.Struct(in); err != nil {
		return err
	}
	email := in.Email
	ctx = context.WithoutCancel(ctx)
	s.background.Go(func() {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		u, _, err := s.repo.Credentials(ctx, NormalizeEmail(email))
		if err != nil || u.DisabledAt != nil {
			if err != nil && !errors.Is(err, ErrNotFound) {
				logging.FromContext(ctx).ErrorContext(ctx, "password reset lookup failed", "err", err)
			}
			s.event(ctx, "password_reset_request", "unknown", 0, email, clientIP)
			return
		}
		s.event(ctx, "password_reset_request", "ok", u.ID, u.Email, clientIP)
		token, err := s.newToken(ctx, u.ID, purposePasswordReset, PasswordResetTTL)
		if err != nil {
			logging.FromContext(ctx).ErrorContext(ctx, "password reset token failed", "err", err)
			return
		}
		link := s.link(ResetPasswordURL(token))
		s.send(ctx, u.Email, "Reset your password", ResetEmail(link),
			mail.Text("Reset your Groundwork password:\n\n%s\n\nThis link works for one hour and only once. If you did not ask for it, ignore this email.\n", link))
	})
	return nil
}

// ResetTokenValid reports whether a reset link can still be used.
func (s *Service) ResetTokenValid(ctx context.Context, token string) (bool, error) {
	return s.repo.TokenValid(ctx, hashToken(token), purposePasswordReset)
}

// ResetPassword sets a new password with a reset token, uses the token up
// and ends every session of the user. It returns ErrInvalidToken for an
// unknown, used or expired token, and an Invalid error when the password
// breaks the policy.
func (s *Service) ResetPassword(ctx context.Context, token string, in ResetInput, clientIP string) error {
	if err := validate.Struct(in); err != nil {
		return err
	}
	newHash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return fmt.Errorf("account service: hash password: %w", err)
	}
	var userID int64
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		repo := NewRepository(tx)
		id, err := repo.ConsumeToken(ctx, hashToken(token), purposePasswordReset)
		if err != nil {
			return err
		}
		userID = id
		if err := repo.SetPasswordHash(ctx, id, newHash); err != nil {
			return err
		}
		_, err = repo.DeleteSessions(ctx, id, 0, "")
		return err
	})
	if err != nil {
		s.event(ctx, "password_reset", "failed", 0, "", clientIP)
		return err
	}
	s.event(ctx, "password_reset", "ok", userID, "", clientIP)
	return nil
}

// VerifyEmail confirms an address with a verification token. It returns
// ErrInvalidToken for an unknown, used or expired token.
func (s *Service) VerifyEmail(ctx context.Context, token, clientIP string) error {
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		repo := NewRepository(tx)
		id, err := repo.ConsumeToken(ctx, hashToken(token), purposeEmailVerification)
		if err != nil {
			return err
		}
		return repo.MarkVerified(ctx, id)
	})
	if err != nil {
		return err
	}
	s.event(ctx, "email_verified", "ok", 0, "", clientIP)
	return nil
}

// ResendVerification sends a new verification link to an unverified user.
func (s *Service) ResendVerification(ctx context.Context, u User) {
	if !u.Verified() {
		s.sendVerification(ctx, u)
	}
}

func (s *Service) sendVerification(ctx context.Context, u User) {
	ctx = context.WithoutCancel(ctx)
	s.background.Go(func() {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		token, err := s.newToken(ctx, u.ID, purposeEmailVerification, EmailVerificationTTL)
		if err != nil {
			logging.FromContext(ctx).ErrorContext(ctx, "verification token failed", "err", err)
			return
		}
		link := s.link(VerifyEmailURL(token))
		s.send(ctx, u.Email, "Confirm your email address", VerifyEmail(link),
			mail.Text("Confirm your email address for Groundwork:\n\n%s\n\nThis link works for 48 hours.\n", link))
	})
}

func (s *Service) send(ctx context.Context, to, subject string, html, text templ.Component) {
	msg, err := mail.Render(ctx, to, subject, html, text)
	if err == nil {
		err = s.mailer.Send(ctx, msg)
	}
	if err != nil {
		logging.FromContext(ctx).ErrorContext(ctx, "mail not sent", "subject", subject, "err", err)
	}
}

// newToken stores a fresh 256-bit token's hash and returns the token.
func (s *Service) newToken(ctx context.Context, userID int64, purpose tokenPurpose, ttl time.Duration) (string, error) {
	token := rand.Text() + rand.Text() // 2 × 128 bits, base32
	if err := s.repo.CreateToken(ctx, hashToken(token), userID, purpose, ttl); err != nil {
		return "", err
	}
	return token, nil
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func (s *Service) link(path string) string {
	return s.cfg.BaseURL.JoinPath(path).String()
}
