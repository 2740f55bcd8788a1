package account_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

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
