package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config locates a bucket on an S3-compatible store.
type S3Config struct {
	Endpoint *url.URL // e.g. https://s3.eu-west-1.amazonaws.com or http://s3:7070
	// PublicEndpoint is the store as browsers reach it, for presigned URLs
	// (nil: Endpoint). Inside docker compose the app talks to http://s3:7070
	// while a browser uploads to http://127.0.0.1:7070.
	PublicEndpoint *url.URL
	Region         string
	Bucket         string
	AccessKey      string
	SecretKey      string
}

// S3 keeps objects in an S3 bucket (minio-go: any S3-compatible store,
// path-style addressing so that a local store works without DNS).
type S3 struct {
	client  *minio.Client
	presign *minio.Client // on the public endpoint; signs only, never connects
	bucket  string
	region  string // where Setup creates the bucket
}

// NewS3 returns an S3 store. It does not contact the store.
func NewS3(cfg S3Config) (*S3, error) {
	newClient := func(endpoint *url.URL) (*minio.Client, error) {
		return minio.New(endpoint.Host, &minio.Options{
			Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
			Secure: endpoint.Scheme == "https",
			// With the region given, presigning needs no request to the store.
			Region:       cfg.Region,
			BucketLookup: minio.BucketLookupPath,
		})
	}
	client, err := newClient(cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("storage: s3: %w", err)
	}
	presign := client
	if cfg.PublicEndpoint != nil {
		if presign, err = newClient(cfg.PublicEndpoint); err != nil {
			return nil, fmt.Errorf("storage: s3 public endpoint: %w", err)
		}
	}
	return &S3{client: client, presign: presign, bucket: cfg.Bucket, region: cfg.Region}, nil
}

// PresignUpload implements Store: Content-Type and Content-Length are
// signed headers, so the store refuses any other type or length.
func (s *S3) PresignUpload(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (Upload, error) {
	ttl = clampTTL(ttl)
	headers := http.Header{"Content-Type": {contentType}, "Content-Length": {strconv.FormatInt(size, 10)}}
	u, err := s.presign.PresignHeader(ctx, http.MethodPut, s.bucket, key, ttl, nil, headers)
	if err != nil {
		return Upload{}, fmt.Errorf("storage: presign upload %s: %w", key, err)
	}
	// A browser sets Content-Length itself, from the file it sends.
	return Upload{URL: u.String(), Method: http.MethodPut, Headers: map[string]string{"Content-Type": contentType},
		ExpiresAt: time.Now().Add(ttl).Truncate(time.Second)}, nil
}

// PresignDownload implements Store, with the response's type and
// disposition fixed by the signed URL.
func (s *S3) PresignDownload(ctx context.Context, key, filename, contentType string, ttl time.Duration) (string, error) {
	params := url.Values{
		"response-content-disposition": {Disposition(filename)},
		"response-content-type":        {contentType},
		"response-cache-control":       {"private, no-store"},
	}
	u, err := s.presign.PresignedGetObject(ctx, s.bucket, key, clampTTL(ttl), params)
	if err != nil {
		return "", fmt.Errorf("storage: presign download %s: %w", key, err)
	}
	return u.String(), nil
}

// Stat implements Store.
func (s *S3) Stat(ctx context.Context, key string) (Object, error) {
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return Object{}, s3Err(err, "stat", key)
	}
	return Object{Size: info.Size, ContentType: info.ContentType}, nil
}

// Open implements Store.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if _, err := s.Stat(ctx, key); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, s3Err(err, "open", key)
	}
	return obj, nil
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	_, err := s.client.PutObject(ctx, s.bucket, key, r, size, minio.PutObjectOptions{ContentType: contentType})
	return s3Err(err, "put", key)
}

// Delete implements Store.
func (s *S3) Delete(ctx context.Context, key string) error {
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if errors.Is(s3Err(err, "delete", key), ErrNotFound) {
		return nil
	}
	return s3Err(err, "delete", key)
}

func s3Err(err error, op, key string) error {
	if err == nil {
		return nil
	}
	if r := minio.ToErrorResponse(err); r.Code == "NoSuchKey" || r.StatusCode == http.StatusNotFound {
		return ErrNotFound
	}
	return fmt.Errorf("storage: %s %s: %w", op, key, err)
}
