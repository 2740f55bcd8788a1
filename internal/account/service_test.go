package account_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/logging/logtest"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

const (
	verifyPrefix = testBaseURL + "/verify-email/"
	resetPrefix  = testBaseURL + "/password/reset/"
	goodPassword = "correct horse battery staple"
	ipX          = "192.0.2.10"
	ipY          = "198.51.100.20"
)

func login(ctx context.Context, svc *account.Service, email, pw, ip string) (account.User, error) {
	return svc.Login(ctx, account.LoginInput{Email: email, Password: pw}, ip)
}

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

func TestServiceLogin(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc, _ := newService(t, pool)
	ctx := testCtx(t)
	bob := mustSignup(t, svc, "bob@example.com", goodPassword)
	dis := mustSignup(t, svc, "dis@example.com", goodPassword)
	if err := account.NewRepository(pool).Disable(ctx, dis.ID); err != nil {
		t.Fatal(err)
	}

	got, err := login(ctx, svc, "bob@example.com", goodPassword, ipX)
	if err != nil {
		t.Fatalf("Login(right password): %v", err)
	}
	if diff := cmp.Diff(bob, got); diff != "" {
		t.Errorf("Login user mismatch (-want +got):\n%s", diff)
	}
	if got, err := login(ctx, svc, "  BOB@Example.com ", goodPassword, ipX); err != nil || got.ID != bob.ID {
		t.Errorf("Login(un-normalized email) = %d, %v; want %d", got.ID, err, bob.ID)
	}
	// Passwords are never trimmed or case-folded.
	for _, pw := range []string{" " + goodPassword, goodPassword + " ", strings.ToUpper(goodPassword)} {
		if _, err := login(ctx, svc, "bob@example.com", pw, ipY); !errors.Is(err, account.ErrInvalidCredentials) {
			t.Errorf("Login(%q) error = %v, want ErrInvalidCredentials", pw, err)
		}
	}

	wrong := func(email, pw string) error {
		t.Helper()
		_, err := login(ctx, svc, email, pw, "203.0.113."+fmt.Sprint(len(email)))
		return err
	}
	cases := []struct{ name, email, pw string }{
		{"wrong password", "bob@example.com", "not the password"},
		{"unknown email", "nobody@example.com", goodPassword},
		{"disabled account", "dis@example.com", goodPassword},
	}
	var messages []string
	for _, c := range cases {
		err := wrong(c.email, c.pw)
		if !errors.Is(err, account.ErrInvalidCredentials) {
			t.Errorf("%s: Login error = %v, want ErrInvalidCredentials", c.name, err)
		}
		if k := apperr.KindOf(err); k != apperr.Unauthenticated {
			t.Errorf("%s: kind = %v, want unauthenticated", c.name, k)
		}
		messages = append(messages, apperr.SafeMessage(err))
	}
	want := []string{messages[0], messages[0], messages[0]}
	if diff := cmp.Diff(want, messages); diff != "" {
		t.Errorf("failure messages differ (-want +got):\n%s", diff)
	}
	// Each failure is recorded for throttling, the unknown email's too.
	for email, want := range map[string]int{"bob@example.com": 4, "nobody@example.com": 1, "dis@example.com": 1} {
		if n := mustCount(t, pool, `SELECT count(*) FROM login_failures WHERE email = $1`, email); n != want {
			t.Errorf("%s: %d failures recorded, want %d", email, n, want)
		}
	}
}

