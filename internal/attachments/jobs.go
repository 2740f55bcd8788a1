package attachments

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // decoders for thumbnails
	"image/png"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// The background jobs of attachments, each idempotent: the thumbnail of an
// image (pure Go), deleting the objects of a deleted attachment, and the
// hourly clean-up of uploads never finalized and of attachments whose task
// was deleted.

// ThumbnailArgs makes the thumbnail of an image attachment.
type ThumbnailArgs struct {
	AttachmentID int64 `json:"attachment_id"`
}

// Kind implements river.JobArgs.
func (ThumbnailArgs) Kind() string { return "attachments_thumbnail" }

// DeleteObjectsArgs deletes objects from storage.
type DeleteObjectsArgs struct {
	Keys []string `json:"keys"`
}

// Kind implements river.JobArgs.
func (DeleteObjectsArgs) Kind() string { return "attachments_delete_objects" }

// CleanupArgs is the periodic clean-up.
type CleanupArgs struct{}

// Kind implements river.JobArgs.
func (CleanupArgs) Kind() string { return "attachments_cleanup" }

// Thumbnail size bound and the largest image decoded for one.
const (
	thumbSize      = 256
	maxThumbPixels = 40_000_000
)

// Jobs registers the attachment workers and the hourly clean-up in work.
func Jobs(work *jobs.Work, svc *Service) error {
	for _, add := range []func() error{
		func() error { return river.AddWorkerSafely(work.Workers, &thumbnailWorker{svc: svc}) },
		func() error { return river.AddWorkerSafely(work.Workers, &deleteWorker{svc: svc}) },
		func() error { return river.AddWorkerSafely(work.Workers, &cleanupWorker{svc: svc}) },
	} {
		if err := add(); err != nil {
			return err
		}
	}
	work.Periodic = append(work.Periodic, river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return CleanupArgs{}, nil },
		&river.PeriodicJobOpts{ID: CleanupArgs{}.Kind()}))
	return nil
}

type thumbnailWorker struct {
	river.WorkerDefaults[ThumbnailArgs]
	svc *Service
}

// Work renders a PNG at most thumbSize wide and high at a key derived from
// the attachment's, so a second run overwrites the same object.
func (w *thumbnailWorker) Work(ctx context.Context, job *river.Job[ThumbnailArgs]) error {
	a, err := w.svc.repo.ByID(ctx, job.Args.AttachmentID)
	if errors.Is(err, ErrNotFound) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return err
	}
	r, err := w.svc.store.Open(ctx, a.Key)
	if err != nil {
		return err
	}
	defer r.Close()
	src, err := io.ReadAll(io.LimitReader(r, w.svc.cfg.MaxBytes+1))
	if err != nil {
		return err
	}
	thumb, err := thumbnail(src)
	if err != nil {
		return river.JobCancel(fmt.Errorf("attachments: thumbnail of %d: %w", a.ID, err)) // a bad image stays bad
	}
	key := a.Key + ".thumb.png"
	if err := w.svc.store.Put(ctx, key, bytes.NewReader(thumb), int64(len(thumb)), "image/png"); err != nil {
		return err
	}
	return w.svc.repo.SetThumbnail(ctx, a.ID, key)
}

// thumbnail decodes an image (bounded) and encodes a PNG fitting thumbSize.
func thumbnail(src []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxThumbPixels {
		return nil, fmt.Errorf("image of %d×%d pixels is not thumbnailed", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	scale := min(1, float64(thumbSize)/float64(max(b.Dx(), b.Dy())))
	dst := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale))))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

type deleteWorker struct {
	river.WorkerDefaults[DeleteObjectsArgs]
	svc *Service
}

// Work deletes the objects; deleting a missing object is no error.
func (w *deleteWorker) Work(ctx context.Context, job *river.Job[DeleteObjectsArgs]) error {
	for _, key := range job.Args.Keys {
		if err := w.svc.store.Delete(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

type cleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	svc *Service
}

// Work deletes, batch by batch, the objects of uploads presigned more than
// PendingTTL ago and never finalized, and of attachments whose task was
// deleted. Rows and objects go together: a failed object delete rolls the
// batch back for the next run.
func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	take := []func(*Repository) ([]string, error){
		func(r *Repository) ([]string, error) {
			return r.TakeStaleUploads(ctx, time.Now().Add(-PendingTTL), 100)
		},
		func(r *Repository) ([]string, error) { return r.TakeOrphans(ctx, 100) },
	}
	for _, t := range take {
		for {
			n := 0
			err := postgres.InTx(ctx, w.svc.pool, func(tx pgx.Tx) error {
				keys, err := t(NewRepository(tx))
				n = len(keys)
				for _, key := range keys {
					if err == nil {
						err = w.svc.store.Delete(ctx, key)
					}
				}
				return err
			})
			if err != nil {
				return err
			}
			if n == 0 {
				break
			}
		}
	}
	return nil
}
