package account_test

import (
	"errors"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

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
