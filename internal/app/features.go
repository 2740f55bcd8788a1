package app

import (
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/attachments"
	"github.com/groundwork-dev/groundwork/internal/home"
	"github.com/groundwork-dev/groundwork/internal/platform/flash"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/metrics"
	"github.com/groundwork-dev/groundwork/internal/platform/password"
	"github.com/groundwork-dev/groundwork/internal/platform/session"
	"github.com/groundwork-dev/groundwork/internal/platform/sse"
	"github.com/groundwork-dev/groundwork/internal/platform/storage"
	"github.com/groundwork-dev/groundwork/internal/queue"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// features holds every feature's controller, plus what the server and
// the job worker need of them.
type features struct {
	home        *home.Controller
	account     *account.Controller
	tasks       *tasks.Controller
	queue       *queue.Controller
	attachments *attachments.Controller
	// accounts is the account rules, which the account jobs run on.
	accounts *account.Service
	// sessions loads and saves the session of every page request.
	sessions *scs.SessionManager
	// flash moves one-time messages from the session into the page.
	flash *flash.Messages
	// uploads is the attachments rules, which the attachment jobs run on;
	// localStore serves the local storage driver's URLs (nil with s3).
	uploads    *attachments.Service
	localStore *storage.Local
	// events is the server-sent events broker; the server closes it when
	// shutdown begins (serve.go) and the relay feeds it (events.go).
	events *sse.Broker
}

// eventFeeds is the event log of every feature with live updates, each
// with its NOTIFY channel: the instance relays each into the broker
// (events.go). `make feature` repeats the tasks line for a copy.
func (f features) eventFeeds() []sse.Feed {
	return []sse.Feed{
		f.tasks.EventFeed(),
	}
}

// newFeatures builds each feature from its dependencies, explicitly (no
// container, no registration). Services enqueue their jobs on q. Tests
// call it with a fast password hasher; m may be nil (no metrics).
func newFeatures(cfg Config, pool *pgxpool.Pool, hasher *password.Hasher, q *jobs.Queue, m *metrics.Metrics) (features, error) {
	store, local, err := newStore(cfg)
	if err != nil {
		return features{}, err
	}
	uploads := attachments.NewService(pool, store, q, taskOwner(pool), attachmentsConfig(cfg))
	sessions := session.New(pool, session.Options{
		Secure:      cfg.SecureCookies(),
		IdleTimeout: cfg.SessionIdleTimeout,
		Lifetime:    cfg.SessionLifetime,
	})
	flashes := flash.New(sessions)
	events := sse.NewBroker(sse.Options{StreamsOpen: m.SSEStreamsOpen(), Dropped: m.SSEDropped()})
	accounts := account.NewService(pool, hasher, q, account.Config{
		BaseURL:              cfg.BaseURL,
		RequireVerifiedEmail: cfg.RequireEmailVerification,
		LogKey:               []byte(cfg.SecretKey),
		ThrottleHits:         m.ThrottleHits(metrics.ThrottleAccount),
	})
	f := features{
		home:        home.NewController(home.NewService(home.NewRepository(pool), cfg.Env, Version())),
		account:     account.NewController(accounts, sessions, flashes, cfg.AuthRateLimit, m.ThrottleHits(metrics.ThrottleClientIP)),
		tasks:       tasks.NewController(tasks.NewService(pool, time.Now), flashes, events),
		queue:       queue.NewController(queue.NewService(q), flashes),
		attachments: attachments.NewController(uploads),
		accounts:    accounts,
		sessions:    sessions,
		flash:       flashes,
		uploads:     uploads,
		localStore:  local,
		events:      events,
	}
	// A task's page shows its attachments (the tasks feature does not know them).
	f.tasks.AddPanel(func(taskID int64) templ.Component { return attachments.Panel(taskID) })
	return f, nil
}
