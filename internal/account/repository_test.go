package account_test

import (
	"errors"
	"fmt"
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
