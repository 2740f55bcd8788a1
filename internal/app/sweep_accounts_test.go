package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/groundwork-dev/groundwork/internal/account"
)

// The sweep's own accounts, sign-in, and what it reads behind the router:
// the database fingerprint and the error log. Kept apart from the other
// tests' helpers so that the sweep depends on nothing but the router.

// sweepAccount is a signed-in account the sweep acts as.
type sweepAccount struct {
	role     account.Role
	id       int64
	email    string
	password string
	cookie   string // the session cookie, as a Cookie header value
	taskID   int64  // a task of its own that no case deletes
}

const sweepPassword = "sweep password 12345"

// newAccount creates a verified account of role through the account
// service and signs it in through POST /login, as a browser would.
func (s *sweeper) newAccount(role account.Role, verified bool) *sweepAccount {
	s.dirty = true
	email := fmt.Sprintf("sweep-%s-%d@example.com", role, s.seq.Add(1))
	u, err := s.st.f.accounts.CreateUser(s.t.Context(), email, sweepPassword, role, verified)
	if err != nil {
		s.abort("create %s account: %v", role, err)
	}
	a := &sweepAccount{role: role, id: u.ID, email: u.Email, password: sweepPassword}
	if verified {
		a.cookie = s.signIn(a.email, a.password)
	}
	return a
}

// signIn posts the sign-in form and returns the session cookie it sets.
func (s *sweeper) signIn(email, password string) string {
	s.dirty = true
	form := url.Values{"email": {email}, "password": {password}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.st.mux.ServeHTTP(rec, req)
	var cookies []string
	for _, c := range rec.Result().Cookies() {
		if c.Value != "" {
			cookies = append(cookies, c.Name+"="+c.Value)
		}
	}
	if rec.Code != http.StatusSeeOther || len(cookies) == 0 {
		s.abort("sign in as %s = %d, cookies %v; want 303 and a session cookie: %s", email, rec.Code, cookies, rec.Body)
	}
	return strings.Join(cookies, "; ")
}

// newTask creates a task of a through the JSON API and returns its ID.
func (s *sweeper) newTask(a *sweepAccount) int64 {
	s.dirty = true
	req := httptest.NewRequest(http.MethodPost, "/api/v1/tasks/", strings.NewReader(`{"title":"Sweep task","due_date":"2026-01-02"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", a.cookie)
	rec := httptest.NewRecorder()
	s.st.mux.ServeHTTP(rec, req)
	var task struct{ ID int64 }
	if err := json.Unmarshal(rec.Body.Bytes(), &task); rec.Code != http.StatusCreated || err != nil || task.ID == 0 {
		s.abort("create a task as %s = %d: %s", a.email, rec.Code, rec.Body)
	}
	return task.ID
}

// taskVersion is a task's current version, for edit forms and PATCH.
func (s *sweeper) taskVersion(id int64) int32 {
	var v int32
	if err := s.st.pool.QueryRow(s.t.Context(), `SELECT version FROM tasks WHERE id = $1`, id).Scan(&v); err != nil {
		return 1 // deleted by an earlier case: any version does
	}
	return v
}

var mailToken = regexp.MustCompile(`/(?:password/reset|verify-email)/([A-Za-z0-9_-]+)`)

// mailedToken returns the token in the newest email to address.
func (s *sweeper) mailedToken(address string) string {
	s.st.drainJobs(s.t)
	msgs := s.st.mail.Messages()
	for _, m := range slices.Backward(msgs) {
		if m.To == address {
			if match := mailToken.FindStringSubmatch(m.Text); match != nil {
				return match[1]
			}
		}
	}
	s.abort("no email with a token to %s", address)
	return ""
}

// resetToken asks for a password reset for a and returns the mailed token.
func (s *sweeper) resetToken(a *sweepAccount) string {
	s.dirty = true
	if err := s.st.f.accounts.RequestPasswordReset(s.t.Context(), account.ForgotInput{Email: a.email}, "192.0.2.1"); err != nil {
		s.abort("reset request for %s: %v", a.email, err)
	}
	return s.mailedToken(a.email)
}

// verifyToken creates an unverified account and returns its mailed
// email-verification token.
func (s *sweeper) verifyToken() string {
	a := s.newAccount(account.RoleUser, false)
	if err := s.st.f.accounts.ResendVerification(s.t.Context(), account.User{ID: a.id, Email: a.email}); err != nil {
		s.abort("verification for %s: %v", a.email, err)
	}
	return s.mailedToken(a.email)
}

// sweepFingerprint is one query over every table a request could change
// by mistake. It leaves out the session store (sessions: flash messages
// and expiry are the session machinery's) and login_failures (a refused
// sign-in records its failure by design). user_sessions is compared by
// rows and tokens, not by last_seen_at, which any request may refresh.
const sweepFingerprint = `
SELECT concat_ws(' | ',
  (SELECT 'users ' || count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM users),
  (SELECT 'tasks ' || count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM tasks),
  (SELECT 'task_events ' || count(*) || ':' || coalesce(max(id), 0) FROM task_events),
  (SELECT 'user_tokens ' || count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM user_tokens),
  (SELECT 'user_sessions ' || count(*) || ':' || md5(coalesce(string_agg(token, ',' ORDER BY id), '')) FROM user_sessions))`

func (s *sweeper) fingerprint() string {
	var fp string
	if err := s.st.pool.QueryRow(s.t.Context(), sweepFingerprint).Scan(&fp); err != nil {
		s.abort("fingerprint: %v", err)
	}
	return fp
}

// farIDs moves every ID sequence far up, so that no small number a case
// sends (or a default path value, "1") names a real row by chance.
func (s *sweeper) farIDs() {
	for _, table := range []string{"users", "tasks", "task_events", "user_sessions", "login_failures"} {
		if _, err := s.st.pool.Exec(s.t.Context(), `SELECT setval(pg_get_serial_sequence($1, 'id'), 1000000)`, table); err != nil {
			s.abort("move the %s IDs: %v", table, err)
		}
	}
}

// integrity checks what must hold after everything the sweep accepted:
// no task without its "created" event (the two are written together).
func (s *sweeper) integrity() {
	var orphans int
	err := s.st.pool.QueryRow(s.t.Context(), `
SELECT count(*) FROM tasks t
WHERE NOT EXISTS (SELECT 1 FROM task_events e WHERE e.task_id = t.id AND e.kind = 'created')`).Scan(&orphans)
	if err != nil || orphans != 0 {
		s.t.Errorf("tasks without their created event: %d (%v): a write was half done", orphans, err)
	}
}

// errorLog keeps the error-level lines of the stack's JSON log: a 5xx, a
// panic (logged by middleware.Recover with its stack) and a data
// exception that reached PostgreSQL (logged as a bug) all land here.
type errorLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *errorLog) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(`"level":"ERROR"`)) {
		l.mu.Lock()
		l.lines = append(l.lines, string(p[:min(len(p), 4000)]))
		l.mu.Unlock()
	}
	return len(p), nil
}

func (l *errorLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

func (l *errorLog) since(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines[n:])
}
