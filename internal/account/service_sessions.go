package account

import "context"

// This file holds the session flows of Service: starting, reading and
// ending sessions. Every one that ends a session announces it (changeUser
// in service_usercache.go), so no instance keeps serving its user.

// StartSession records that the session with token belongs to u.
func (s *Service) StartSession(ctx context.Context, u User, token, userAgent, clientIP string) error {
	return s.repo.AddSession(ctx, token, u.ID, userAgent, clientIP)
}

// SessionUser returns the user signed in with token, or ErrSessionNotFound
// when the session was ended or the account disabled. It answers from the
// user cache when it can (service_usercache.go), else with one query.
func (s *Service) SessionUser(ctx context.Context, token string) (User, error) {
	return s.users.Get(ctx, token, s.repo.SessionUser)
}

// RenewSession follows a session to its renewed token.
func (s *Service) RenewSession(ctx context.Context, oldToken, newToken string) error {
	return s.repo.ReplaceSessionToken(ctx, oldToken, newToken)
}

// Logout forgets the session with token.
func (s *Service) Logout(ctx context.Context, u User, token, clientIP string) error {
	err := s.changeUser(ctx, func(repo *Repository) (int64, error) {
		return u.ID, repo.DeleteSessionByToken(ctx, token)
	})
	if err != nil {
		return err
	}
	s.event(ctx, "logout", "ok", u.ID, u.Email, clientIP)
	return nil
}

// Sessions lists the user's live sessions, marking the one with currentToken.
func (s *Service) Sessions(ctx context.Context, userID int64, currentToken string) ([]Session, error) {
	return s.repo.Sessions(ctx, userID, currentToken)
}

// RevokeSession ends one of the user's other sessions. It returns
// ErrSessionNotFound if there is no such session of theirs (the current
// session ends with Logout).
func (s *Service) RevokeSession(ctx context.Context, u User, sessionID int64, currentToken, clientIP string) error {
	if sessionID <= 0 {
		return ErrSessionNotFound
	}
	err := s.changeUser(ctx, func(repo *Repository) (int64, error) {
		n, err := repo.DeleteSessions(ctx, u.ID, sessionID, currentToken)
		if err == nil && n == 0 {
			err = ErrSessionNotFound
		}
		return u.ID, err
	})
	if err != nil {
		return err
	}
	s.event(ctx, "session_revoked", "ok", u.ID, u.Email, clientIP)
	return nil
}

// RevokeOtherSessions ends every session of the user but the current one.
func (s *Service) RevokeOtherSessions(ctx context.Context, u User, currentToken, clientIP string) error {
	err := s.changeUser(ctx, func(repo *Repository) (int64, error) {
		_, err := repo.DeleteSessions(ctx, u.ID, 0, currentToken)
		return u.ID, err
	})
	if err != nil {
		return err
	}
	s.event(ctx, "sessions_revoked", "ok", u.ID, u.Email, clientIP)
	return nil
}
