package storage

import (
	"context"
	"fmt"
	"net/http"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/cors"
)

// Setup prepares the bucket for browsers at origins (scheme://host[:port]):
// it creates the bucket (in the configured region) if it is missing and replaces its CORS rules with
// one that lets those origins PUT presigned uploads (with the signed
// Content-Type) and GET or HEAD objects. Without it a browser's upload to
// the store is refused: the PUT is cross-origin and needs a preflight.
// It is idempotent (`app storage setup`, run once per deploy).
func (s *S3) Setup(ctx context.Context, origins []string) error {
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("storage: s3 setup: bucket %s: %w", s.bucket, err)
	}
	if !exists {
		if err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: s.region}); err != nil {
			return fmt.Errorf("storage: s3 setup: create bucket %s: %w", s.bucket, err)
		}
	}
	rule := cors.Rule{
		ID:            "groundwork-browser-uploads",
		AllowedOrigin: origins,
		AllowedMethod: []string{http.MethodPut, http.MethodGet, http.MethodHead},
		AllowedHeader: []string{"Content-Type"},
		ExposeHeader:  []string{"ETag"},
		MaxAgeSeconds: 3600,
	}
	if err := s.client.SetBucketCors(ctx, s.bucket, cors.NewConfig([]cors.Rule{rule})); err != nil {
		return fmt.Errorf("storage: s3 setup: CORS on %s: %w", s.bucket, err)
	}
	return nil
}
