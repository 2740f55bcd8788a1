package attachments

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/auth"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
	"github.com/groundwork-dev/groundwork/internal/platform/storage"
)

// Service is the rules of attachments. Only a task's owner sees, adds or
// deletes its attachments; anyone else gets 404, as for the task.
type Service struct {
	pool     *pgxpool.Pool
	repo     *Repository
	store    storage.Store
	jobs     jobs.Inserter
	ownsTask TaskOwner
	cfg      Config
}

// NewService returns a Service.
func NewService(pool *pgxpool.Pool, store storage.Store, queue jobs.Inserter, ownsTask TaskOwner, cfg Config) *Service {
	return &Service{pool: pool, repo: NewRepository(pool), store: store, jobs: queue, ownsTask: ownsTask, cfg: cfg}
}

// Presign starts an upload: it picks the key (uploads/{user}/{128-bit
// random}), signs a PUT of exactly in.Size bytes of in.ContentType, valid
// for UploadURLTTL, and records it for Finalize. Invalid input is an
// Invalid error.
func (s *Service) Presign(ctx context.Context, who auth.Identity, in UploadInput) (Uploaded, error) {
	if p := in.problems(s.cfg); len(p) > 0 {
		return Uploaded{}, apperr.Validation("The file cannot be uploaded.", p)
	}
	key := "uploads/" + strconv.FormatInt(who.UserID, 10) + "/" + strings.ToLower(rand.Text())
	up, err := s.store.PresignUpload(ctx, key, in.ContentType, in.Size, UploadURLTTL)
	if err != nil {
		return Uploaded{}, err
	}
	if err := s.repo.AddUpload(ctx, who.UserID, key, in.ContentType, in.Size); err != nil {
		return Uploaded{}, err
	}
	return Uploaded{Key: key, URL: up.URL, Method: up.Method, Headers: up.Headers, ExpiresAt: up.ExpiresAt}, nil
}

// Finalize attaches who's uploaded file key to taskID after checking it:
// the object exists, has the signed size, and its first bytes are of the
// signed type. A file that fails a check is deleted from storage. It
// returns ErrNotFound-kind errors for another user's task,
// ErrUnknownUpload, ErrNotUploaded, ErrSizeMismatch, ErrTypeMismatch or an
// Invalid error for the filename. The attachment row, the end of the
// pending upload and the thumbnail job commit together.
func (s *Service) Finalize(ctx context.Context, who auth.Identity, taskID int64, in FinalizeInput) (Attachment, error) {
	if msg := filenameProblem(in.Filename); msg != "" {
		return Attachment{}, apperr.Validation("The file cannot be attached.", map[string]string{"filename": msg})
	}
	if err := s.ownsTask(ctx, who.UserID, taskID); err != nil {
		return Attachment{}, err
	}
	var a Attachment
	err := postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		repo := NewRepository(tx)
		up, err := repo.TakeUpload(ctx, who.UserID, in.Key)
		if err != nil {
			return err
		}
		if err := s.verify(ctx, up); err != nil {
			return err
		}
		a, err = repo.Create(ctx, Attachment{TaskID: taskID, UserID: who.UserID, Key: up.Key, Filename: in.Filename, ContentType: up.ContentType, Size: up.Size})
		if err != nil || !isImage(a.ContentType) {
			return err
		}
		_, err = s.jobs.InsertTx(ctx, tx, ThumbnailArgs{AttachmentID: a.ID}, nil)
		return err
	})
	if errors.Is(err, ErrSizeMismatch) || errors.Is(err, ErrTypeMismatch) {
		// The upload is gone; so must be the bytes that were not what they claimed.
		_ = s.repo.dropUpload(ctx, who.UserID, in.Key)
		if delErr := s.store.Delete(ctx, in.Key); delErr != nil {
			return Attachment{}, fmt.Errorf("attachments service: delete mismatched %s: %w", in.Key, delErr)
		}
	}
	if err != nil {
		return Attachment{}, err
	}
	return a, nil
}

// verify checks the stored object against its pending upload.
func (s *Service) verify(ctx context.Context, up pendingUpload) error {
	obj, err := s.store.Stat(ctx, up.Key)
	if errors.Is(err, storage.ErrNotFound) {
		return ErrNotUploaded
	}
	if err != nil {
		return err
	}
	if obj.Size != up.Size {
		return ErrSizeMismatch
	}
	r, err := s.store.Open(ctx, up.Key)
	if err != nil {
		return err
	}
	defer r.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("attachments service: read %s: %w", up.Key, err)
	}
	if sniffed, _, _ := strings.Cut(http.DetectContentType(head[:n]), ";"); sniffed != up.ContentType {
		return ErrTypeMismatch
	}
	return nil
}

// List returns the attachments of who's task taskID (ErrNotFound-kind for
// another user's task).
func (s *Service) List(ctx context.Context, who auth.Identity, taskID int64) ([]Attachment, error) {
	if err := s.ownsTask(ctx, who.UserID, taskID); err != nil {
		return nil, err
	}
	return s.repo.List(ctx, who.UserID, taskID)
}

// DownloadURL returns a short-lived URL of attachment id of who's task, or
// of its thumbnail; ErrNotFound otherwise (and for a thumbnail not made yet).
func (s *Service) DownloadURL(ctx context.Context, who auth.Identity, taskID, id int64, thumbnail bool) (string, error) {
	a, err := s.repo.Get(ctx, who.UserID, taskID, id)
	if err != nil {
		return "", err
	}
	if !thumbnail {
		return s.store.PresignDownload(ctx, a.Key, a.Filename, a.ContentType, DownloadURLTTL)
	}
	if a.ThumbKey == "" {
		return "", ErrNotFound
	}
	return s.store.PresignDownload(ctx, a.ThumbKey, "thumbnail-"+a.Filename+".png", "image/png", DownloadURLTTL)
}

// Delete removes attachment id of who's task taskID; its objects are
// deleted by a job enqueued in the same transaction. It returns ErrNotFound.
func (s *Service) Delete(ctx context.Context, who auth.Identity, taskID, id int64) error {
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := NewRepository(tx).Delete(ctx, who.UserID, taskID, id)
		if err != nil {
			return err
		}
		keys := []string{a.Key}
		if a.ThumbKey != "" {
			keys = append(keys, a.ThumbKey)
		}
		_, err = s.jobs.InsertTx(ctx, tx, DeleteObjectsArgs{Keys: keys}, nil)
		return err
	})
}
