package ui

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
)

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
