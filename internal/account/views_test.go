package account

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/web/layout"
)

const viewTestNonce = "testnonce"

// renderView renders c as a page request for path and parses the result.
func renderView(t *testing.T, c templ.Component, path string) (*goquery.Document, string) {
	t.Helper()
	ctx := templ.WithNonce(context.Background(), viewTestNonce)
	ctx = layout.WithRequest(ctx, path, "")
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc, buf.String()
}

// inputNames lists the names of the inputs of a form, in order.
func inputNames(form *goquery.Selection) []string {
	var names []string
	form.Find("input, textarea, select").Each(func(_ int, s *goquery.Selection) {
		names = append(names, s.AttrOr("name", ""))
	})
	return names
}

// assertViewCSPSafe checks what the strict CSP would refuse.
func assertViewCSPSafe(t *testing.T, doc *goquery.Document) {
	t.Helper()
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if s.AttrOr("nonce", "") != viewTestNonce || s.AttrOr("src", "") == "" {
			t.Errorf("script without nonce or inline: %q", s.AttrOr("src", "(inline)"))
		}
	})
	if doc.Find("style").Length() != 0 {
		t.Error("<style> element found")
	}
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			k := strings.ToLower(a.Key)
			if k == "style" || strings.HasPrefix(k, "on") || strings.HasPrefix(k, "hx-on") {
				t.Errorf("<%s> has %s=%q", goquery.NodeName(s), a.Key, a.Val)
			}
		}
	})
}

// assertForm checks a form's method, action and exact input names.
func assertForm(t *testing.T, doc *goquery.Document, testid, action string, names ...string) *goquery.Selection {
	t.Helper()
	form := doc.Find(`form[data-testid="` + testid + `"]`)
	if form.Length() != 1 {
		t.Fatalf("form %s: found %d", testid, form.Length())
	}
	if got := form.AttrOr("method", ""); got != "post" {
		t.Errorf("form %s: method = %q", testid, got)
	}
	if got := form.AttrOr("action", ""); got != action {
		t.Errorf("form %s: action = %q, want %q", testid, got, action)
	}
	if diff := cmp.Diff(names, inputNames(form)); diff != "" {
		t.Errorf("form %s: input names (-want +got):\n%s", testid, diff)
	}
	if form.Find(`button[type="submit"]`).Length() != 1 {
		t.Errorf("form %s: no submit button", testid)
	}
	for _, a := range form.Nodes[0].Attr {
		if strings.HasPrefix(a.Key, "hx-") {
			t.Errorf("form %s: has %s; it must work as a plain form", testid, a.Key)
		}
	}
	return form
}

// assertNoPasswordValue checks that no password input carries a value.
func assertNoPasswordValue(t *testing.T, doc *goquery.Document) {
	t.Helper()
	doc.Find(`input[type="password"]`).Each(func(_ int, s *goquery.Selection) {
		if v, ok := s.Attr("value"); ok {
			t.Errorf("password input %q has value %q", s.AttrOr("name", ""), v)
		}
	})
}
