package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Local keeps objects as files under a directory. Its presigned URLs point
// at the application itself (Handler, mounted at the URL prefix) and are
// signed with an HMAC of the method, the exact key, the expiry and, for an
// upload, the size and content type.
type Local struct {
	dir    string
	secret []byte
	prefix *url.URL // absolute URL the Handler is mounted at, e.g. https://example.com/storage
	now    func() time.Time
}

// NewLocal returns a Local store in dir (created if missing) whose URLs
// start with prefix and are signed with secret.
func NewLocal(dir string, secret []byte, prefix *url.URL) (*Local, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("storage: local: %w", err)
	}
	return &Local{dir: dir, secret: secret, prefix: prefix, now: time.Now}, nil
}

// signature is the HMAC of a request's parts, hex-encoded.
func (l *Local) signature(parts ...string) string {
	mac := hmac.New(sha256.New, l.secret)
	mac.Write([]byte("groundwork storage v1\n" + strings.Join(parts, "\n")))
	return hex.EncodeToString(mac.Sum(nil))
}

func (l *Local) url(key string, q url.Values) string {
	u := l.prefix.JoinPath(key)
	u.RawQuery = q.Encode()
	return u.String()
}

// PresignUpload implements Store.
func (l *Local) PresignUpload(_ context.Context, key, contentType string, size int64, ttl time.Duration) (Upload, error) {
	if !ValidKey(key) {
		return Upload{}, fmt.Errorf("storage: invalid key %q", key)
	}
	exp := l.now().Add(clampTTL(ttl)).Truncate(time.Second)
	q := url.Values{
		"exp":  {strconv.FormatInt(exp.Unix(), 10)},
		"size": {strconv.FormatInt(size, 10)},
		"type": {contentType},
	}
	q.Set("sig", l.signature("PUT", key, q.Get("exp"), q.Get("size"), contentType))
	return Upload{URL: l.url(key, q), Method: "PUT", Headers: map[string]string{"Content-Type": contentType}, ExpiresAt: exp}, nil
}

// PresignDownload implements Store.
func (l *Local) PresignDownload(_ context.Context, key, filename, contentType string, ttl time.Duration) (string, error) {
	if !ValidKey(key) {
		return "", fmt.Errorf("storage: invalid key %q", key)
	}
	exp := strconv.FormatInt(l.now().Add(clampTTL(ttl)).Unix(), 10)
	q := url.Values{"exp": {exp}, "name": {filename}, "type": {contentType}}
	q.Set("sig", l.signature("GET", key, exp, filename, contentType))
	return l.url(key, q), nil
}

// path is the file of key; keys are validated, so it stays under dir.
func (l *Local) path(key string) (string, error) {
	if !ValidKey(key) {
		return "", ErrNotFound
	}
	return filepath.Join(l.dir, filepath.FromSlash(key)), nil
}

// Stat implements Store. Local files carry no type: ContentType is "".
func (l *Local) Stat(_ context.Context, key string) (Object, error) {
	p, err := l.path(key)
	if err != nil {
		return Object{}, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Object{}, ErrNotFound
	}
	if err != nil {
		return Object{}, fmt.Errorf("storage: stat %s: %w", key, err)
	}
	return Object{Size: fi.Size()}, nil
}

// Open implements Store.
func (l *Local) Open(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Put implements Store: the file appears whole or not at all.
func (l *Local) Put(_ context.Context, key string, r io.Reader, size int64, _ string) error {
	p, err := l.path(key)
	if err != nil {
		return fmt.Errorf("storage: invalid key %q", key)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("storage: put %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return fmt.Errorf("storage: put %s: %w", key, err)
	}
	defer os.Remove(tmp.Name()) // after the rename this is a no-op
	n, err := io.Copy(tmp, io.LimitReader(r, size+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != size {
		err = fmt.Errorf("got %d bytes, want %d", n, size)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		return fmt.Errorf("storage: put %s: %w", key, err)
	}
	return nil
}

// Delete implements Store.
func (l *Local) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("storage: delete %s: %w", key, err)
	}
	return nil
}
