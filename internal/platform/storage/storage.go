// Package storage keeps uploaded files: presigned direct-to-storage
// uploads and short-lived download URLs, behind one small interface with
// two drivers. S3 works with any S3-compatible store; Local keeps files
// under a directory and signs its own URLs with SECRET_KEY (the default in
// development, so `make dev` needs no object store).
package storage

import (
	"context"
	"errors"
	"io"
	"mime"
	"regexp"
	"strings"
	"time"
)

// ErrNotFound is an object that does not exist.
var ErrNotFound = errors.New("storage: object not found")

// MaxURLTTL bounds how long a presigned URL works.
const MaxURLTTL = 15 * time.Minute

// Upload is how a client sends one object straight to storage: Method to
// URL with exactly Headers, before ExpiresAt.
type Upload struct {
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expires_at"`
}

// Object is what storage knows of a stored object.
type Object struct {
	Size        int64
	ContentType string
}

// Store is where uploaded files live. Keys are made by the application
// (ValidKey), never by a client.
type Store interface {
	// PresignUpload returns how to PUT an object of exactly size bytes and
	// contentType at key within ttl (at most MaxURLTTL); the length and
	// type are part of the signature.
	PresignUpload(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (Upload, error)
	// PresignDownload returns a URL that GETs key within ttl, served as an
	// attachment named filename with contentType.
	PresignDownload(ctx context.Context, key, filename, contentType string, ttl time.Duration) (string, error)
	// Stat returns the object at key, or ErrNotFound.
	Stat(ctx context.Context, key string) (Object, error)
	// Open reads the object at key (ErrNotFound); the caller closes it.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Put stores r (size bytes) at key.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Delete removes key; a missing object is not an error.
	Delete(ctx context.Context, key string) error
}

// validKey is the shape of every key the application makes: a path of
// lower-case letters, digits, '-', '_' and '.' segments, never "..".
var validKey = regexp.MustCompile(`^[a-z0-9_-]+(/[a-z0-9_-][a-z0-9._-]*)*$`)

// ValidKey reports whether key is one the application could have made.
func ValidKey(key string) bool {
	return len(key) <= 256 && validKey.MatchString(key) && !strings.Contains(key, "..")
}

// Disposition is the Content-Disposition of a download named filename:
// always an attachment, the name in RFC 5987 form.
func Disposition(filename string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": filename})
}

// clampTTL keeps ttl within (0, MaxURLTTL].
func clampTTL(ttl time.Duration) time.Duration {
	if ttl <= 0 || ttl > MaxURLTTL {
		return MaxURLTTL
	}
	return ttl
}