func TestServiceLoginThrottle(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	ctx := testCtx(t)

	t.Run("per account and IP", func(t *testing.T) {
		svc, _ := newService(t, pool)
		bob := mustSignup(t, svc, "bob@example.com", goodPassword)

		for i := 1; i <= 5; i++ {
			if _, err := login(ctx, svc, "bob@example.com", "wrong password", ipX); !errors.Is(err, account.ErrInvalidCredentials) {
				t.Fatalf("attempt %d from X: error = %v, want ErrInvalidCredentials", i, err)
			}
		}
		for _, pw := range []string{goodPassword, "wrong password"} {
			_, err := login(ctx, svc, "bob@example.com", pw, ipX)
			if k := apperr.KindOf(err); k != apperr.TooManyRequests {
				t.Fatalf("6th attempt from X (password %q): error = %v (kind %v), want too_many_requests", pw, err, k)
			}
			if ra := apperr.RetryAfterOf(err); ra <= 0 || ra > 15*time.Minute {
				t.Errorf("RetryAfter = %v, want in (0, 15m]", ra)
			}
			if errors.Is(err, account.ErrInvalidCredentials) {
				t.Error("throttled error is also ErrInvalidCredentials")
			}
		}
		// The same email with other capitalization is the same account.
		if _, err := login(ctx, svc, "BOB@example.com", goodPassword, ipX); apperr.KindOf(err) != apperr.TooManyRequests {
			t.Errorf("Login(BOB@…) from X: error = %v, want too_many_requests", err)
		}

		// No hard lockout: the right password from another IP gets in.
		got, err := login(ctx, svc, "bob@example.com", goodPassword, ipY)
		if err != nil || got.ID != bob.ID {
			t.Fatalf("Login from Y = %d, %v; want %d, nil", got.ID, err, bob.ID)
		}
		// Another account from X is not throttled.
		mustSignup(t, svc, "carol@example.com", goodPassword)
		if _, err := login(ctx, svc, "carol@example.com", goodPassword, ipX); err != nil {
			t.Errorf("Login(carol) from X: %v, want success", err)
		}
	})

	t.Run("success clears failures", func(t *testing.T) {
		svc, _ := newService(t, pool)
		mustSignup(t, svc, "dave@example.com", goodPassword)

		for range 4 {
			if _, err := login(ctx, svc, "dave@example.com", "wrong password", ipX); !errors.Is(err, account.ErrInvalidCredentials) {
				t.Fatal(err)
			}
		}
		if _, err := login(ctx, svc, "dave@example.com", "wrong password", ipY); !errors.Is(err, account.ErrInvalidCredentials) {
			t.Fatal(err)
		}
		if _, err := login(ctx, svc, "dave@example.com", goodPassword, ipX); err != nil {
			t.Fatalf("Login after 4 failures: %v", err)
		}
		if n := mustCount(t, pool, `SELECT count(*) FROM login_failures WHERE email = 'dave@example.com' AND client_ip = $1`, ipX); n != 0 {
			t.Errorf("failures from X after a success = %d, want 0", n)
		}
		if n := mustCount(t, pool, `SELECT count(*) FROM login_failures WHERE email = 'dave@example.com' AND client_ip = $1`, ipY); n != 1 {
			t.Errorf("failures from Y after a success from X = %d, want 1 (untouched)", n)
		}
		// Five more wrong attempts are allowed again before the throttle.
		for i := 1; i <= 5; i++ {
			if _, err := login(ctx, svc, "dave@example.com", "wrong password", ipX); !errors.Is(err, account.ErrInvalidCredentials) {
				t.Fatalf("attempt %d after the success: error = %v, want ErrInvalidCredentials", i, err)
			}
		}
		if _, err := login(ctx, svc, "dave@example.com", goodPassword, ipX); apperr.KindOf(err) != apperr.TooManyRequests {
			t.Errorf("6th attempt after the success: error = %v, want too_many_requests", err)
		}
	})
}

func TestServiceLoginThrottlePerAccount(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc, _ := newService(t, pool)
	ctx := testCtx(t)
	mustSignup(t, svc, "bob@example.com", goodPassword)

	// 99 failures over 25 IPs (at most 4 each): still allowed.
	mustExec(t, pool, `INSERT INTO login_failures (email, client_ip, created_at)
		SELECT 'bob@example.com', '10.0.0.' || (i % 25), now() - interval '30 minutes' + i * interval '1 second'
		FROM generate_series(1, 99) AS i`)
	if _, err := login(ctx, svc, "bob@example.com", goodPassword, "10.1.0.1"); err != nil {
		t.Fatalf("Login after 99 failures for the account: %v, want success", err)
	}
	mustExec(t, pool, `INSERT INTO login_failures (email, client_ip, created_at) VALUES ('bob@example.com', '10.0.0.1', now() - interval '10 minutes')`)

	_, err := login(ctx, svc, "bob@example.com", goodPassword, "10.1.0.2")
	if k := apperr.KindOf(err); k != apperr.TooManyRequests {
		t.Fatalf("Login after 100 failures, fresh IP: error = %v (kind %v), want too_many_requests", err, k)
	}
	// The oldest counted failure is about 30 minutes old: about 30 minutes to go.
	if ra := apperr.RetryAfterOf(err); ra < 29*time.Minute || ra > 31*time.Minute {
		t.Errorf("RetryAfter = %v, want about 30m", ra)
	}

	// Failures older than the hour do not count, and Purge deletes them.
	mustExec(t, pool, `UPDATE login_failures SET created_at = now() - interval '61 minutes'`)
	if _, err := login(ctx, svc, "bob@example.com", goodPassword, "10.1.0.3"); err != nil {
		t.Errorf("Login once the failures are over an hour old: %v, want success", err)
	}
	if _, err := login(ctx, svc, "bob@example.com", "wrong password", "10.1.0.3"); !errors.Is(err, account.ErrInvalidCredentials) {
		t.Fatal(err)
	}
	if err := svc.Purge(ctx); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if n := mustCount(t, pool, `SELECT count(*) FROM login_failures`); n != 1 {
		t.Errorf("failures after Purge = %d, want 1 (the one inside the hour)", n)
	}
}

