package ui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

const (
	testNonce = "testnonce"
	xssScript = `<script>alert(1)</script>`
	xssAttr   = `"><img src=x onerror=alert(1)>`
	xssURL    = `javascript:alert(1)`
	failedURL = "about:invalid#TemplFailedSanitizationURL"
)

// render renders c (with children, if given) and parses the fragment.
func render(t *testing.T, c templ.Component, children ...templ.Component) *goquery.Document {
	t.Helper()
	ctx := templ.WithNonce(context.Background(), testNonce)
	if len(children) > 0 {
		ctx = templ.WithChildren(ctx, children[0])
	}
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

// text is a child component holding escaped text.
func text(s string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, templ.EscapeString(s))
		return err
	})
}

// assertCSPSafe checks what the strict CSP would refuse and what an injection
// would add: scripts, <style>, style attributes, event handlers, javascript: URLs.
func assertCSPSafe(t *testing.T, doc *goquery.Document) {
	t.Helper()
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if n, _ := s.Attr("nonce"); n != testNonce {
			t.Errorf("script without nonce: %q", s.Text())
		}
	})
	if n := doc.Find("style").Length(); n != 0 {
		t.Errorf("found %d <style> elements", n)
	}
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			name := strings.ToLower(a.Key)
			if strings.HasPrefix(name, "on") || strings.HasPrefix(name, "hx-on") {
				t.Errorf("<%s> has event-handler attribute %s=%q", goquery.NodeName(s), a.Key, a.Val)
			}
			if name == "style" {
				t.Errorf("<%s> has a style attribute", goquery.NodeName(s))
			}
			if strings.HasPrefix(strings.TrimSpace(strings.ToLower(a.Val)), "javascript:") {
				t.Errorf("<%s> has a javascript: URL in %s", goquery.NodeName(s), a.Key)
			}
		}
	})
}

// allComponents renders every component with s in every text-like value.
func allComponents(s string) map[string]templ.Component {
	opts := []SelectOption{{Value: s, Label: s}}
	return map[string]templ.Component{
		"Button":        Button(ButtonProps{Name: s, Value: s, ID: s, Class: "x", Loading: true, Attrs: templ.Attributes{"data-confirm": s, "hx-post": s}}),
		"LinkButton":    LinkButton(LinkButtonProps{Href: s, Attrs: templ.Attributes{"title": s}}),
		"Field":         Field(FieldProps{Name: s, Label: s, Value: s, Placeholder: s, Hint: s, Error: s, Autocomplete: s, Type: s}),
		"TextareaField": TextareaField(FieldProps{Name: s, Label: s, Value: s, Placeholder: s, Hint: s, Error: s}),
		"SelectField":   SelectField(SelectProps{FieldProps: FieldProps{Name: s, Label: s, Value: s, Placeholder: s, Hint: s, Error: s}, Options: opts}),
		"FormErrors":    FormErrors(map[string]string{s: s, "_form": s}),
		"Alert":         Alert(s, s, s),
		"Toast":         Toast(ToastData{Variant: s, Message: s, Detail: s}),
		"Card":          Card(s),
		"Badge":         Badge(s, s),
		"EmptyState":    EmptyState(s, s),
		"LoadMore":      LoadMore(LoadMoreProps{URL: s, Target: s, Swap: s, Label: s, ID: s}),
	}
}

func TestComponentsAreCSPSafe(t *testing.T) {
	for name, c := range allComponents("plain value") {
		t.Run(name, func(t *testing.T) {
			assertCSPSafe(t, render(t, c, text("child")))
		})
	}
}

func TestComponentsEscapeText(t *testing.T) {
	for _, payload := range []string{xssScript, xssAttr} {
		for name, c := range allComponents(payload) {
			t.Run(name, func(t *testing.T) {
				doc := render(t, c, text(payload))
				assertCSPSafe(t, doc)
				if n := doc.Find("script").Length(); n != 0 {
					t.Errorf("payload %q: injected %d <script>", payload, n)
				}
				if n := doc.Find("img").Length(); n != 0 {
					t.Errorf("payload %q: injected <img>", payload)
				}
				if name != "Spinner" && !strings.Contains(doc.Text(), payload) && !attrContains(doc, payload) {
					t.Errorf("payload %q: not rendered as text or attribute value", payload)
				}
			})
		}
	}
}

// attrContains reports whether some attribute value equals s exactly.
func attrContains(doc *goquery.Document, s string) bool {
	found := false
	doc.Find("*").Each(func(_ int, sel *goquery.Selection) {
		for _, a := range sel.Nodes[0].Attr {
			if a.Val == s {
				found = true
			}
		}
	})
	return found
}

func TestURLsAreSanitized(t *testing.T) {
	for _, url := range []string{xssURL, "JavaScript:alert(1)"} {
		doc := render(t, LinkButton(LinkButtonProps{Href: url}))
		if got := doc.Find("a").AttrOr("href", ""); got != failedURL {
			t.Errorf("LinkButton(%q) href = %q, want %q", url, got, failedURL)
		}
	}
	doc := render(t, LoadMore(LoadMoreProps{URL: xssURL}))
	lm := doc.Find(`[data-testid="load-more"]`)
	if got := lm.AttrOr("href", ""); got != failedURL {
		t.Errorf("LoadMore href = %q", got)
	}
	if got := lm.AttrOr("hx-get", ""); got != failedURL {
		t.Errorf("LoadMore hx-get = %q", got)
	}
	doc = render(t, LinkButton(LinkButtonProps{Href: xssURL}), text("Go"))
	if got := doc.Find("a").AttrOr("href", ""); got != failedURL {
		t.Errorf("LinkButton href = %q", got)
	}
	doc = render(t, Button(ButtonProps{Attrs: templ.Attributes{"hx-get": xssURL, "formaction": xssURL, "data-hx-post": xssURL}}), text("Go"))
	for _, a := range []string{"hx-get", "formaction", "data-hx-post"} {
		if got := doc.Find("button").AttrOr(a, ""); got != failedURL {
			t.Errorf("Button Attrs %s = %q, want sanitized", a, got)
		}
	}
}

func TestAttrsFilter(t *testing.T) {
	doc := render(t, Button(ButtonProps{Attrs: templ.Attributes{
		"onclick":         "alert(1)",
		"OnMouseOver":     "alert(1)",
		"hx-on:click":     "alert(1)",
		"style":           "color:red",
		"hx-post":         "/tasks/1/delete",
		"hx-target":       "#row-1",
		"data-confirm":    "Delete it?",
		"aria-label":      "Delete task",
		"data-testid":     "delete",
		"hx-disabled-elt": true,
	}}), text("Delete"))
	b := doc.Find("button")
	for _, a := range []string{"onclick", "onmouseover", "hx-on:click", "style"} {
		if _, ok := b.Attr(a); ok {
			t.Errorf("attribute %s was passed through", a)
		}
	}
	want := map[string]string{"hx-post": "/tasks/1/delete", "hx-target": "#row-1", "data-confirm": "Delete it?", "aria-label": "Delete task", "data-testid": "delete", "hx-disabled-elt": ""}
	for k, v := range want {
		got, ok := b.Attr(k)
		if !ok || got != v {
			t.Errorf("attribute %s = %q (present %v), want %q", k, got, ok, v)
		}
	}
}
