package account_test

import (
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// TestServiceSignup shares one database; each subtest has its own service
// (and mail capture) and addresses.
func TestServiceSignup(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	ctx := testCtx(t)

	t.Run("signup and verify", func(t *testing.T) {
		svc, capture := newService(t, pool)

		u, err := svc.Signup(ctx, account.SignupInput{Email: " Bob@Example.COM ", Password: goodPassword}, ipX)
		if err != nil {
			t.Fatalf("Signup: %v", err)
		}
		if u.ID <= 0 || u.Email != "bob@example.com" || u.Role != account.RoleUser || u.Verified() || u.DisabledAt != nil {
			t.Errorf("Signup = %+v, want an enabled, unverified user bob@example.com with role user", u)
		}
		stored, err := account.NewRepository(pool).UserByID(ctx, u.ID)
		if err != nil {
			t.Fatalf("UserByID: %v", err)
		}
		if diff := cmp.Diff(u, stored); diff != "" {
			t.Errorf("stored user mismatch (-want +got):\n%s", diff)
		}

		capture.Wait()
		msgs := capture.Messages()
		if len(msgs) != 1 {
			t.Fatalf("sent %d emails, want 1: %+v", len(msgs), msgs)
		}
		if msgs[0].To != "bob@example.com" {
			t.Errorf("email To = %q, want %q", msgs[0].To, "bob@example.com")
		}
		token := mailLink(t, msgs[0], verifyPrefix)
		if !regexp.MustCompile(`^[A-Z2-7]{52}$`).MatchString(token) {
			t.Errorf("token %q is not 2×26 base32 characters (256 bits)", token)
		}
		if n := mustCount(t, pool, `SELECT count(*) FROM user_tokens WHERE hash = $1 AND purpose = 'email_verification' AND expires_at BETWEEN now() + interval '47 hours 59 minutes' AND now() + interval '48 hours 1 minute'`, tokenHash(token)); n != 1 {
			t.Error("no email_verification token stored as SHA-256 with a 48 h expiry")
		}
		if n := mustCount(t, pool, `SELECT count(*) FROM user_tokens WHERE position($1::bytea IN hash) > 0`, []byte(token)); n != 0 {
			t.Error("the raw token is stored")
		}

		// A verification token is no reset token.
		if err := svc.ResetPassword(ctx, token, account.ResetInput{Password: "another password"}, ipX); !errors.Is(err, account.ErrInvalidToken) {
			t.Errorf("ResetPassword(verification token) error = %v, want ErrInvalidToken", err)
		}

		if err := svc.VerifyEmail(ctx, token, ipX); err != nil {
			t.Fatalf("VerifyEmail: %v", err)
		}
		if got, _ := account.NewRepository(pool).UserByID(ctx, u.ID); !got.Verified() {
			t.Error("after VerifyEmail, Verified() = false")
		}
		if err := svc.VerifyEmail(ctx, token, ipX); !errors.Is(err, account.ErrInvalidToken) {
			t.Errorf("VerifyEmail(used token) error = %v, want ErrInvalidToken", err)
		}
		if err := svc.VerifyEmail(ctx, "NOT-A-TOKEN", ipX); !errors.Is(err, account.ErrInvalidToken) {
			t.Errorf("VerifyEmail(unknown token) error = %v, want ErrInvalidToken", err)
		}
	})

	t.Run("duplicate", func(t *testing.T) {
		svc, capture := newService(t, pool)
		if _, err := svc.Signup(ctx, account.SignupInput{Email: "dup@example.com", Password: goodPassword}, ipX); err != nil {
			t.Fatal(err)
		}
		_, err := svc.Signup(ctx, account.SignupInput{Email: "DUP@example.com ", Password: goodPassword}, ipX)
		if !errors.Is(err, account.ErrEmailTaken) {
			t.Fatalf("Signup(duplicate) error = %v, want ErrEmailTaken", err)
		}
		if k := apperr.KindOf(err); k != apperr.Invalid {
			t.Errorf("Signup(duplicate) kind = %v, want invalid", k)
		}
		if _, ok := apperr.FieldsOf(err)["email"]; !ok {
			t.Errorf("Signup(duplicate) fields = %v, want an email field", apperr.FieldsOf(err))
		}
		capture.Wait()
		if n := len(capture.Messages()); n != 1 {
			t.Errorf("sent %d emails, want 1 (none for the refused signup)", n)
		}
	})

	t.Run("resend verification", func(t *testing.T) {
		svc, capture := newService(t, pool)
		u := mustSignup(t, svc, "resend@example.com", goodPassword)

		svc.ResendVerification(ctx, u)
		capture.Wait()
		if n := len(capture.Messages()); n != 1 {
			t.Fatalf("ResendVerification(unverified) sent %d emails, want 1", n)
		}
		token := mailLink(t, capture.Messages()[0], verifyPrefix)
		if err := svc.VerifyEmail(ctx, token, ipX); err != nil {
			t.Fatalf("VerifyEmail: %v", err)
		}
		verified, _ := account.NewRepository(pool).UserByID(ctx, u.ID)
		svc.ResendVerification(ctx, verified)
		capture.Wait()
		if n := len(capture.Messages()); n != 1 {
			t.Errorf("ResendVerification(verified) sent another email: %d in all, want 1", n)
		}
	})
}

func TestServiceDisable(t *testing.T) {
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
	mustStartSession(t, pool, repo, admin.ID, "admin-1")
	mustStartSession(t, pool, repo, bob.ID, "bob-1")
	mustStartSession(t, pool, repo, bob.ID, "bob-2")

	if err := svc.Disable(ctx, admin, admin.ID, ipX); !errors.Is(err, account.ErrDisableSelf) {
		t.Errorf("Disable(self) error = %v, want ErrDisableSelf", err)
	}
	if got, _ := repo.UserByID(ctx, admin.ID); got.DisabledAt != nil {
		t.Error("the admin disabled themselves")
	}
	if err := svc.Disable(ctx, admin, 987654, ipX); !errors.Is(err, account.ErrNotFound) {
		t.Errorf("Disable(unknown) error = %v, want ErrNotFound", err)
	}

	if err := svc.Disable(ctx, admin, bob.ID, ipX); err != nil {
		t.Fatalf("Disable(bob): %v", err)
	}
	if got, _ := repo.UserByID(ctx, bob.ID); got.DisabledAt == nil {
		t.Error("bob is not disabled")
	}
	for tok, want := range map[string]bool{"bob-1": false, "bob-2": false, "admin-1": true} {
		if got := storeRowExists(t, pool, tok) || ownerRowExists(t, pool, tok); got != want {
			t.Errorf("session %s exists = %v after Disable(bob), want %v", tok, got, want)
		}
	}
	if _, err := login(ctx, svc, "bob@example.com", goodPassword, ipX); !errors.Is(err, account.ErrInvalidCredentials) {
		t.Errorf("Login(disabled) error = %v, want ErrInvalidCredentials", err)
	}
	users, err := svc.Users(ctx)
	if err != nil || len(users) != 2 {
		t.Fatalf("Users = %v, %v; want 2", users, err)
	}
	if users[0].ID != bob.ID || users[0].DisabledAt == nil {
		t.Errorf("Users()[0] = %+v, want disabled bob first", users[0])
	}
}

// TestServiceLogsNoSecrets runs the flows with logs captured (T18): no
// password, token or address in them, one auth event per login.
func TestServiceLogsNoSecrets(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc, capture := newService(t, pool)
	var buf logtest.Buffer
	ctx := logging.WithLogger(t.Context(), slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))

	const newPassword = "the second secret password"
	if _, err := svc.Signup(ctx, account.SignupInput{Email: "bob@example.com", Password: goodPassword}, ipX); err != nil {
		t.Fatal(err)
	}
	capture.Wait()
	verifyToken := mailLink(t, capture.Messages()[0], verifyPrefix)
	if err := svc.VerifyEmail(ctx, verifyToken, ipX); err != nil {
		t.Fatal(err)
	}

	buf.Reset()
	if _, err := login(ctx, svc, "bob@example.com", goodPassword, ipX); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), `"msg":"auth event"`); n != 1 {
		t.Errorf("a successful login logged %d auth events, want 1:\n%s", n, buf.String())
	}
	buf.Reset()
	if _, err := login(ctx, svc, "bob@example.com", "a wrong password", ipX); !errors.Is(err, account.ErrInvalidCredentials) {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, `"msg":"auth event"`); n != 1 {
		t.Errorf("a failed login logged %d auth events, want 1:\n%s", n, out)
	}
	for _, want := range []string{`"outcome":"failed"`, `"client_ip":"` + ipX + `"`, `"email_hash":`, `"user_id":`} {
		if !strings.Contains(out, want) {
			t.Errorf("failed-login event lacks %s:\n%s", want, out)
		}
	}

	mustRequestReset(t, svc, ctx, "bob@example.com")
	mustRequestReset(t, svc, ctx, "nobody@example.com")
	capture.Wait()
	resetToken := mailLink(t, capture.Messages()[1], resetPrefix)
	if err := svc.ResetPassword(ctx, resetToken, account.ResetInput{Password: newPassword}, ipX); err != nil {
		t.Fatal(err)
	}

	all := buf.String()
	for _, secret := range []string{goodPassword, "a wrong password", newPassword, verifyToken, resetToken, "bob@example.com", "nobody@example.com"} {
		if strings.Contains(all, secret) {
			t.Errorf("logs contain %q:\n%s", secret, all)
		}
	}
}
