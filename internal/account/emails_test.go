package account

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

func TestEmails(t *testing.T) {
	link := "https://app.example.com/password/reset/tok?a=1&b=2"
	tests := []struct {
		name string
		c    templ.Component
		want []string
	}{
		{"reset", ResetEmail(link), []string{"Reset your Groundwork password", "This link works for one hour and only once. If you did not ask for it, ignore this email."}},
		{"verify", VerifyEmail(link), []string{"Confirm your email address", "This link works for 48 hours."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.c.Render(context.Background(), &buf); err != nil {
				t.Fatal(err)
			}
			doc, err := goquery.NewDocumentFromReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.want {
				if !strings.Contains(doc.Text(), s) {
					t.Errorf("text %q missing", s)
				}
			}
			links := doc.Find(`a[href]`)
			if links.Length() == 0 {
				t.Fatal("no link")
			}
			links.Each(func(_ int, a *goquery.Selection) {
				if got := a.AttrOr("href", ""); got != link {
					t.Errorf("href = %q, want %q", got, link)
				}
			})
			if !strings.Contains(doc.Text(), link) {
				t.Error("link not written out for copying")
			}
			if doc.Find("script, img, link, [class]").Length() != 0 {
				t.Error("scripts, images, stylesheets or classes in an email")
			}
		})
	}

	var buf bytes.Buffer
	if err := ResetEmail("javascript:alert(1)").Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `href="javascript:`) {
		t.Error("javascript: link not sanitized")
	}
}
