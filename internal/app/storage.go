package app

import (
	"context"
	"path/filepath"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/groundwork-dev/groundwork/internal/attachments"
	"github.com/groundwork-dev/groundwork/internal/platform/storage"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// localStoragePath is where the local storage driver's signed URLs point.
const localStoragePath = "/storage"

// newStore returns the configured storage driver, and the Local store
// when that is the driver (its handler is mounted at localStoragePath).
func newStore(cfg Config) (storage.Store, *storage.Local, error) {
	if cfg.Storage.Driver == "s3" {
		s3, err := newS3Store(cfg.Storage)
		return s3, nil, err
	}
	dir := cfg.Storage.Dir
	if dir == "" {
		dir = filepath.Join("tmp", "storage")
	}
	local, err := storage.NewLocal(dir, []byte(cfg.SecretKey), cfg.BaseURL.JoinPath(localStoragePath))
	return local, local, err
}

// newS3Store returns the S3 driver on the configured bucket.
func newS3Store(s StorageConfig) (*storage.S3, error) {
	return storage.NewS3(storage.S3Config{
		Endpoint: s.S3Endpoint, PublicEndpoint: s.S3PublicEndpoint, Region: s.S3Region,
		Bucket: s.S3Bucket, AccessKey: s.S3AccessKey, SecretKey: s.S3SecretKey,
	})
}

// storageOrigin is the object store's origin when browsers talk to it
// directly (the S3 driver), for the Content-Security-Policy; "" otherwise.
func storageOrigin(cfg Config) string {
	if cfg.Storage.Driver != "s3" || cfg.Storage.S3Endpoint == nil {
		return ""
	}
	if cfg.Storage.S3PublicEndpoint != nil {
		return origin(cfg.Storage.S3PublicEndpoint)
	}
	return origin(cfg.Storage.S3Endpoint)
}

// attachmentsConfig is the upload rules from the configuration.
func attachmentsConfig(cfg Config) attachments.Config {
	return attachments.Config{MaxBytes: cfg.Storage.MaxBytes, ContentTypes: cfg.Storage.ContentTypes}
}

// taskOwner answers the attachments feature's question with the tasks
// feature's repository: features do not import each other, the wiring
// does.
func taskOwner(pool *pgxpool.Pool) attachments.TaskOwner {
	repo := tasks.NewRepository(pool)
	return func(ctx context.Context, userID, taskID int64) error {
		_, err := repo.Get(ctx, userID, taskID)
		return err
	}
}
