package attachments

import (
	"testing"
	"time"
)

func TestThumbnailsPending(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	fresh, old := now.Add(-5*time.Second), now.Add(-thumbnailWait)
	for _, tc := range []struct {
		name string
		list []Attachment
		want bool
	}{
		{"nothing attached", nil, false},
		{"a new image without its thumbnail", []Attachment{{ContentType: "image/png", CreatedAt: fresh}}, true},
		{"a new image with its thumbnail", []Attachment{{ContentType: "image/webp", CreatedAt: fresh, ThumbKey: "t"}}, false},
		{"a PDF never gets one", []Attachment{{ContentType: "application/pdf", CreatedAt: fresh}}, false},
		{"an old image whose job failed for good", []Attachment{{ContentType: "image/jpeg", CreatedAt: old}}, false},
		{"one pending among others", []Attachment{{ContentType: "application/pdf", CreatedAt: fresh}, {ContentType: "image/jpeg", CreatedAt: fresh}}, true},
	} {
		if got := thumbnailsPending(tc.list, now); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
