package account_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// listen LISTENs on account.UsersChannel on a connection of its own and
// returns a function that waits up to d for the next notification's
// payload ("" if none came).
func listen(t *testing.T, pool *pgxpool.Pool) func(d time.Duration) string {
	t.Helper()
	conn, err := pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Release)
	if _, err := conn.Exec(t.Context(), "LISTEN "+account.UsersChannel); err != nil {
		t.Fatal(err)
	}
	return func(d time.Duration) string {
		ctx, cancel := context.WithTimeout(t.Context(), d)
		defer cancel()
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return ""
		}
		return n.Payload
	}
}

// TestUserChangesAreAnnounced: every write that changes what the user
// cache answers sends NOTIFY account_users with the user's ID, and a
// write that fails (rolled back) sends nothing.
func TestUserChangesAreAnnounced(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc, capture := newService(t, pool)
	repo := account.NewRepository(pool)
	ctx := testCtx(t)
	admin, err := svc.CreateUser(ctx, "admin@example.com", goodPassword, account.RoleAdmin, true)
	if err != nil {
		t.Fatal(err)
	}
	bob := mustSignup(t, svc, "bob@example.com", goodPassword)
	next := listen(t, pool)
	sessionID := func(token string) int64 {
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM user_sessions WHERE token = $1`, token).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	mailed := func(prefix string) string {
		capture.Wait()
		last, ok := capture.Last()
		if !ok {
			t.Fatal("no email")
		}
		return mailLink(t, last, prefix)
	}

	writes := []struct {
		name  string
		write func() error
	}{
		{"role change", func() error { return svc.SetRole(ctx, admin, bob.ID, account.RoleAdmin, ipX) }},
		{"sign-out", func() error {
			mustStartSession(t, pool, repo, bob.ID, "bob-1")
			return svc.Logout(ctx, bob, "bob-1", ipX)
		}},
		{"one session revoked", func() error {
			mustStartSession(t, pool, repo, bob.ID, "bob-2")
			return svc.RevokeSession(ctx, bob, sessionID("bob-2"), "bob-current", ipX)
		}},
		{"other sessions revoked", func() error { return svc.RevokeOtherSessions(ctx, bob, "bob-current", ipX) }},
		{"password change", func() error {
			return svc.ChangePassword(ctx, bob, account.ChangePasswordInput{CurrentPassword: goodPassword, NewPassword: "brand new password"}, "bob-current", ipX)
		}},
		{"password reset", func() error {
			mustRequestReset(t, svc, ctx, "bob@example.com")
			return svc.ResetPassword(ctx, mailed(resetPrefix), account.ResetInput{Password: "a fresh password"}, ipX)
		}},
		{"address verified", func() error {
			if err := svc.ResendVerification(ctx, bob); err != nil {
				return err
			}
			return svc.VerifyEmail(ctx, mailed(verifyPrefix), ipX)
		}},
		{"disable", func() error { return svc.Disable(ctx, admin, bob.ID, ipX) }},
	}
	want := strconv.FormatInt(bob.ID, 10)
	for _, w := range writes {
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if got := next(2 * time.Second); got != want {
			t.Errorf("%s: notification %q, want %q (the user's ID)", w.name, got, want)
		}
	}

	// Refused or failed writes announce nothing.
	if err := svc.SetRole(ctx, admin, 987654, account.RoleAdmin, ipX); !errors.Is(err, account.ErrNotFound) {
		t.Errorf("SetRole(unknown) error = %v, want ErrNotFound", err)
	}
	if err := svc.RevokeSession(ctx, admin, 987654, "", ipX); !errors.Is(err, account.ErrSessionNotFound) {
		t.Errorf("RevokeSession(unknown) error = %v, want ErrSessionNotFound", err)
	}
	if got := next(300 * time.Millisecond); got != "" {
		t.Errorf("a rolled-back write sent a notification %q", got)
	}
}

// TestServiceSetRole: the rules of role changes, and the writer's own
// instance answering with the new role at once (its cache is dropped
// locally, without waiting for the notification).
func TestServiceSetRole(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc, _ := newService(t, pool)
	repo := account.NewRepository(pool)
	ctx := testCtx(t)
	admin, err := svc.CreateUser(ctx, "admin@example.com", goodPassword, account.RoleAdmin, true)
	if err != nil {
		t.Fatal(err)
	}
	bob := mustSignup(t, svc, "bob@example.com", goodPassword)

	for _, tc := range []struct {
		name   string
		userID int64
		role   account.Role
		want   error
	}{
		{"own role", admin.ID, account.RoleUser, account.ErrChangeOwnRole},
		{"unknown role", bob.ID, account.Role("root"), account.ErrUnknownRole},
		{"unknown user", 987654, account.RoleAdmin, account.ErrNotFound},
	} {
		if err := svc.SetRole(ctx, admin, tc.userID, tc.role, ipX); !errors.Is(err, tc.want) {
			t.Errorf("%s: error = %v, want %v", tc.name, err, tc.want)
		}
	}
	if got, _ := repo.UserByID(ctx, admin.ID); got.Role != account.RoleAdmin {
		t.Errorf("the admin's role is %q after the refused changes", got.Role)
	}

	// The cache is live, as once the instance's listener is connected
	// (no listener here: only the local drop can make this pass).
	if err := svc.UserChanges().Resync(ctx); err != nil {
		t.Fatal(err)
	}
	mustStartSession(t, pool, repo, bob.ID, "bob-1")
	if u, err := svc.SessionUser(ctx, "bob-1"); err != nil || u.Role != account.RoleUser {
		t.Fatalf("SessionUser = %+v, %v; want bob as a user", u, err)
	}
	if err := svc.SetRole(ctx, admin, bob.ID, account.RoleAdmin, ipX); err != nil {
		t.Fatal(err)
	}
	if u, err := svc.SessionUser(ctx, "bob-1"); err != nil || u.Role != account.RoleAdmin {
		t.Fatalf("SessionUser after SetRole = %+v, %v; want bob as an admin at once", u, err)
	}
}
