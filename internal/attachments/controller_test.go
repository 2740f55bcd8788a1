package attachments_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/attachments"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/jobs/jobstest"
)

// TestUploadAttachDownloadDelete is the whole flow through the API: a
// presigned upload straight to storage, a verified finalize, the list, a
// download served as an attachment, the thumbnail job, and a delete whose
// job removes the objects. Another user sees none of it.
func TestUploadAttachDownloadDelete(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	alice, task := s.user(t)
	bob, _ := s.user(t)
	img := pngBytes(t)

	var up attachments.Uploaded
	if resp := postJSON(t, alice, "/api/v1/uploads", attachments.UploadInput{Filename: "plan.png", ContentType: "image/png", Size: int64(len(img))}, &up); resp.StatusCode != http.StatusCreated {
		t.Fatalf("presign = %d", resp.StatusCode)
	}
	if !strings.HasPrefix(up.Key, "uploads/") || up.Method != http.MethodPut {
		t.Errorf("upload = %+v", up)
	}
	if code := put(t, up, img, "image/png"); code != http.StatusOK {
		t.Fatalf("PUT = %d", code)
	}
	var a attachments.Attachment
	if resp := postJSON(t, alice, apiPath(task), attachments.FinalizeInput{Key: up.Key, Filename: "plan.png"}, &a); resp.StatusCode != http.StatusCreated {
		t.Fatalf("finalize = %d", resp.StatusCode)
	}
	if a.Filename != "plan.png" || a.ContentType != "image/png" || a.Size != int64(len(img)) || a.TaskID != task {
		t.Errorf("attachment = %+v", a)
	}
	if resp, _ := alice.Get(apiPath(task)); resp.StatusCode != http.StatusOK {
		t.Errorf("list = %d", resp.StatusCode)
	}

	// Download: 303 to a short-lived URL that serves the file as an attachment.
	resp, _ := alice.Get(fmt.Sprintf("%s/%d", apiPath(task), a.ID))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("download = %d, want 303", resp.StatusCode)
	}
	dl, err := http.Get(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	if !bytes.Equal(body, img) || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") ||
		dl.Header.Get("X-Content-Type-Options") != "nosniff" || dl.Header.Get("Content-Security-Policy") != "sandbox" {
		t.Errorf("download: %d bytes, headers %v", len(body), dl.Header)
	}

	// Until the thumbnail job has run, the list reloads itself; then it
	// shows the thumbnail, and stops.
	pending := func() int {
		_, frag := alice.Get(attachments.AttachmentsURL(task))
		return httpxtest.Doc(t, frag).Find(`[data-testid="thumbnails-pending"][hx-get][hx-trigger]`).Length()
	}
	if pending() != 1 {
		t.Errorf("the list does not wait for the thumbnail")
	}
	jobstest.Drain(t, s.pool, s.jobs)
	_, frag := alice.Get(attachments.AttachmentsURL(task))
	if img := httpxtest.Doc(t, frag).Find(`[data-testid="attachment"] img`); img.Length() != 1 {
		t.Errorf("fragment has no thumbnail:\n%s", frag)
	}
	if pending() != 0 {
		t.Errorf("the list still reloads itself once the thumbnail is there")
	}
	resp, _ = alice.Get(attachments.AttachmentURL(task, a.ID) + "/thumbnail")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("thumbnail = %d, want 303", resp.StatusCode)
	}

	// Another user: 404 everywhere.
	for _, path := range []string{apiPath(task), fmt.Sprintf("%s/%d", apiPath(task), a.ID), attachments.AttachmentsURL(task)} {
		if resp, _ := bob.Get(path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("bob GET %s = %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := bob.Do(http.MethodDelete, fmt.Sprintf("%s/%d", apiPath(task), a.ID), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("bob DELETE = %d, want 404", resp.StatusCode)
	}

	// Delete: 204, and the job removes the file and its thumbnail.
	if resp, _ := alice.Do(http.MethodDelete, fmt.Sprintf("%s/%d", apiPath(task), a.ID), nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete = %d", resp.StatusCode)
	}
	jobstest.Drain(t, s.pool, s.jobs)
	for _, key := range []string{up.Key, up.Key + ".thumb.png"} {
		if _, err := s.store.Stat(t.Context(), key); err == nil {
			t.Errorf("%s still in storage after delete", key)
		}
	}
}
