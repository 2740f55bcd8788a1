package ui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"
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

func TestButton(t *testing.T) {
	doc := render(t, Button(ButtonProps{}), text("Save"))
	b := doc.Find("button")
	if got := b.AttrOr("type", ""); got != "button" {
		t.Errorf("default type = %q", got)
	}
	if !b.HasClass("btn") || !b.HasClass("btn--primary") {
		t.Errorf("default classes = %q", b.AttrOr("class", ""))
	}
	if strings.TrimSpace(b.Text()) != "Save" {
		t.Errorf("label = %q", b.Text())
	}
	if b.Find(".htmx-indicator").Length() != 0 {
		t.Error("indicator without Loading")
	}

	doc = render(t, Button(ButtonProps{Variant: VariantDanger, Type: "submit", Loading: true, Disabled: true, Name: "action", Value: "delete"}), text("Delete"))
	b = doc.Find("button")
	if b.AttrOr("type", "") != "submit" || !b.HasClass("btn--danger") {
		t.Errorf("got %q %q", b.AttrOr("type", ""), b.AttrOr("class", ""))
	}
	if _, ok := b.Attr("disabled"); !ok {
		t.Error("not disabled")
	}
	if b.AttrOr("name", "") != "action" || b.AttrOr("value", "") != "delete" {
		t.Error("name/value missing")
	}
	ind := b.Find(".htmx-indicator.spinner")
	if ind.Length() != 1 || ind.AttrOr("aria-hidden", "") != "true" {
		t.Error("loading indicator missing")
	}

	doc = render(t, Button(ButtonProps{Variant: "bogus", Type: "bogus"}), text("x"))
	if b := doc.Find("button"); !b.HasClass("btn--primary") || b.AttrOr("type", "") != "button" {
		t.Errorf("unknown variant/type not normalized: %q %q", b.AttrOr("class", ""), b.AttrOr("type", ""))
	}
}

func TestFieldWithError(t *testing.T) {
	doc := render(t, Field(FieldProps{Name: "email", Label: "Email", Type: "email", Value: "nope", Hint: "We never share it.", Error: "Enter a valid email address.", Required: true, Autocomplete: "email"}))
	in := doc.Find("input")
	if got := in.AttrOr("id", ""); got != "email" {
		t.Errorf("id = %q, want the name", got)
	}
	if got := doc.Find("label").AttrOr("for", ""); got != "email" {
		t.Errorf("label for = %q", got)
	}
	if got := in.AttrOr("aria-invalid", ""); got != "true" {
		t.Errorf("aria-invalid = %q", got)
	}
	if got := in.AttrOr("aria-describedby", ""); got != "email-hint email-error" {
		t.Errorf("aria-describedby = %q", got)
	}
	if got := doc.Find("#email-error").Text(); !strings.Contains(got, "Enter a valid email address.") {
		t.Errorf("error text = %q", got)
	}
	if got := doc.Find("#email-hint").Text(); got != "We never share it." {
		t.Errorf("hint = %q", got)
	}
	for attr, want := range map[string]string{"type": "email", "value": "nope", "name": "email", "autocomplete": "email"} {
		if got := in.AttrOr(attr, ""); got != want {
			t.Errorf("%s = %q, want %q", attr, got, want)
		}
	}
	if _, ok := in.Attr("required"); !ok {
		t.Error("required missing")
	}
}

func TestFieldWithoutError(t *testing.T) {
	doc := render(t, Field(FieldProps{Name: "title", ID: "task-title", Label: "Title"}))
	in := doc.Find("input")
	if in.AttrOr("id", "") != "task-title" || in.AttrOr("type", "") != "text" {
		t.Errorf("id/type = %q/%q", in.AttrOr("id", ""), in.AttrOr("type", ""))
	}
	for _, a := range []string{"aria-invalid", "aria-describedby", "required", "placeholder"} {
		if _, ok := in.Attr(a); ok {
			t.Errorf("%s present on a plain field", a)
		}
	}
	if doc.Find(".field__error").Length() != 0 {
		t.Error("error element present")
	}
}

