// Package attachments is files attached to tasks: presigned uploads
// straight to storage (internal/platform/storage), verified on finalize,
// listed, downloaded through short-lived URLs, deleted; thumbnails and
// clean-ups run as jobs. It stands beside the tasks feature: whether a
// user owns a task is asked through TaskOwner, wired by internal/app.
// Read this file first.
package attachments

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
)

// Attachment is a verified file on a task.
type Attachment struct {
	ID          int64     `json:"id"`
	TaskID      int64     `json:"task_id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
	UserID      int64     `json:"-"`
	Key         string    `json:"-"`
	ThumbKey    string    `json:"-"` // "" until the thumbnail job ran (images only)
}

// TaskOwner reports whether userID owns taskID: nil, or an error of kind
// NotFound (another user's task, or none). internal/app wires the tasks
// feature's answer in.
type TaskOwner func(ctx context.Context, userID, taskID int64) error

// Config is what the service needs from the configuration.
type Config struct {
	MaxBytes     int64    // UPLOAD_MAX_BYTES
	ContentTypes []string // UPLOAD_CONTENT_TYPES: the allow-list
}

// URL lifetimes.
const (
	UploadURLTTL   = 15 * time.Minute
	DownloadURLTTL = 5 * time.Minute
	// PendingTTL is how long a presigned, never finalized upload is kept
	// before the clean-up job deletes its object.
	PendingTTL = 24 * time.Hour
)

// Errors.
var (
	ErrNotFound      = apperr.New(apperr.NotFound, "No such attachment.")
	ErrUnknownUpload = apperr.Validation("The upload could not be attached.", map[string]string{
		"key": "This upload was not started here, or has expired; upload the file again.",
	})
	ErrNotUploaded = apperr.Validation("The file has not arrived in storage yet.", map[string]string{
		"key": "Upload the file first, then attach it.",
	})
	ErrSizeMismatch = apperr.Validation("The uploaded file is not the one announced.", map[string]string{
		"key": "The file's size does not match the size given when the upload started; it was deleted.",
	})
	ErrTypeMismatch = apperr.Validation("The uploaded file is not the one announced.", map[string]string{
		"key": "The file's contents do not match its type; it was deleted.",
	})
)

// UploadInput starts an upload (POST /api/v1/uploads).
type UploadInput struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// FinalizeInput attaches an uploaded file (POST /api/v1/tasks/{id}/attachments).
type FinalizeInput struct {
	Key      string `json:"key"`
	Filename string `json:"filename"`
}

// Uploaded is the answer to UploadInput: the key to finalize with, and how
// to send the file.
type Uploaded struct {
	Key       string            `json:"key"`
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expires_at"`
}

// problems checks an upload against cfg's rules.
func (in UploadInput) problems(cfg Config) map[string]string {
	p := map[string]string{}
	if msg := filenameProblem(in.Filename); msg != "" {
		p["filename"] = msg
	}
	if !slices.Contains(cfg.ContentTypes, in.ContentType) {
		p["content_type"] = "Files of this type cannot be attached; allowed: " + strings.Join(cfg.ContentTypes, ", ") + "."
	}
	if in.Size < 1 || in.Size > cfg.MaxBytes {
		p["size"] = fmt.Sprintf("The file must be between 1 byte and %d bytes.", cfg.MaxBytes)
	}
	return p
}

// filenameProblem refuses names a download could misuse: empty, too long,
// not UTF-8, with a path separator or a control character, or "."/"..".
func filenameProblem(name string) string {
	switch {
	case name == "" || name == "." || name == "..":
		return "Give the file a name."
	case len(name) > 255:
		return "The file name must be at most 255 bytes long."
	case !utf8.ValidString(name):
		return "The file name must be valid UTF-8."
	case strings.ContainsAny(name, `/\`):
		return "The file name must not contain / or \\."
	case strings.ContainsFunc(name, unicode.IsControl):
		return "The file name must not contain control characters."
	}
	return ""
}

// isImage reports whether a thumbnail can be made of contentType.
func isImage(contentType string) bool {
	return contentType == "image/png" || contentType == "image/jpeg" || contentType == "image/webp"
}

// thumbnailWait is how long after an upload a page waits for its
// thumbnail (a job, usually done within seconds; one that failed for good
// is not waited for forever).
const thumbnailWait = time.Minute

// thumbnailsPending reports whether an image in list, attached less than
// thumbnailWait before now, has no thumbnail yet.
func thumbnailsPending(list []Attachment, now time.Time) bool {
	for _, a := range list {
		if isImage(a.ContentType) && a.ThumbKey == "" && now.Sub(a.CreatedAt) < thumbnailWait {
			return true
		}
	}
	return false
}
