package account_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/groundwork-dev/groundwork/internal/account"
)

// TestRepositoryUsers shares one database between its subtests; each uses
// its own addresses.
func TestRepositoryUsers(t *testing.T) {
	t.Parallel()
	repo, pool := newRepo(t)
	ctx := testCtx(t)

	t.Run("create and read", func(t *testing.T) {
		before := time.Now().Add(-time.Minute)
		u, err := repo.CreateUser(ctx, "ada@example.com", "hash-1", account.RoleAdmin, true)
		if err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		if u.ID <= 0 || u.Email != "ada@example.com" || u.Role != account.RoleAdmin || !u.Verified() || u.DisabledAt != nil {
			t.Errorf("CreateUser = %+v, want a new verified, enabled admin ada@example.com", u)
		}
		if u.CreatedAt.Before(before) {
			t.Errorf("CreatedAt = %v, want about now", u.CreatedAt)
		}

		got, err := repo.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatalf("UserByID(%d): %v", u.ID, err)
		}
		if diff := cmp.Diff(u, got); diff != "" {
			t.Errorf("UserByID(%d) mismatch (-want +got):\n%s", u.ID, diff)
		}

		credUser, hash, err := repo.Credentials(ctx, "ada@example.com")
		if err != nil {
			t.Fatalf("Credentials: %v", err)
		}
		if diff := cmp.Diff(u, credUser); diff != "" {
			t.Errorf("Credentials user mismatch (-want +got):\n%s", diff)
		}
		if hash != "hash-1" {
			t.Errorf("Credentials hash = %q, want %q", hash, "hash-1")
		}

		plain, err := repo.CreateUser(ctx, "bob@example.com", "hash-2", account.RoleUser, false)
		if err != nil {
			t.Fatalf("CreateUser(bob): %v", err)
		}
		if plain.Role != account.RoleUser || plain.Verified() {
			t.Errorf("CreateUser(bob, user, unverified) = %+v", plain)
		}
	})

	t.Run("duplicate email", func(t *testing.T) {
		mustCreateUser(t, repo, "dup@example.com")
		_, err := repo.CreateUser(ctx, "dup@example.com", "other", account.RoleUser, false)
		if !errors.Is(err, account.ErrEmailTaken) {
			t.Fatalf("CreateUser(duplicate) error = %v, want ErrEmailTaken", err)
		}
		if n := mustCount(t, pool, `SELECT count(*) FROM users WHERE email = 'dup@example.com'`); n != 1 {
			t.Errorf("users with dup@example.com = %d, want 1", n)
		}
	})

	t.Run("email must be lower-case", func(t *testing.T) {
		_, err := pool.Exec(ctx, `INSERT INTO users (email, password_hash) VALUES ('Upper@Example.com', 'x')`)
		pgErr, ok := errors.AsType[*pgconn.PgError](err)
		if !ok || pgErr.Code != "23514" {
			t.Fatalf("insert upper-case email: error = %v, want check_violation 23514", err)
		}
		// The repository does not normalize: that is the service's job, and
		// the CHECK catches a caller that forgets.
		if _, err := repo.CreateUser(ctx, "Upper@example.com", "x", account.RoleUser, false); err == nil {
			t.Error("CreateUser(upper-case email) succeeded, want the CHECK to refuse it")
		}
	})

	t.Run("unknown user", func(t *testing.T) {
		const id = 424242
		tests := []struct {
			name string
			call func() error
		}{
			{"UserByID", func() error { _, err := repo.UserByID(ctx, id); return err }},
			{"Credentials", func() error { _, _, err := repo.Credentials(ctx, "nobody@example.com"); return err }},
			{"PasswordHash", func() error { _, err := repo.PasswordHash(ctx, id); return err }},
			{"SetPasswordHash", func() error { return repo.SetPasswordHash(ctx, id, "h") }},
			{"Disable", func() error { return repo.Disable(ctx, id) }},
			{"MarkVerified", func() error { return repo.MarkVerified(ctx, id) }},
		}
		for _, tt := range tests {
			if err := tt.call(); !errors.Is(err, account.ErrNotFound) {
				t.Errorf("%s(unknown) error = %v, want ErrNotFound", tt.name, err)
			}
		}
	})

	t.Run("updates", func(t *testing.T) {
		u := mustCreateUser(t, repo, "upd@example.com")
		if err := repo.SetPasswordHash(ctx, u.ID, "new-hash"); err != nil {
			t.Fatalf("SetPasswordHash: %v", err)
		}
		if got, err := repo.PasswordHash(ctx, u.ID); err != nil || got != "new-hash" {
			t.Errorf("PasswordHash = %q, %v; want %q", got, err, "new-hash")
		}

		if err := repo.MarkVerified(ctx, u.ID); err != nil {
			t.Fatalf("MarkVerified: %v", err)
		}
		v1, _ := repo.UserByID(ctx, u.ID)
		if !v1.Verified() {
			t.Fatal("after MarkVerified, Verified() = false")
		}
		if err := repo.MarkVerified(ctx, u.ID); err != nil {
			t.Fatalf("MarkVerified again: %v", err)
		}
		v2, _ := repo.UserByID(ctx, u.ID)
		if !v2.EmailVerifiedAt.Equal(*v1.EmailVerifiedAt) {
			t.Errorf("MarkVerified twice moved EmailVerifiedAt from %v to %v", v1.EmailVerifiedAt, v2.EmailVerifiedAt)
		}

		if err := repo.Disable(ctx, u.ID); err != nil {
			t.Fatalf("Disable: %v", err)
		}
		if err := repo.Disable(ctx, u.ID); err != nil {
			t.Errorf("Disable twice: %v, want nil", err)
		}
		d, _ := repo.UserByID(ctx, u.ID)
		if d.DisabledAt == nil {
			t.Error("after Disable, DisabledAt = nil")
		}
	})

	t.Run("list newest first", func(t *testing.T) { // last: it reads the newest users
		var want []string
		for i := range 3 {
			u := mustCreateUser(t, repo, fmt.Sprintf("list%d@example.com", i))
			want = append([]string{u.Email}, want...)
		}
		users, err := repo.ListUsers(ctx, 2)
		if err != nil {
			t.Fatalf("ListUsers: %v", err)
		}
		var got []string
		for _, u := range users {
			got = append(got, u.Email)
		}
		if diff := cmp.Diff(want[:2], got); diff != "" {
			t.Errorf("ListUsers(2) mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestRepositoryTokens(t *testing.T) {
	t.Parallel()
	repo, pool := newRepo(t)
	ctx := testCtx(t)
	u := mustCreateUser(t, repo, "ada@example.com")

	t.Run("single use", func(t *testing.T) {
		h := tokenHash("single-use")
		if err := repo.CreateToken(ctx, h, u.ID, "password_reset", time.Hour); err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		if ok, err := repo.TokenValid(ctx, h, "password_reset"); err != nil || !ok {
			t.Errorf("TokenValid(new) = %v, %v; want true", ok, err)
		}
		if ok, err := repo.TokenValid(ctx, h, "email_verification"); err != nil || ok {
			t.Errorf("TokenValid(other purpose) = %v, %v; want false", ok, err)
		}
		id, err := repo.ConsumeToken(ctx, h, "password_reset")
		if err != nil || id != u.ID {
			t.Fatalf("ConsumeToken = %d, %v; want %d, nil", id, err, u.ID)
		}
		if _, err := repo.ConsumeToken(ctx, h, "password_reset"); !errors.Is(err, account.ErrInvalidToken) {
			t.Errorf("ConsumeToken(used) error = %v, want ErrInvalidToken", err)
		}
		if ok, err := repo.TokenValid(ctx, h, "password_reset"); err != nil || ok {
			t.Errorf("TokenValid(used) = %v, %v; want false", ok, err)
		}
	})

	t.Run("wrong purpose", func(t *testing.T) {
		h := tokenHash("verify-only")
		if err := repo.CreateToken(ctx, h, u.ID, "email_verification", time.Hour); err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		if _, err := repo.ConsumeToken(ctx, h, "password_reset"); !errors.Is(err, account.ErrInvalidToken) {
			t.Errorf("ConsumeToken(wrong purpose) error = %v, want ErrInvalidToken", err)
		}
		// The failed attempt did not spend it.
		if id, err := repo.ConsumeToken(ctx, h, "email_verification"); err != nil || id != u.ID {
			t.Errorf("ConsumeToken(right purpose) = %d, %v; want %d, nil", id, err, u.ID)
		}
	})

	t.Run("unknown", func(t *testing.T) {
		if _, err := repo.ConsumeToken(ctx, tokenHash("never stored"), "password_reset"); !errors.Is(err, account.ErrInvalidToken) {
			t.Errorf("ConsumeToken(unknown) error = %v, want ErrInvalidToken", err)
		}
	})

	t.Run("expired", func(t *testing.T) {
		h := tokenHash("expired")
		if err := repo.CreateToken(ctx, h, u.ID, "password_reset", time.Hour); err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		mustExec(t, pool, `UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE hash = $1`, h)
		if ok, err := repo.TokenValid(ctx, h, "password_reset"); err != nil || ok {
			t.Errorf("TokenValid(expired) = %v, %v; want false", ok, err)
		}
		if _, err := repo.ConsumeToken(ctx, h, "password_reset"); !errors.Is(err, account.ErrInvalidToken) {
			t.Errorf("ConsumeToken(expired) error = %v, want ErrInvalidToken", err)
		}
	})

	t.Run("ttl", func(t *testing.T) {
		h := tokenHash("ttl")
		if err := repo.CreateToken(ctx, h, u.ID, "email_verification", 48*time.Hour); err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		var secs float64
		if err := pool.QueryRow(ctx, `SELECT extract(epoch FROM expires_at - created_at) FROM user_tokens WHERE hash = $1`, h).Scan(&secs); err != nil {
			t.Fatal(err)
		}
		if want := (48 * time.Hour).Seconds(); secs < want-5 || secs > want+5 {
			t.Errorf("token lifetime = %vs, want %vs", secs, want)
		}
	})

	t.Run("concurrent consume", func(t *testing.T) {
		h := tokenHash("raced")
		if err := repo.CreateToken(ctx, h, u.ID, "password_reset", time.Hour); err != nil {
			t.Fatalf("CreateToken: %v", err)
		}

		const n = 10
		var (
			wg                 sync.WaitGroup
			start              = make(chan struct{})
			errs               = make([]error, n)
			ids                = make([]int64, n)
			wins, loses, other int
		)
		for i := range n {
			wg.Go(func() {
				<-start
				ids[i], errs[i] = repo.ConsumeToken(ctx, h, "password_reset")
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			switch {
			case err == nil && ids[i] == u.ID:
				wins++
			case errors.Is(err, account.ErrInvalidToken):
				loses++
			default:
				other++
				t.Errorf("ConsumeToken #%d = %d, %v", i, ids[i], err)
			}
		}
		if wins != 1 || loses != n-1 {
			t.Errorf("%d concurrent ConsumeToken: %d succeeded, %d ErrInvalidToken, %d other; want 1, %d, 0", n, wins, loses, other, n-1)
		}
	})
}

// TestRepositorySessions shares one database between its subtests; each
// uses its own users and tokens.
func TestRepositorySessions(t *testing.T) {
	t.Parallel()
	repo, pool := newRepo(t)
	ctx := testCtx(t)

	t.Run("session user", func(t *testing.T) {
		ada := mustCreateUser(t, repo, "su-ada@example.com")
		mustStartSession(t, pool, repo, ada.ID, "tok-ada")

		got, err := repo.SessionUser(ctx, "tok-ada")
		if err != nil {
			t.Fatalf("SessionUser: %v", err)
		}
		if diff := cmp.Diff(ada, got); diff != "" {
			t.Errorf("SessionUser mismatch (-want +got):\n%s", diff)
		}

		if _, err := repo.SessionUser(ctx, "no-such-token"); !errors.Is(err, account.ErrSessionNotFound) {
			t.Errorf("SessionUser(unknown) error = %v, want ErrSessionNotFound", err)
		}

		// last_seen_at is refreshed when older than a minute.
		mustExec(t, pool, `UPDATE user_sessions SET last_seen_at = now() - interval '10 minutes' WHERE token = 'tok-ada'`)
		if _, err := repo.SessionUser(ctx, "tok-ada"); err != nil {
			t.Fatalf("SessionUser: %v", err)
		}
		if n := mustCount(t, pool, `SELECT count(*) FROM user_sessions WHERE token = 'tok-ada' AND last_seen_at > now() - interval '1 minute'`); n != 1 {
			t.Error("SessionUser did not refresh a last_seen_at 10 minutes old")
		}

		// ReplaceSessionToken follows a renewed token.
		if err := repo.ReplaceSessionToken(ctx, "tok-ada", "tok-ada-2"); err != nil {
			t.Fatalf("ReplaceSessionToken: %v", err)
		}
		if _, err := repo.SessionUser(ctx, "tok-ada"); !errors.Is(err, account.ErrSessionNotFound) {
			t.Errorf("SessionUser(old token) error = %v, want ErrSessionNotFound", err)
		}
		if got, err := repo.SessionUser(ctx, "tok-ada-2"); err != nil || got.ID != ada.ID {
			t.Errorf("SessionUser(new token) = %d, %v; want %d", got.ID, err, ada.ID)
		}

		// A disabled user has no sessions.
		if err := repo.Disable(ctx, ada.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := repo.SessionUser(ctx, "tok-ada-2"); !errors.Is(err, account.ErrSessionNotFound) {
			t.Errorf("SessionUser(disabled user) error = %v, want ErrSessionNotFound", err)
		}
	})

	t.Run("user agent truncated", func(t *testing.T) {
		u := mustCreateUser(t, repo, "ua-ada@example.com")
		ua := strings.Repeat("a", 511) + "éééé" // the 512-byte cut splits the first é
		mustExec(t, pool, `INSERT INTO sessions (token, data, expiry) VALUES ('t', '\x00', now() + interval '1 hour')`)
		if err := repo.AddSession(ctx, "t", u.ID, ua, "192.0.2.1"); err != nil {
			t.Fatalf("AddSession(long user agent): %v", err)
		}
		sessions, err := repo.Sessions(ctx, u.ID, "t")
		if err != nil || len(sessions) != 1 {
			t.Fatalf("Sessions = %v, %v; want one", sessions, err)
		}
		if got := sessions[0].UserAgent; len(got) != 511 {
			t.Errorf("stored user agent is %d bytes, want 511 (512 cut to valid UTF-8)", len(got))
		}
	})

	t.Run("list", func(t *testing.T) {
		ada := mustCreateUser(t, repo, "ls-ada@example.com")
		bob := mustCreateUser(t, repo, "ls-bob@example.com")

		mustStartSession(t, pool, repo, ada.ID, "a-old")
		mustStartSession(t, pool, repo, ada.ID, "a-current")
		mustStartSession(t, pool, repo, bob.ID, "b-1")
		// An ownership row whose store row expired, and one with no store row.
		mustStartSession(t, pool, repo, ada.ID, "a-expired")
		mustExec(t, pool, `UPDATE sessions SET expiry = now() - interval '1 second' WHERE token = 'a-expired'`)
		if err := repo.AddSession(ctx, "a-gone", ada.ID, "ua", "192.0.2.9"); err != nil {
			t.Fatal(err)
		}
		mustExec(t, pool, `UPDATE user_sessions SET last_seen_at = now() - interval '1 hour' WHERE token = 'a-old'`)

		got, err := repo.Sessions(ctx, ada.ID, "a-current")
		if err != nil {
			t.Fatalf("Sessions: %v", err)
		}
		type row struct {
			UA, IP  string
			Current bool
		}
		var rows []row
		for _, s := range got {
			if s.ID <= 0 || s.CreatedAt.IsZero() || s.LastSeenAt.IsZero() {
				t.Errorf("session %+v has zero fields", s)
			}
			rows = append(rows, row{s.UserAgent, s.ClientIP, s.Current})
		}
		want := []row{ // most recently seen first
			{"test agent", "192.0.2.1", true},
			{"test agent", "192.0.2.1", false},
		}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("Sessions mismatch (-want +got):\n%s", diff)
		}
		if len(got) == 2 && !got[1].LastSeenAt.Before(got[0].LastSeenAt) {
			t.Errorf("Sessions not ordered by last seen: %v then %v", got[0].LastSeenAt, got[1].LastSeenAt)
		}
	})

	t.Run("delete by token", func(t *testing.T) {
		u := mustCreateUser(t, repo, "dt-ada@example.com")
		mustStartSession(t, pool, repo, u.ID, "t1")
		mustStartSession(t, pool, repo, u.ID, "t2")
		if err := repo.DeleteSessionByToken(testCtx(t), "t1"); err != nil {
			t.Fatalf("DeleteSessionByToken: %v", err)
		}
		if ownerRowExists(t, pool, "t1") || !ownerRowExists(t, pool, "t2") {
			t.Errorf("after DeleteSessionByToken(t1): t1 row %v, t2 row %v; want false, true",
				ownerRowExists(t, pool, "t1"), ownerRowExists(t, pool, "t2"))
		}
	})
}

func TestRepositoryDeleteSessions(t *testing.T) {
	t.Parallel()
	repo, pool := newRepo(t)
	ctx := testCtx(t)

	// Each case gets its own users: ada with sessions a1, a2, a3 and bob
	// with b1, all prefixed with the case's number.
	tests := []struct {
		name      string
		sessionID string // the session whose ID is passed; "" passes 0
		rawID     int64  // passed instead when not 0
		keep      string
		wantN     int64
		wantAlive map[string]bool
	}{
		{"one by id", "a2", 0, "a1", 1, map[string]bool{"a1": true, "a2": false, "a3": true, "b1": true}},
		{"by id but it is the kept one", "a1", 0, "a1", 0, map[string]bool{"a1": true, "a2": true, "a3": true, "b1": true}},
		{"another user's id", "b1", 0, "a1", 0, map[string]bool{"a1": true, "a2": true, "a3": true, "b1": true}},
		{"all but keep", "", 0, "a1", 2, map[string]bool{"a1": true, "a2": false, "a3": false, "b1": true}},
		{"all", "", 0, "", 3, map[string]bool{"a1": false, "a2": false, "a3": false, "b1": true}},
		{"unknown id", "", 1 << 20, "a1", 0, map[string]bool{"a1": true, "a2": true, "a3": true, "b1": true}},
		// Session IDs are bigint; a form can carry any int64.
		{"id beyond int4", "", 1 << 40, "a1", 0, map[string]bool{"a1": true, "a2": true, "a3": true, "b1": true}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := func(name string) string {
				if name == "" {
					return ""
				}
				return fmt.Sprintf("%d-%s", i, name)
			}
			ada := mustCreateUser(t, repo, fmt.Sprintf("ada%d@example.com", i))
			bob := mustCreateUser(t, repo, fmt.Sprintf("bob%d@example.com", i))
			for _, name := range []string{"a1", "a2", "a3"} {
				mustStartSession(t, pool, repo, ada.ID, tok(name))
			}
			mustStartSession(t, pool, repo, bob.ID, tok("b1"))
			id := tt.rawID
			if tt.sessionID != "" {
				if err := pool.QueryRow(ctx, `SELECT id FROM user_sessions WHERE token = $1`, tok(tt.sessionID)).Scan(&id); err != nil {
					t.Fatal(err)
				}
			}

			n, err := repo.DeleteSessions(ctx, ada.ID, id, tok(tt.keep))
			if err != nil || n != tt.wantN {
				t.Errorf("DeleteSessions(ada, id %d, keep %q) = %d, %v; want %d, nil", id, tt.keep, n, err, tt.wantN)
			}
			got := map[string]bool{}
			for name := range tt.wantAlive {
				store, owner := storeRowExists(t, pool, tok(name)), ownerRowExists(t, pool, tok(name))
				if store != owner {
					t.Errorf("session %s: store row %v but ownership row %v", name, store, owner)
				}
				got[name] = store && owner
			}
			if diff := cmp.Diff(tt.wantAlive, got); diff != "" {
				t.Errorf("sessions alive mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRepositoryFailureCounts(t *testing.T) {
	t.Parallel()
	repo, pool := newRepo(t)
	ctx := testCtx(t)
	const (
		ipWindow  = 15 * time.Minute
		accWindow = time.Hour
	)
	for range 3 {
		if err := repo.RecordFailure(ctx, "ada@example.com", "192.0.2.1"); err != nil {
			t.Fatalf("RecordFailure: %v", err)
		}
	}
	if err := repo.RecordFailure(ctx, "ada@example.com", "192.0.2.2"); err != nil {
		t.Fatal(err)
	}
	if err := repo.RecordFailure(ctx, "bob@example.com", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	// From X, 5 minutes ago: the oldest inside the IP window.
	mustExec(t, pool, `INSERT INTO login_failures (email, client_ip, created_at) VALUES ('ada@example.com', '192.0.2.1', now() - interval '5 minutes')`)
	// From X, 30 minutes ago: outside the IP window, inside the account one.
	mustExec(t, pool, `INSERT INTO login_failures (email, client_ip, created_at) VALUES ('ada@example.com', '192.0.2.1', now() - interval '30 minutes')`)
	// Two hours ago: outside both.
	mustExec(t, pool, `INSERT INTO login_failures (email, client_ip, created_at) VALUES ('ada@example.com', '192.0.2.1', now() - interval '2 hours')`)

	fromIP, total, err := repo.FailureCounts(ctx, "ada@example.com", "192.0.2.1", ipWindow, accWindow)
	if err != nil {
		t.Fatalf("FailureCounts: %v", err)
	}
	if fromIP.Count != 4 || total.Count != 6 {
		t.Errorf("FailureCounts(ada, X) counts = %d from IP, %d total; want 4, 6", fromIP.Count, total.Count)
	}
	// The oldest in the IP window is 5 minutes old: it leaves in about 10.
	if fromIP.RetryIn <= 9*time.Minute || fromIP.RetryIn > 10*time.Minute {
		t.Errorf("fromIP.RetryIn = %v, want about 10m", fromIP.RetryIn)
	}
	// The oldest in the account window is 30 minutes old: about 30 min left.
	if total.RetryIn <= 29*time.Minute || total.RetryIn > 30*time.Minute {
		t.Errorf("total.RetryIn = %v, want about 30m", total.RetryIn)
	}

	fromIP, total, err = repo.FailureCounts(ctx, "ada@example.com", "198.51.100.7", ipWindow, accWindow)
	if err != nil {
		t.Fatal(err)
	}
	if fromIP.Count != 0 || fromIP.RetryIn != 0 || total.Count != 6 {
		t.Errorf("FailureCounts(ada, fresh IP) = %+v, %+v; want 0 from IP (RetryIn 0), 6 total", fromIP, total)
	}

	fromIP, total, err = repo.FailureCounts(ctx, "nobody@example.com", "192.0.2.1", ipWindow, accWindow)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([2]int{0, 0}, [2]int{fromIP.Count, total.Count}); diff != "" || fromIP.RetryIn != 0 || total.RetryIn != 0 {
		t.Errorf("FailureCounts(no failures) = %+v, %+v; want zero", fromIP, total)
	}

	if err := repo.ClearFailures(ctx, "ada@example.com", "192.0.2.1"); err != nil {
		t.Fatalf("ClearFailures: %v", err)
	}
	fromIP, total, err = repo.FailureCounts(ctx, "ada@example.com", "192.0.2.1", ipWindow, accWindow)
	if err != nil {
		t.Fatal(err)
	}
	if fromIP.Count != 0 || total.Count != 1 {
		t.Errorf("after ClearFailures(ada, X): %d from IP, %d total; want 0, 1 (the other IP's)", fromIP.Count, total.Count)
	}
	if n := mustCount(t, pool, `SELECT count(*) FROM login_failures WHERE email = 'bob@example.com'`); n != 1 {
		t.Errorf("ClearFailures(ada) touched bob's failures: %d left, want 1", n)
	}
}

func TestRepositoryPurgeExpired(t *testing.T) {
	t.Parallel()
	repo, pool := newRepo(t)
	ctx := testCtx(t)
	u := mustCreateUser(t, repo, "ada@example.com")

	mustExec(t, pool, `INSERT INTO login_failures (email, client_ip, created_at) VALUES
		('ada@example.com', '192.0.2.1', now() - interval '2 hours'),
		('ada@example.com', '192.0.2.1', now() - interval '10 minutes')`)
	for _, tok := range []string{"live", "used", "expired"} {
		if err := repo.CreateToken(ctx, tokenHash(tok), u.ID, "password_reset", time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := repo.ConsumeToken(ctx, tokenHash("used"), "password_reset"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, pool, `UPDATE user_tokens SET expires_at = now() - interval '1 minute' WHERE hash = $1`, tokenHash("expired"))
	// Ownership rows: one live, one an hour old whose store row is gone.
	mustStartSession(t, pool, repo, u.ID, "s-live")
	if err := repo.AddSession(ctx, "s-stale", u.ID, "ua", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, pool, `UPDATE user_sessions SET created_at = now() - interval '2 hours' WHERE token IN ('s-live', 's-stale')`)

	if err := repo.PurgeExpired(ctx, time.Hour); err != nil {
		t.Fatalf("PurgeExpired: %v", err)
	}
	if n := mustCount(t, pool, `SELECT count(*) FROM login_failures`); n != 1 {
		t.Errorf("login_failures after purge = %d, want 1 (the recent one)", n)
	}
	var left []string
	for _, tok := range []string{"live", "used", "expired"} {
		if mustCount(t, pool, `SELECT count(*) FROM user_tokens WHERE hash = $1`, tokenHash(tok)) == 1 {
			left = append(left, tok)
		}
	}
	if diff := cmp.Diff([]string{"live"}, left); diff != "" {
		t.Errorf("tokens after purge mismatch (-want +got):\n%s", diff)
	}
	if !ownerRowExists(t, pool, "s-live") || ownerRowExists(t, pool, "s-stale") {
		t.Errorf("after purge: s-live %v, s-stale %v; want true, false",
			ownerRowExists(t, pool, "s-live"), ownerRowExists(t, pool, "s-stale"))
	}
}