func TestTextareaSelect(t *testing.T) {
	doc := render(t, TextareaField(FieldProps{Name: "notes", Label: "Notes", Value: "line 1\nline 2", Error: "Too long.", Rows: 6}))
	ta := doc.Find("textarea")
	if ta.Text() != "line 1\nline 2" || ta.AttrOr("rows", "") != "6" || ta.AttrOr("aria-invalid", "") != "true" || ta.AttrOr("aria-describedby", "") != "notes-error" {
		t.Errorf("textarea = %q rows=%q invalid=%q", ta.Text(), ta.AttrOr("rows", ""), ta.AttrOr("aria-invalid", ""))
	}

	doc = render(t, SelectField(SelectProps{
		FieldProps: FieldProps{Name: "status", Label: "Status", Value: "doing", Placeholder: "Choose…"},
		Options:    []SelectOption{{Value: "todo", Label: "To do"}, {Value: "doing", Label: "Doing"}, {Value: "done", Label: "Done", Disabled: true}},
	}))
	var got []string
	doc.Find("select#status option").Each(func(_ int, o *goquery.Selection) {
		_, sel := o.Attr("selected")
		_, dis := o.Attr("disabled")
		got = append(got, o.AttrOr("value", "?")+":"+o.Text()+map[bool]string{true: ":selected"}[sel]+map[bool]string{true: ":disabled"}[dis])
	})
	want := []string{":Choose…", "todo:To do", "doing:Doing:selected", "done:Done:disabled"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	if doc.Find(`label[for="status"]`).Length() != 1 {
		t.Error("select label missing")
	}
}

func TestFormErrors(t *testing.T) {
	if doc := render(t, FormErrors(nil)); strings.TrimSpace(doc.Find("body").Text()) != "" || doc.Find("[role]").Length() != 0 {
		t.Error("empty FormErrors rendered something")
	}
	doc := render(t, FormErrors(map[string]string{"title": "Title is required.", "email": "Enter an email.", "_form": "Try again."}))
	box := doc.Find(`[data-testid="form-errors"]`)
	if box.AttrOr("role", "") != "alert" {
		t.Errorf("role = %q", box.AttrOr("role", ""))
	}
	var items []string
	box.Find("li").Each(func(_ int, li *goquery.Selection) {
		items = append(items, li.Find("a").AttrOr("href", "-")+" "+strings.TrimSpace(li.Text()))
	})
	want := []string{"- Try again.", "#email Enter an email.", "#title Title is required."}
	if diff := cmp.Diff(want, items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if !strings.Contains(box.Text(), "3 problems") {
		t.Errorf("title = %q", box.Find(".form-errors__title").Text())
	}
}

func TestToast(t *testing.T) {
	tests := []struct{ variant, role, class string }{
		{VariantError, "alert", "toast--error"},
		{VariantSuccess, "status", "toast--success"},
		{"", "status", "toast--info"},
		{VariantWarning, "status", "toast--warning"},
	}
	for _, tt := range tests {
		doc := render(t, Toast(ToastData{Variant: tt.variant, Message: "Saved.", Detail: "More."}))
		toast := doc.Find(`[data-testid="toast"]`)
		if toast.AttrOr("role", "") != tt.role || !toast.HasClass(tt.class) || !toast.HasClass("toast") {
			t.Errorf("variant %q: role=%q class=%q", tt.variant, toast.AttrOr("role", ""), toast.AttrOr("class", ""))
		}
		if _, ok := toast.Attr("data-autodismiss"); !ok {
			t.Errorf("variant %q: no data-autodismiss", tt.variant)
		}
		btn := toast.Find("button[data-dismiss]")
		if btn.Length() != 1 || btn.AttrOr("aria-label", "") == "" || btn.AttrOr("type", "") != "button" {
			t.Errorf("variant %q: dismiss button missing or unlabeled", tt.variant)
		}
		if toast.Find(".toast__message").Text() != "Saved." || toast.Find(".toast__detail").Text() != "More." {
			t.Errorf("variant %q: text wrong", tt.variant)
		}
	}
	if doc := render(t, Toast(ToastData{Message: "x"})); doc.Find(".toast__detail").Length() != 0 {
		t.Error("empty detail rendered")
	}
}

func TestAlertBadgeCardEmptyState(t *testing.T) {
	doc := render(t, Alert(VariantError, "Conflict", "Someone else changed it."))
	a := doc.Find(`[data-testid="alert"]`)
	if a.AttrOr("role", "") != "alert" || !a.HasClass("alert--error") || a.Find(".alert__title").Text() != "Conflict" {
		t.Errorf("alert: role=%q class=%q", a.AttrOr("role", ""), a.AttrOr("class", ""))
	}
	if doc := render(t, Alert(VariantSuccess, "", "Saved.")); doc.Find("[role]").AttrOr("role", "") != "status" || doc.Find(".alert__title").Length() != 0 {
		t.Error("success alert: want role=status and no title")
	}

	doc = render(t, Badge(VariantSuccess, "Done"))
	if b := doc.Find(".badge"); b.Text() != "Done" || !b.HasClass("badge--success") {
		t.Errorf("badge = %q %q", b.Text(), b.AttrOr("class", ""))
	}
	if doc := render(t, Badge("", "x")); !doc.Find(".badge").HasClass("badge--neutral") {
		t.Error("badge default variant")
	}

	doc = render(t, Card("Recent"), text("body"))
	if c := doc.Find(`[data-testid="card"]`); c.Find("h2").Text() != "Recent" || strings.TrimSpace(c.Find(".card__body").Text()) != "body" {
		t.Error("card content wrong")
	}

	doc = render(t, EmptyState("No tasks yet", "Create one."), LinkButton(LinkButtonProps{Href: "/tasks/new"}))
	es := doc.Find(`[data-testid="empty-state"]`)
	if es.Find(".empty-state__title").Text() != "No tasks yet" || es.Find(`.empty-state__actions a[href="/tasks/new"]`).Length() != 1 {
		t.Error("empty state content wrong")
	}
}

func TestLoadMore(t *testing.T) {
	doc := render(t, LoadMore(LoadMoreProps{URL: "/tasks?cursor=abc"}))
	a := doc.Find(`a[data-testid="load-more"]`)
	for attr, want := range map[string]string{"href": "/tasks?cursor=abc", "hx-get": "/tasks?cursor=abc", "hx-target": "this", "hx-swap": "outerHTML"} {
		if got := a.AttrOr(attr, ""); got != want {
			t.Errorf("%s = %q, want %q", attr, got, want)
		}
	}
	if a.Find(".htmx-indicator").Length() != 1 || strings.TrimSpace(a.Find(".btn__label").Text()) != "Load more" {
		t.Error("indicator or label missing")
	}
	doc = render(t, LoadMore(LoadMoreProps{URL: "/x", Target: "#rows"}))
	if got := doc.Find("a").AttrOr("hx-swap", ""); got != "beforeend" {
		t.Errorf("hx-swap with target = %q, want beforeend", got)
	}
	doc = render(t, LoadMore(LoadMoreProps{URL: "/x", Target: "#rows", Swap: "outerHTML"}))
	if got := doc.Find("a").AttrOr("hx-swap", ""); got != "outerHTML" {
		t.Errorf("explicit hx-swap = %q", got)
	}
}