func TestServiceRequireVerifiedEmail(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc, _ := newServiceWith(t, pool, fastParams, account.Config{RequireVerifiedEmail: true})
	ctx := testCtx(t)
	u := mustSignup(t, svc, "bob@example.com", goodPassword)

	if _, err := login(ctx, svc, "bob@example.com", goodPassword, ipX); !errors.Is(err, account.ErrUnverified) {
		t.Fatalf("Login(unverified) error = %v, want ErrUnverified", err)
	}
	// A wrong password is still the generic answer, not ErrUnverified.
	if _, err := login(ctx, svc, "bob@example.com", "wrong password", ipX); !errors.Is(err, account.ErrInvalidCredentials) {
		t.Errorf("Login(unverified, wrong password) error = %v, want ErrInvalidCredentials", err)
	}
	if err := account.NewRepository(pool).MarkVerified(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := login(ctx, svc, "bob@example.com", goodPassword, ipX); err != nil || got.ID != u.ID {
		t.Errorf("Login(verified) = %d, %v; want %d, nil", got.ID, err, u.ID)
	}

	// Without the flag, unverified users sign in.
	lax, _ := newService(t, pool)
	mustSignup(t, lax, "carol@example.com", goodPassword)
	if _, err := login(ctx, lax, "carol@example.com", goodPassword, ipX); err != nil {
		t.Errorf("Login(unverified, flag off): %v, want success", err)
	}
}

func TestServiceRehashOnLogin(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	ctx := testCtx(t)
	old, _ := newService(t, pool) // t=1
	newer := fastParams
	newer.Time = 2
	svc, _ := newServiceWith(t, pool, newer, account.Config{})
	u := mustSignup(t, old, "bob@example.com", goodPassword)
	repo := account.NewRepository(pool)
	before, _ := repo.PasswordHash(ctx, u.ID)
	if !strings.Contains(before, ",t=1,") {
		t.Fatalf("hash before = %q, want t=1", before)
	}

	if _, err := login(ctx, svc, "bob@example.com", goodPassword, ipX); err != nil {
		t.Fatalf("Login: %v", err)
	}
	after, _ := repo.PasswordHash(ctx, u.ID)
	if !strings.HasPrefix(after, "$argon2id$v=19$m=1024,t=2,p=1$") {
		t.Errorf("hash after login = %q, want t=2 parameters", after)
	}
	match, rehash, err := password.NewHasher(newer, 1).Verify(ctx, goodPassword, after)
	if err != nil || !match || rehash {
		t.Errorf("Verify(new hash) = %v, %v, %v; want true, false, nil", match, rehash, err)
	}
	if _, err := login(ctx, svc, "bob@example.com", goodPassword, ipX); err != nil {
		t.Errorf("Login with the new hash: %v", err)
	}
	if again, _ := repo.PasswordHash(ctx, u.ID); again != after {
		t.Error("a login with current parameters rehashed again")
	}
	// A failed login never rehashes.
	if _, err := login(ctx, old, "bob@example.com", "wrong password", ipY); !errors.Is(err, account.ErrInvalidCredentials) {
		t.Fatal(err)
	}
	if again, _ := repo.PasswordHash(ctx, u.ID); again != after {
		t.Error("a failed login changed the hash")
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

func TestServiceSessions(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	svc, _ := newService(t, pool)
	ctx := testCtx(t)
	bob := mustSignup(t, svc, "bob@example.com", goodPassword)
	carol := mustSignup(t, svc, "carol@example.com", goodPassword)

	start := func(u account.User, tok string) {
		t.Helper()
		mustExec(t, pool, `INSERT INTO sessions (token, data, expiry) VALUES ($1, '\x00', now() + interval '1 hour')`, tok)
		if err := svc.StartSession(ctx, u, tok, "Firefox", ipX); err != nil {
			t.Fatalf("StartSession: %v", err)
		}
	}
	start(bob, "bob-cur")
	start(bob, "bob-2")
	start(bob, "bob-3")
	start(carol, "carol-1")

	idOf := func(tok string) int64 {
		t.Helper()
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM user_sessions WHERE token = $1`, tok).Scan(&id); err != nil {
			t.Fatalf("session %s: %v", tok, err)
		}
		return id
	}
	list, err := svc.Sessions(ctx, bob.ID, "bob-cur")
	if err != nil {
		t.Fatalf("Sessions: %v", err)
	}
	var current []bool
	nCurrent := 0
	for _, s := range list {
		current = append(current, s.Current)
		if s.Current {
			nCurrent++
		}
		if s.UserAgent != "Firefox" || s.ClientIP != ipX {
			t.Errorf("session = %+v, want Firefox from %s", s, ipX)
		}
	}
	if len(current) != 3 || nCurrent != 1 {
		t.Errorf("Sessions(bob) Current flags = %v, want 3 sessions, one current", current)
	}
	carolID := idOf("carol-1")

	// No cross-user revoke.
	if err := svc.RevokeSession(ctx, bob, carolID, "bob-cur", ipX); !errors.Is(err, account.ErrSessionNotFound) {
		t.Errorf("RevokeSession(carol's session as bob) error = %v, want ErrSessionNotFound", err)
	}
	if !storeRowExists(t, pool, "carol-1") || !ownerRowExists(t, pool, "carol-1") {
		t.Error("bob revoked carol's session")
	}
	for _, id := range []int64{0, -1, idOf("bob-cur")} {
		if err := svc.RevokeSession(ctx, bob, id, "bob-cur", ipX); !errors.Is(err, account.ErrSessionNotFound) {
			t.Errorf("RevokeSession(%d) error = %v, want ErrSessionNotFound", id, err)
		}
	}
	if !storeRowExists(t, pool, "bob-cur") {
		t.Error("RevokeSession ended the current session")
	}

	if err := svc.RevokeSession(ctx, bob, idOf("bob-2"), "bob-cur", ipX); err != nil {
		t.Fatalf("RevokeSession(bob-2): %v", err)
	}
	if storeRowExists(t, pool, "bob-2") || ownerRowExists(t, pool, "bob-2") {
		t.Error("bob-2 still exists after RevokeSession")
	}
	if !storeRowExists(t, pool, "bob-3") {
		t.Error("RevokeSession(bob-2) ended bob-3 too")
	}

	start(bob, "bob-4")
	if err := svc.RevokeOtherSessions(ctx, bob, "bob-cur", ipX); err != nil {
		t.Fatalf("RevokeOtherSessions: %v", err)
	}
	list, err = svc.Sessions(ctx, bob.ID, "bob-cur")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !list[0].Current {
		t.Errorf("Sessions after RevokeOtherSessions = %+v, want only the current one", list)
	}
	if !storeRowExists(t, pool, "carol-1") {
		t.Error("RevokeOtherSessions(bob) ended carol's session")
	}

	// Renew and logout.
	if err := svc.RenewSession(ctx, "bob-cur", "bob-renewed"); err != nil {
		t.Fatalf("RenewSession: %v", err)
	}
	if got, err := svc.SessionUser(ctx, "bob-renewed"); err != nil || got.ID != bob.ID {
		t.Errorf("SessionUser(renewed) = %d, %v; want %d", got.ID, err, bob.ID)
	}
	if err := svc.Logout(ctx, bob, "bob-renewed", ipX); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if _, err := svc.SessionUser(ctx, "bob-renewed"); !errors.Is(err, account.ErrSessionNotFound) {
		t.Errorf("SessionUser after Logout error = %v, want ErrSessionNotFound", err)
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
