package app

import (
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/home"
	"github.com/groundwork-dev/groundwork/internal/platform/mail"
	"github.com/groundwork-dev/groundwork/internal/platform/metrics"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/session"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// features holds every feature's controller, plus what the server needs
// to run and stop them.
type features struct {
	home    *home.Controller
	account *account.Controller
	tasks   *tasks.Controller
	// accounts sends mail in the background; Wait before closing the pool.
	accounts *account.Service
	// sessions loads and saves the session of every page request.
	sessions *scs.SessionManager
}

// newFeatures builds each feature from its dependencies, explicitly (no
// container, no registration). Tests call it with a fast password hasher
// and a capturing mail sender; m may be nil (no metrics).
func newFeatures(cfg Config, pool *pgxpool.Pool, hasher *password.Hasher, mailer mail.Sender, m *metrics.Metrics) features {
	sessions := session.New(pool, session.Options{
		Secure:      cfg.SecureCookies(),
		IdleTimeout: cfg.SessionIdleTimeout,
		Lifetime:    cfg.SessionLifetime,
	})
	accounts := account.NewService(pool, hasher, mailer, account.Config{
		BaseURL:              cfg.BaseURL,
		RequireVerifiedEmail: cfg.RequireEmailVerification,
		LogKey:               []byte(cfg.SecretKey),
		ThrottleHits:         m.ThrottleHits(metrics.ThrottleAccount),
	})
	return features{
		home:     home.NewController(home.NewService(home.NewRepository(pool), cfg.Env, Version())),
		account:  account.NewController(accounts, sessions),
		tasks:    tasks.NewController(tasks.NewService(pool, time.Now), sessions),
		accounts: accounts,
		sessions: sessions,
	}
}
