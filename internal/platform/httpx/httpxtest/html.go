package httpxtest

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Doc parses an HTML answer (a page or an htmx fragment) for goquery's
// selectors; a body that does not parse fails t.
func Doc(t testing.TB, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
