package account

import (
	"context"
	"crypto/sha256"
	"fmt"

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
	err = s.changeUser(ctx, func(repo *Repository) (int64, error) {
		if err := repo.SetPasswordHash(ctx, u.ID, newHash); err != nil {
			return u.ID, err
		}
		_, err := repo.DeleteSessions(ctx, u.ID, 0, currentToken)
		return u.ID, err
	})
	if err != nil {
		return fmt.Errorf("account service: change password: %w", err)
	}
	s.event(ctx, "password_change", "ok", u.ID, u.Email, clientIP)
	return nil
}

// RequestPasswordReset enqueues the job that emails a reset link if the
// address belongs to an enabled account. For a well-formed address it
// returns nil and does the same work whether or not the account exists:
// the lookup happens in the job, so neither the answer nor its timing
// tells. An address that is not one is an Invalid error.
func (s *Service) RequestPasswordReset(ctx context.Context, in ForgotInput, clientIP string) error {
	in.Email = NormalizeEmail(in.Email)
	if err := validate.Struct(in); err != nil {
		return err
	}
	return s.enqueue(ctx, nil, EmailArgs{Purpose: emailPasswordReset, Email: in.Email, ClientIP: clientIP})
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
	err = s.changeUser(ctx, func(repo *Repository) (int64, error) {
		id, err := repo.ConsumeToken(ctx, hashToken(token), purposePasswordReset)
		if err != nil {
			return 0, err
		}
		userID = id
		if err := repo.SetPasswordHash(ctx, id, newHash); err != nil {
			return id, err
		}
		_, err = repo.DeleteSessions(ctx, id, 0, "")
		return id, err
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
	err := s.changeUser(ctx, func(repo *Repository) (int64, error) {
		id, err := repo.ConsumeToken(ctx, hashToken(token), purposeEmailVerification)
		if err != nil {
			return 0, err
		}
		return id, repo.MarkVerified(ctx, id)
	})
	if err != nil {
		return err
	}
	s.event(ctx, "email_verified", "ok", 0, "", clientIP)
	return nil
}

// ResendVerification enqueues a new verification email for an
// unverified user (nothing for a verified one).
func (s *Service) ResendVerification(ctx context.Context, u User) error {
	if u.Verified() {
		return nil
	}
	return s.enqueue(ctx, nil, EmailArgs{Purpose: emailVerification, UserID: u.ID})
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func (s *Service) link(path string) string {
	return s.cfg.BaseURL.JoinPath(path).String()
}
