package account_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// TestServicePasswordHashFormat is T19: the stored hash with DefaultParams.
func TestServicePasswordHashFormat(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc, _ := newServiceWith(t, pool, password.DefaultParams, account.Config{})
	ctx := testCtx(t)
	u, err := svc.Signup(ctx, account.SignupInput{Email: "bob@example.com", Password: goodPassword}, ipX)
	if err != nil {
		t.Fatal(err)
	}
	u2 := mustSignup(t, svc, "carol@example.com", goodPassword)

	repo := account.NewRepository(pool)
	hash, err := repo.PasswordHash(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(hash) {
		t.Errorf("stored hash %q does not match %s", hash, re)
	}
	if strings.Contains(hash, goodPassword) {
		t.Error("stored hash contains the password")
	}
	hash2, _ := repo.PasswordHash(ctx, u2.ID)
	salt := func(h string) string { return strings.Split(h, "$")[4] }
	if salt(hash) == salt(hash2) {
		t.Errorf("two users with the same password share the salt %q", salt(hash))
	}
	if _, err := login(ctx, svc, "bob@example.com", goodPassword, ipX); err != nil {
		t.Errorf("Login with DefaultParams: %v", err)
	}
}

func TestServiceChangePassword(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc, _ := newService(t, pool)
	repo := account.NewRepository(pool)
	ctx := testCtx(t)
	bob := mustSignup(t, svc, "bob@example.com", goodPassword)
	carol := mustSignup(t, svc, "carol@example.com", goodPassword)
	for _, tok := range []string{"bob-current", "bob-phone", "bob-laptop"} {
		mustStartSession(t, pool, repo, bob.ID, tok)
	}
	mustStartSession(t, pool, repo, carol.ID, "carol-1")

	err := svc.ChangePassword(ctx, bob, account.ChangePasswordInput{CurrentPassword: "not it", NewPassword: "brand new password"}, "bob-current", ipX)
	if !errors.Is(err, account.ErrWrongPassword) {
		t.Fatalf("ChangePassword(wrong current) error = %v, want ErrWrongPassword", err)
	}
	if k := apperr.KindOf(err); k != apperr.Invalid {
		t.Errorf("kind = %v, want invalid", k)
	}
	if _, ok := apperr.FieldsOf(err)["current_password"]; !ok {
		t.Errorf("fields = %v, want current_password", apperr.FieldsOf(err))
	}
	if !storeRowExists(t, pool, "bob-phone") {
		t.Error("a refused change ended a session")
	}

	err = svc.ChangePassword(ctx, bob, account.ChangePasswordInput{CurrentPassword: goodPassword, NewPassword: "brand new password"}, "bob-current", ipX)
	if err != nil {
		t.Fatalf("ChangePassword: %v", err)
	}
	if _, err := login(ctx, svc, "bob@example.com", "brand new password", ipX); err != nil {
		t.Errorf("Login(new password): %v", err)
	}
	if _, err := login(ctx, svc, "bob@example.com", goodPassword, ipY); !errors.Is(err, account.ErrInvalidCredentials) {
		t.Errorf("Login(old password) error = %v, want ErrInvalidCredentials", err)
	}
	alive := map[string]bool{}
	for _, tok := range []string{"bob-current", "bob-phone", "bob-laptop", "carol-1"} {
		alive[tok] = storeRowExists(t, pool, tok) && ownerRowExists(t, pool, tok)
	}
	want := map[string]bool{"bob-current": true, "bob-phone": false, "bob-laptop": false, "carol-1": true}
	if diff := cmp.Diff(want, alive); diff != "" {
		t.Errorf("sessions after ChangePassword (-want +got):\n%s", diff)
	}
	if _, err := svc.SessionUser(ctx, "bob-phone"); !errors.Is(err, account.ErrSessionNotFound) {
		t.Errorf("SessionUser(ended session) error = %v, want ErrSessionNotFound", err)
	}
	if got, err := svc.SessionUser(ctx, "bob-current"); err != nil || got.ID != bob.ID {
		t.Errorf("SessionUser(current) = %d, %v; want %d", got.ID, err, bob.ID)
	}
}

// blockUsers locks the users table until the returned function is called,
// so a background lookup provably runs after its caller returned.
func blockUsers(t *testing.T, pool *pgxpool.Pool) (release func()) {
	t.Helper()
	tx, err := pool.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(t.Context(), `LOCK TABLE users IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	// Also released at cleanup, in case the test fails while it is held; a
	// second Rollback is a no-op.
	release = func() { _ = tx.Rollback(context.Background()) }
	t.Cleanup(release)
	return release
}

func TestServiceRequestPasswordReset(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc, capture := newService(t, pool)
	ctx := testCtx(t)
	bob := mustSignup(t, svc, "bob@example.com", goodPassword)
	dis := mustSignup(t, svc, "dis@example.com", goodPassword)
	if err := account.NewRepository(pool).Disable(ctx, dis.ID); err != nil {
		t.Fatal(err)
	}

	for _, email := range []string{"nobody@example.com", "dis@example.com", " BOB@example.com"} {
		release := blockUsers(t, pool)
		done := make(chan struct{})
		go func() {
			mustRequestReset(t, svc, ctx, email)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(waitFor):
			t.Fatalf("RequestPasswordReset(%q) waited for the database", email)
		}
		release()
		capture.Wait()
	}

	msgs := capture.Messages()
	if len(msgs) != 1 {
		t.Fatalf("sent %d emails, want 1 (bob only): %+v", len(msgs), msgs)
	}
	if msgs[0].To != "bob@example.com" {
		t.Errorf("reset email To = %q, want bob@example.com", msgs[0].To)
	}
	token := mailLink(t, msgs[0], resetPrefix)
	if n := mustCount(t, pool, `SELECT count(*) FROM user_tokens WHERE hash = $1 AND user_id = $2 AND purpose = 'password_reset' AND expires_at BETWEEN now() + interval '59 minutes' AND now() + interval '61 minutes'`, tokenHash(token), bob.ID); n != 1 {
		t.Error("no password_reset token stored as SHA-256 with a 1 h expiry")
	}
	if ok, err := svc.ResetTokenValid(ctx, token); err != nil || !ok {
		t.Errorf("ResetTokenValid = %v, %v; want true", ok, err)
	}
}

func TestServiceResetPasswordFlow(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	ctx := testCtx(t)

	t.Run("reset", func(t *testing.T) {
		svc, capture := newService(t, pool)
		repo := account.NewRepository(pool)
		bob := mustSignup(t, svc, "bob@example.com", goodPassword)
		carol := mustSignup(t, svc, "carol@example.com", goodPassword)
		mustStartSession(t, pool, repo, bob.ID, "bob-1")
		mustStartSession(t, pool, repo, bob.ID, "bob-2")
		mustStartSession(t, pool, repo, carol.ID, "carol-1")

		mustRequestReset(t, svc, ctx, "bob@example.com")
		capture.Wait()
		last, ok := capture.Last()
		if !ok {
			t.Fatal("no reset email")
		}
		token := mailLink(t, last, resetPrefix)

		if err := svc.ResetPassword(ctx, token, account.ResetInput{Password: "a fresh password"}, ipX); err != nil {
			t.Fatalf("ResetPassword: %v", err)
		}
		if _, err := login(ctx, svc, "bob@example.com", "a fresh password", ipX); err != nil {
			t.Errorf("Login(new password): %v", err)
		}
		if _, err := login(ctx, svc, "bob@example.com", goodPassword, ipY); !errors.Is(err, account.ErrInvalidCredentials) {
			t.Errorf("Login(old password) error = %v, want ErrInvalidCredentials", err)
		}
		for tok, want := range map[string]bool{"bob-1": false, "bob-2": false, "carol-1": true} {
			if got := storeRowExists(t, pool, tok) || ownerRowExists(t, pool, tok); got != want {
				t.Errorf("session %s exists = %v after reset, want %v", tok, got, want)
			}
		}

		err := svc.ResetPassword(ctx, token, account.ResetInput{Password: "yet another one"}, ipX)
		if !errors.Is(err, account.ErrInvalidToken) {
			t.Errorf("ResetPassword(used token) error = %v, want ErrInvalidToken", err)
		}
		if _, err := login(ctx, svc, "bob@example.com", "yet another one", ipX); !errors.Is(err, account.ErrInvalidCredentials) {
			t.Errorf("the refused reset changed the password: Login = %v", err)
		}
		if ok, err := svc.ResetTokenValid(ctx, token); err != nil || ok {
			t.Errorf("ResetTokenValid(used) = %v, %v; want false", ok, err)
		}
	})

	t.Run("expired token", func(t *testing.T) {
		svc, capture := newService(t, pool)
		mustSignup(t, svc, "eve@example.com", goodPassword)
		mustRequestReset(t, svc, ctx, "eve@example.com")
		capture.Wait()
		last, ok := capture.Last()
		if !ok {
			t.Fatal("no reset email")
		}
		token := mailLink(t, last, resetPrefix)
		mustExec(t, pool, `UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE hash = $1`, tokenHash(token))

		if ok, err := svc.ResetTokenValid(ctx, token); err != nil || ok {
			t.Errorf("ResetTokenValid(expired) = %v, %v; want false", ok, err)
		}
		if err := svc.ResetPassword(ctx, token, account.ResetInput{Password: "a fresh password"}, ipX); !errors.Is(err, account.ErrInvalidToken) {
			t.Errorf("ResetPassword(expired) error = %v, want ErrInvalidToken", err)
		}
		if _, err := login(ctx, svc, "eve@example.com", goodPassword, ipX); err != nil {
			t.Errorf("the old password stopped working after a refused reset: %v", err)
		}
	})
}
