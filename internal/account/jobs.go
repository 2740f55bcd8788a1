package account

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/a-h/templ"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/mail"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// The background jobs of accounts: the emails (enqueued by the service in
// the transaction of the change that causes them) and the periodic
// clean-up. Each job is idempotent: running one twice sends one email.

// emailPurpose says which email an EmailArgs job sends.
type emailPurpose string

const (
	emailVerification  emailPurpose = "verify_email"
	emailPasswordReset emailPurpose = "password_reset"
)

// EmailArgs is the job that sends an account email. The link's token is
// made when the job runs, so no secret sits in the queue.
type EmailArgs struct {
	Purpose emailPurpose `json:"purpose"`
	UserID  int64        `json:"user_id,omitempty"` // verification: the user
	Email   string       `json:"email,omitempty"`   // password reset: the address asked for
	// ClientIP is who asked, for the audit log line the job writes.
	ClientIP string `json:"client_ip,omitempty"`
}

// Kind implements river.JobArgs.
func (EmailArgs) Kind() string { return "account_email" }

// InsertOpts makes a repeated request (a double click on "resend") within
// a minute one job, not two emails.
func (EmailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

// PurgeArgs is the periodic clean-up of expired sessions, spent tokens
// and old sign-in failures.
type PurgeArgs struct{}

// Kind implements river.JobArgs.
func (PurgeArgs) Kind() string { return "account_purge" }

// Jobs registers the account workers in work: the email sender and the
// periodic purge (every PurgeInterval, by one process of all).
func Jobs(work *jobs.Work, svc *Service, mailer mail.Sender) error {
	if err := river.AddWorkerSafely(work.Workers, &emailWorker{svc: svc, mailer: mailer}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(work.Workers, &purgeWorker{svc: svc}); err != nil {
		return err
	}
	work.Periodic = append(work.Periodic, river.NewPeriodicJob(
		river.PeriodicInterval(PurgeInterval),
		func() (river.JobArgs, *river.InsertOpts) { return PurgeArgs{}, nil },
		&river.PeriodicJobOpts{ID: PurgeArgs{}.Kind()},
	))
	return nil
}

// PurgeInterval is how often the account clean-up runs.
const PurgeInterval = 5 * time.Minute

type emailWorker struct {
	river.WorkerDefaults[EmailArgs]
	svc    *Service
	mailer mail.Sender
}

// Work sends the email once (jobs.Once): the token and the record that
// the job is done commit together, after the mail server accepted the
// message; a failure rolls both back and River retries.
func (w *emailWorker) Work(ctx context.Context, job *river.Job[EmailArgs]) error {
	_, err := jobs.Once(ctx, w.svc.pool, job.ID, func(tx pgx.Tx) error {
		repo := NewRepository(tx)
		switch job.Args.Purpose {
		case emailVerification:
			return w.verification(ctx, repo, job.Args)
		case emailPasswordReset:
			return w.passwordReset(ctx, repo, job.Args)
		default:
			return river.JobCancel(fmt.Errorf("account: unknown email purpose %q", job.Args.Purpose))
		}
	})
	return err
}

func (w *emailWorker) verification(ctx context.Context, repo *Repository, a EmailArgs) error {
	u, err := repo.UserByID(ctx, a.UserID)
	if errors.Is(err, ErrNotFound) || (err == nil && (u.Verified() || u.DisabledAt != nil)) {
		return nil // nothing to confirm any more
	}
	if err != nil {
		return err
	}
	token, err := newToken(ctx, repo, u.ID, purposeEmailVerification, EmailVerificationTTL)
	if err != nil {
		return err
	}
	link := w.svc.link(VerifyEmailURL(token))
	return w.send(ctx, u.Email, "Confirm your email address", VerifyEmail(link),
		mail.Text("Confirm your email address for Groundwork:\n\n%s\n\nThis link works for 48 hours.\n", link))
}

func (w *emailWorker) passwordReset(ctx context.Context, repo *Repository, a EmailArgs) error {
	u, _, err := repo.Credentials(ctx, a.Email)
	if errors.Is(err, ErrNotFound) || (err == nil && u.DisabledAt != nil) {
		w.svc.event(ctx, "password_reset_request", "unknown", 0, a.Email, a.ClientIP)
		return nil
	}
	if err != nil {
		return err
	}
	w.svc.event(ctx, "password_reset_request", "ok", u.ID, u.Email, a.ClientIP)
	token, err := newToken(ctx, repo, u.ID, purposePasswordReset, PasswordResetTTL)
	if err != nil {
		return err
	}
	link := w.svc.link(ResetPasswordURL(token))
	return w.send(ctx, u.Email, "Reset your password", ResetEmail(link),
		mail.Text("Reset your Groundwork password:\n\n%s\n\nThis link works for one hour and only once. If you did not ask for it, ignore this email.\n", link))
}

func (w *emailWorker) send(ctx context.Context, to, subject string, html, text templ.Component) error {
	msg, err := mail.Render(ctx, to, subject, html, text)
	if err != nil {
		return fmt.Errorf("account: render %q: %w", subject, err)
	}
	if err := w.mailer.Send(ctx, msg); err != nil {
		return fmt.Errorf("account: send %q: %w", subject, err)
	}
	return nil
}

type purgeWorker struct {
	river.WorkerDefaults[PurgeArgs]
	svc *Service
}

// Work deletes what has expired; a second run finds nothing more.
func (w *purgeWorker) Work(ctx context.Context, _ *river.Job[PurgeArgs]) error {
	return w.svc.Purge(ctx)
}

// newToken stores a fresh 256-bit token's hash and returns the token.
func newToken(ctx context.Context, repo *Repository, userID int64, purpose tokenPurpose, ttl time.Duration) (string, error) {
	token := rand.Text() + rand.Text() // 2 × 128 bits, base32
	if err := repo.CreateToken(ctx, hashToken(token), userID, purpose, ttl); err != nil {
		return "", err
	}
	return token, nil
}

// enqueue inserts a job in tx, or in a transaction of its own when tx is
// nil (a request with no write of its own, such as a reset request).
func (s *Service) enqueue(ctx context.Context, tx pgx.Tx, args river.JobArgs) error {
	if tx == nil {
		return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error { return s.enqueue(ctx, tx, args) })
	}
	if _, err := s.jobs.InsertTx(ctx, tx, args, nil); err != nil {
		return fmt.Errorf("account: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}
