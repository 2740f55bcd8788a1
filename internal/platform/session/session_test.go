package session_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
	"github.com/groundwork-dev/groundwork/internal/platform/session"
)

var opts = session.Options{IdleTimeout: 30 * time.Minute, Lifetime: 12 * time.Hour}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("query %q: %v", sql, err)
	}
	return n
}

func TestHashToken(t *testing.T) {
	t.Parallel()
	// sha256("abc") in unpadded base64url.
	if got, want := session.HashToken("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"; got != want {
		t.Errorf("HashToken(%q) = %q, want %q", "abc", got, want)
	}
	tok := "some-session-token_value"
	sum := sha256.Sum256([]byte(tok))
	if got, want := session.HashToken(tok), base64.RawURLEncoding.EncodeToString(sum[:]); got != want {
		t.Errorf("HashToken(%q) = %q, want %q", tok, got, want)
	}
}

func TestCookieName(t *testing.T) {
	t.Parallel()
	if got := session.CookieName(true); got != "__Host-session" {
		t.Errorf("CookieName(true) = %q, want __Host-session", got)
	}
	if got := session.CookieName(false); got != "session" {
		t.Errorf("CookieName(false) = %q, want session", got)
	}
}

func TestStore(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	store := session.NewStore(pool)
	ctx := t.Context()
	expiry := time.Now().Add(time.Hour).Truncate(time.Microsecond)

	if _, found, err := store.FindCtx(ctx, "missing"); err != nil || found {
		t.Errorf("FindCtx(missing) found = %v, err = %v; want false, nil", found, err)
	}

	if err := store.CommitCtx(ctx, "tok1", []byte("data-1"), expiry); err != nil {
		t.Fatalf("CommitCtx: %v", err)
	}
	data, found, err := store.FindCtx(ctx, "tok1")
	if err != nil || !found || string(data) != "data-1" {
		t.Errorf("FindCtx(tok1) = %q, %v, %v; want data-1, true, nil", data, found, err)
	}
	var stored time.Time
	if err := pool.QueryRow(ctx, `SELECT expiry FROM sessions WHERE token = 'tok1'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if !stored.Equal(expiry) {
		t.Errorf("stored expiry = %v, want %v", stored, expiry)
	}

	// Commit replaces data and expiry.
	later := expiry.Add(time.Hour)
	if err := store.CommitCtx(ctx, "tok1", []byte("data-2"), later); err != nil {
		t.Fatalf("CommitCtx again: %v", err)
	}
	data, found, err = store.FindCtx(ctx, "tok1")
	if err != nil || !found || string(data) != "data-2" {
		t.Errorf("FindCtx after recommit = %q, %v, %v; want data-2, true, nil", data, found, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM sessions WHERE token = 'tok1' AND expiry = $1`, later); n != 1 {
		t.Error("recommit did not move the expiry")
	}

	// An expired row is not found, even before DeleteExpired runs.
	if err := store.CommitCtx(ctx, "old", []byte("x"), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, found, err := store.FindCtx(ctx, "old"); err != nil || found {
		t.Errorf("FindCtx(expired) found = %v, err = %v; want false, nil", found, err)
	}

	// The context-free methods behave the same.
	if err := store.Commit("tok2", []byte("two"), expiry); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if data, found, err := store.Find("tok2"); err != nil || !found || string(data) != "two" {
		t.Errorf("Find(tok2) = %q, %v, %v; want two, true, nil", data, found, err)
	}
	if err := store.Delete("tok2"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, found, _ := store.Find("tok2"); found {
		t.Error("Find after Delete found the session")
	}

	if err := store.DeleteCtx(ctx, "tok1"); err != nil {
		t.Fatalf("DeleteCtx: %v", err)
	}
	if _, found, err := store.FindCtx(ctx, "tok1"); err != nil || found {
		t.Errorf("FindCtx after DeleteCtx found = %v, err = %v; want false, nil", found, err)
	}
	if err := store.DeleteCtx(ctx, "never-existed"); err != nil {
		t.Errorf("DeleteCtx(missing) = %v, want nil", err)
	}
}

func TestStoreDeleteExpired(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	store := session.NewStore(pool)
	ctx := t.Context()
	for tok, expiry := range map[string]time.Time{
		"live":  time.Now().Add(time.Hour),
		"dead1": time.Now().Add(-time.Minute),
		"dead2": time.Now().Add(-48 * time.Hour),
	} {
		if err := store.CommitCtx(ctx, tok, []byte(tok), expiry); err != nil {
			t.Fatal(err)
		}
	}
	n, err := store.DeleteExpired(ctx)
	if err != nil || n != 2 {
		t.Errorf("DeleteExpired = %d, %v; want 2, nil", n, err)
	}
	if got := count(t, pool, `SELECT count(*) FROM sessions WHERE token = 'live'`); got != 1 {
		t.Error("DeleteExpired removed the live session")
	}
	if n, err := store.DeleteExpired(ctx); err != nil || n != 0 {
		t.Errorf("DeleteExpired again = %d, %v; want 0, nil", n, err)
	}
}

// serve runs one request through m.LoadAndSave with h and returns the
// response.
func serve(m *scs.SessionManager, h http.HandlerFunc, cookie *http.Cookie) *http.Response {
	req := httptest.NewRequest(http.MethodGet, "https://app.example.com/", nil)
	req = req.WithContext(logging.WithLogger(req.Context(), slog.New(slog.DiscardHandler)))
	if cookie != nil {
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	}
	rec := httptest.NewRecorder()
	m.LoadAndSave(h).ServeHTTP(rec, req)
	return rec.Result()
}

func sessionCookie(t *testing.T, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie in %q", name, resp.Header.Values("Set-Cookie"))
	return nil
}

func TestManager(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)

	tests := []struct {
		secure     bool
		wantName   string
		wantSecure bool
	}{
		{true, "__Host-session", true},
		{false, "session", false},
	}
	for _, tt := range tests {
		t.Run(tt.wantName, func(t *testing.T) {
			o := opts
			o.Secure = tt.secure
			m := session.New(pool, o)
			// The idle timeout is the store's (store_idle.go): scs's own would write every request.
			if m.IdleTimeout != 0 || m.Lifetime != 12*time.Hour {
				t.Errorf("scs IdleTimeout, Lifetime = %v, %v; want 0, 12h", m.IdleTimeout, m.Lifetime)
			}
			if !m.HashTokenInStore {
				t.Error("HashTokenInStore = false")
			}

			resp := serve(m, func(w http.ResponseWriter, r *http.Request) {
				m.Put(r.Context(), "greeting", "hello")
				io.WriteString(w, "ok")
			}, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			c := sessionCookie(t, resp, tt.wantName)
			type attrs struct {
				Secure, HttpOnly bool
				SameSite         http.SameSite
				Path, Domain     string
			}
			want := attrs{Secure: tt.wantSecure, HttpOnly: true, SameSite: http.SameSiteLaxMode, Path: "/", Domain: ""}
			got := attrs{c.Secure, c.HttpOnly, c.SameSite, c.Path, c.Domain}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("cookie attributes mismatch (-want +got):\n%s\nSet-Cookie: %s", diff, resp.Header.Get("Set-Cookie"))
			}
			if c.MaxAge <= 0 || c.Expires.IsZero() {
				t.Errorf("cookie MaxAge = %d, Expires = %v; want a persistent cookie", c.MaxAge, c.Expires)
			}
			if raw := resp.Header.Get("Set-Cookie"); strings.Contains(strings.ToLower(raw), "domain=") {
				t.Errorf("Set-Cookie has a Domain: %s", raw)
			}
			if len(c.Value) < 43 { // scs: 32 random bytes, base64url
				t.Errorf("token %q is shorter than 256 bits", c.Value)
			}

			// The store holds only the hash, keyed exactly as HashToken says.
			if n := count(t, pool, `SELECT count(*) FROM sessions WHERE token = $1`, session.HashToken(c.Value)); n != 1 {
				t.Errorf("no sessions row with token = HashToken(cookie)")
			}
			if n := count(t, pool, `SELECT count(*) FROM sessions WHERE token = $1`, c.Value); n != 0 {
				t.Errorf("the raw cookie value is stored")
			}

			// The next request with the cookie reads the value back.
			var got2 string
			serve(m, func(w http.ResponseWriter, r *http.Request) {
				got2 = m.GetString(r.Context(), "greeting")
			}, c)
			if got2 != "hello" {
				t.Errorf("GetString on the next request = %q, want hello", got2)
			}
		})
	}
}

func TestManagerStoreFailure(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(context.Background(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	pool.Close()
	m := session.New(pool, opts)

	tests := []struct {
		name   string
		cookie *http.Cookie // a cookie makes scs load from the store
	}{
		{"load", &http.Cookie{Name: "session", Value: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}},
		{"commit", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			resp := serve(m, func(w http.ResponseWriter, r *http.Request) {
				called = true
				m.Put(r.Context(), "k", "v")
			}, tt.cookie)
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("status = %d, want 503", resp.StatusCode)
			}
			if tt.name == "load" && called {
				t.Error("the handler ran although the session could not be loaded")
			}
			body, _ := io.ReadAll(resp.Body)
			if strings.Contains(string(body), "closed pool") {
				t.Errorf("the response shows the internal cause: %s", body)
			}
			for _, c := range resp.Cookies() {
				if c.Name == "session" && c.Value != "" {
					t.Errorf("a session cookie was set after a store failure: %v", c)
				}
			}
		})
	}
}
