package mail_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"

	gomail "github.com/groundwork-dev/groundwork/internal/platform/mail"
)

// Every sender satisfies the interface.
var (
	_ gomail.Sender = (*gomail.SMTPSender)(nil)
	_ gomail.Sender = (*gomail.LogSender)(nil)
	_ gomail.Sender = (*gomail.Capture)(nil)
)

func TestLogSender(t *testing.T) {
	t.Parallel()
	var buf strings.Builder
	s := gomail.NewLogSender(slog.New(slog.NewJSONHandler(&buf, nil)))
	m := gomail.Message{To: "ada@example.com", Subject: "Reset", Text: "Open https://example.com/reset/abc?x=1&y=2", HTML: "<p>html</p>"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(buf.String()), &got); err != nil {
		t.Fatalf("log output %q: %v", buf.String(), err)
	}
	for k, want := range map[string]string{"level": "INFO", "msg": "mail not sent (development)", "to": m.To, "subject": m.Subject, "text": m.Text} {
		if got[k] != want {
			t.Errorf("log %s = %v, want %q", k, got[k], want)
		}
	}
}

func TestCapture(t *testing.T) {
	t.Parallel()
	var c gomail.Capture
	if _, ok := c.Last(); ok {
		t.Error("Last() on an empty Capture reported a message")
	}
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := c.Send(context.Background(), gomail.Message{To: fmt.Sprintf("u%d@example.com", i)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	msgs := c.Messages()
	if len(msgs) != n {
		t.Fatalf("Messages() has %d messages, want %d", len(msgs), n)
	}
	seen := make(map[string]bool)
	for _, m := range msgs {
		seen[m.To] = true
	}
	if len(seen) != n {
		t.Errorf("Messages() has %d distinct recipients, want %d", len(seen), n)
	}
	last, ok := c.Last()
	if !ok || last != msgs[n-1] {
		t.Errorf("Last() = %+v, %v, want %+v, true", last, ok, msgs[n-1])
	}
	msgs[0].To = "changed"
	if c.Messages()[0].To == "changed" {
		t.Error("Messages() returned the internal slice")
	}
}

// htmlLink stands in for a generated templ component: it escapes its
// arguments as templ does.
func htmlLink(name, link string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<p>Hi `+templ.EscapeString(name)+`</p><a href="`+templ.EscapeString(link)+`">Reset</a>`)
		return err
	})
}

func TestRender(t *testing.T) {
	t.Parallel()
	link := "https://example.com/reset?a=1&b=2"
	got, err := gomail.Render(context.Background(), "ada@example.com", "Reset your password",
		htmlLink("<Ada>", link), gomail.Text("Hi %s,\n\nReset: %s\n", "<Ada>", link))
	if err != nil {
		t.Fatal(err)
	}
	want := gomail.Message{
		To:      "ada@example.com",
		Subject: "Reset your password",
		HTML:    `<p>Hi &lt;Ada&gt;</p><a href="https://example.com/reset?a=1&amp;b=2">Reset</a>`,
		Text:    "Hi <Ada>,\n\nReset: https://example.com/reset?a=1&b=2\n",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Render() mismatch (-want +got):\n%s", diff)
	}

	if m, err := gomail.Render(context.Background(), "ada@example.com", "s", nil, gomail.Text("only text")); err != nil || m.HTML != "" || m.Text != "only text" {
		t.Errorf("Render(nil html) = %+v, %v, want text only", m, err)
	}

	boom := errors.New("boom")
	failing := templ.ComponentFunc(func(context.Context, io.Writer) error { return boom })
	if _, err := gomail.Render(context.Background(), "a@example.com", "s", failing, nil); !errors.Is(err, boom) {
		t.Errorf("Render(failing html) err = %v, want it to wrap %v", err, boom)
	}
}
