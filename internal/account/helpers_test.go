package account_test

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs/jobstest"
	"github.com/groundwork-dev/groundwork/internal/platform/logging"
	"github.com/groundwork-dev/groundwork/internal/platform/mail"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres/pgtest"
)

// fastParams keep argon2id cheap in tests that do not look at the format.
var fastParams = password.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const testBaseURL = "https://app.example.com"

// testCtx is a context whose logger discards, so auth events stay quiet.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	return logging.WithLogger(t.Context(), slog.New(slog.DiscardHandler))
}

// newRepo returns a repository on a fresh database, and the pool under it.
func newRepo(t *testing.T) (*account.Repository, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.NewPool(t)
	return account.NewRepository(pool), pool
}

// mailbox is what the account jobs mailed: Wait runs every job that can
// run now, then Messages holds their emails.
type mailbox struct {
	*mail.Capture
	pool *pgxpool.Pool
	jobs jobs.Options
	t    *testing.T
}

// Wait returns once the jobs enqueued so far have run.
func (m *mailbox) Wait() {
	m.t.Helper()
	jobstest.Drain(m.t, m.pool, m.jobs)
}

// newService returns a service with a fast hasher on pool, and a job
// worker of its own that mails into the returned mailbox.
func newService(t *testing.T, pool *pgxpool.Pool) (*account.Service, *mailbox) {
	t.Helper()
	return newServiceWith(t, pool, fastParams, account.Config{})
}

// newServiceWith is newService with the hasher's params and the config
// (BaseURL and LogKey are filled in when empty).
func newServiceWith(t *testing.T, pool *pgxpool.Pool, p password.Params, cfg account.Config) (*account.Service, *mailbox) {
	t.Helper()
	if cfg.BaseURL == nil {
		u, err := url.Parse(testBaseURL)
		if err != nil {
			t.Fatal(err)
		}
		cfg.BaseURL = u
	}
	if cfg.LogKey == nil {
		cfg.LogKey = []byte("test log key")
	}
	opts := jobstest.Options()
	inserter, err := jobs.New(pool, slog.New(slog.DiscardHandler), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := account.NewService(pool, password.NewHasher(p, 0), inserter, cfg)
	box := &mailbox{Capture: &mail.Capture{}, pool: pool, jobs: opts, t: t}
	work := &jobs.Work{Workers: river.NewWorkers()}
	if err := account.Jobs(work, svc, box.Capture); err != nil {
		t.Fatal(err)
	}
	jobstest.Start(t, pool, work, opts, nil)
	return svc, box
}

// mustCreateUser inserts a user with a placeholder hash.
func mustCreateUser(t *testing.T, repo *account.Repository, email string) account.User {
	t.Helper()
	u, err := repo.CreateUser(testCtx(t), email, "$argon2id$placeholder", account.RoleUser, false)
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", email, err)
	}
	return u
}

// mustSignup creates a user through the service with password pw.
func mustSignup(t *testing.T, svc *account.Service, email, pw string) account.User {
	t.Helper()
	u, err := svc.CreateUser(testCtx(t), email, pw, account.RoleUser, false)
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", email, err)
	}
	return u
}

// mustExec runs SQL that must succeed.
func mustExec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("exec %q: %v", sql, err)
	}
}

// mustCount returns the result of a count(*) query.
func mustCount(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("query %q: %v", sql, err)
	}
	return n
}

// mustStartSession stores a session the way the app does: a row in the scs
// store ("sessions", expiring in an hour) and the ownership row.
func mustStartSession(t *testing.T, pool *pgxpool.Pool, repo *account.Repository, userID int64, token string) {
	t.Helper()
	mustExec(t, pool, `INSERT INTO sessions (token, data, expiry) VALUES ($1, '\x00', now() + interval '1 hour')`, token)
	if err := repo.AddSession(testCtx(t), token, userID, "test agent", "192.0.2.1"); err != nil {
		t.Fatalf("AddSession(%q, %d): %v", token, userID, err)
	}
}

// storeRowExists reports whether the scs store holds token.
func storeRowExists(t *testing.T, pool *pgxpool.Pool, token string) bool {
	t.Helper()
	return mustCount(t, pool, `SELECT count(*) FROM sessions WHERE token = $1`, token) == 1
}

// ownerRowExists reports whether user_sessions holds token.
func ownerRowExists(t *testing.T, pool *pgxpool.Pool, token string) bool {
	t.Helper()
	return mustCount(t, pool, `SELECT count(*) FROM user_sessions WHERE token = $1`, token) == 1
}

// tokenHash is how the account package stores single-use tokens.
func tokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

var linkRE = regexp.MustCompile(`https?://\S+`)

// mailLink returns the only link in the text body of msg and checks that it
// starts with prefix; it returns the rest of the link (the token).
func mailLink(t *testing.T, msg mail.Message, prefix string) string {
	t.Helper()
	links := linkRE.FindAllString(msg.Text, -1)
	if len(links) != 1 {
		t.Fatalf("text body has links %q, want exactly one; body:\n%s", links, msg.Text)
	}
	token, ok := strings.CutPrefix(links[0], prefix)
	if !ok {
		t.Fatalf("link %q does not start with %q", links[0], prefix)
	}
	if token == "" || strings.ContainsAny(token, "/?#") {
		t.Fatalf("link %q: token %q is not one path segment", links[0], token)
	}
	if !strings.Contains(msg.HTML, links[0]) {
		t.Errorf("HTML body does not contain the text body's link %q", links[0])
	}
	return token
}

// waitFor is a short deadline for background work in tests.
const waitFor = 5 * time.Second

// mustRequestReset asks for a password reset link for email.
func mustRequestReset(t *testing.T, svc *account.Service, ctx context.Context, email string) {
	t.Helper()
	if err := svc.RequestPasswordReset(ctx, account.ForgotInput{Email: email}, ipX); err != nil {
		t.Fatalf("RequestPasswordReset(%q) = %v", email, err)
	}
}

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
