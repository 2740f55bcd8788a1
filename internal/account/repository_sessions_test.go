package account_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/account"
)

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
