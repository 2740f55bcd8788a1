package app

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/riverqueue/river"

	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/attachments"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
)

// Fixtures of the sweep for the job admin and the attachments routes.

// sweepProbeArgs is a job no worker takes, for the admin's retry and cancel.
type sweepProbeArgs struct{}

func (sweepProbeArgs) Kind() string { return "sweep_probe" }

// newJob enqueues a probe job on a queue no worker takes, and returns its ID.
func (s *sweeper) newJob() int64 {
	s.dirty = true
	q, err := jobs.New(s.st.pool, s.st.log, s.st.jobs, nil)
	if err != nil {
		s.abort("queue: %v", err)
	}
	res, err := q.Insert(s.t.Context(), sweepProbeArgs{}, &river.InsertOpts{Queue: "sweep_probes"})
	if err != nil {
		s.abort("enqueue a probe job: %v", err)
	}
	return res.Job.ID
}

// newAttachment attaches a small PDF to a's lasting task and returns its ID.
func (s *sweeper) newAttachment(a *sweepAccount) int64 {
	s.dirty = true
	var id int64
	err := s.st.pool.QueryRow(s.t.Context(), `
INSERT INTO attachments (task_id, user_id, key, filename, content_type, size, thumb_key)
VALUES ($1, $2, $3, 'sweep.pdf', 'application/pdf', 10, $3 || '.thumb.png') RETURNING id`,
		a.taskID, a.id, "uploads/"+strconv.FormatInt(a.id, 10)+"/sweep"+strconv.FormatInt(s.seq.Add(1), 10)).Scan(&id)
	if err != nil {
		s.abort("attach a file: %v", err)
	}
	return id
}

// uploadedKey presigns and stores a small PDF for a, ready to finalize.
func (s *sweeper) uploadedKey(a *sweepAccount) string {
	s.dirty = true
	pdf := []byte("%PDF-1.7\n" + strings.Repeat("s", 40))
	up, err := s.st.f.uploads.Presign(s.t.Context(), auth.Identity{UserID: a.id, Email: a.email, Role: a.role},
		attachments.UploadInput{Filename: "sweep.pdf", ContentType: "application/pdf", Size: int64(len(pdf))})
	if err != nil {
		s.abort("presign: %v", err)
	}
	if err := s.st.f.localStore.Put(s.t.Context(), up.Key, bytes.NewReader(pdf), int64(len(pdf)), "application/pdf"); err != nil {
		s.abort("store the upload: %v", err)
	}
	return up.Key
}

// newToken creates an API token of a and returns its ID.
func (s *sweeper) newToken(a *sweepAccount) int64 {
	s.dirty = true
	u, err := account.NewRepository(s.st.pool).UserByID(s.t.Context(), a.id)
	if err != nil {
		s.abort("user %d: %v", a.id, err)
	}
	tok, err := s.st.f.accounts.CreateAPIToken(s.t.Context(), u, account.APITokenInput{Name: "sweep", Scope: auth.ScopeReadWrite}, "192.0.2.1")
	if err != nil {
		s.abort("create a token: %v", err)
	}
	return tok.ID
}

var (
	pathToken         sweepPath = func(r *sweepReq) string { return strconv.FormatInt(r.s.newToken(r.a), 10) }
	tokenBase                   = map[string]any{"name": "sweep token", "scope": "read", "expires_in_days": 30}
	pathJob           sweepPath = func(r *sweepReq) string { return strconv.FormatInt(r.s.newJob(), 10) }
	pathOwnAttachment sweepPath = func(r *sweepReq) string { return strconv.FormatInt(r.s.newAttachment(r.a), 10) }
	varUploadedKey    sweepVar  = func(r *sweepReq) any { return r.s.uploadedKey(r.a) }
	attachmentPaths             = map[string]sweepPath{"id": pathOwnTask, "aid": pathOwnAttachment}
	uploadBase                  = map[string]any{"filename": "sweep.pdf", "content_type": "application/pdf", "size": 40}
)
