package tasks

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/groundwork-dev/groundwork/web/ui"
)

// TestStatusOptionIsUIButton: the written-out status button (statusOption)
// renders exactly what ui.Button renders for the same props, so the row
// stays in step with the component library.
func TestStatusOptionIsUIButton(t *testing.T) {
	t.Parallel()
	task := Task{ID: 42, Status: StatusDoing}
	for _, s := range Statuses {
		want := render(t, ui.Button(ui.ButtonProps{
			Type: "submit", Variant: ui.VariantSecondary, Class: "btn--sm task-status__option",
			Name: "status", Value: string(s), Loading: true,
			Attrs: templ.Attributes{"hx-post": TaskStatusURL(task.ID), "aria-pressed": strconv.FormatBool(s == task.Status)},
		}), statusLabel(s))
		if got := render(t, statusOption(task, s), ""); got != want {
			t.Errorf("status %s:\n got %s\nwant %s", s, got, want)
		}
	}
}

// TestDeleteButtonIsUIButton: the same for the row's delete button, with
// a title that needs escaping.
func TestDeleteButtonIsUIButton(t *testing.T) {
	t.Parallel()
	task := Task{ID: 7, Title: `Fix <b>"this"</b> & that`}
	label := render(t, templ.Raw("Delete"), "") + `<span class="visually-hidden">` + templ.EscapeString(task.Title) + `</span>`
	want := render(t, ui.Button(ui.ButtonProps{
		Type: "submit", Variant: ui.VariantDanger, Class: "btn--sm", Loading: true,
		Attrs: templ.Attributes{
			"hx-delete":    TaskURL(task.ID),
			"data-confirm": "Delete “" + task.Title + "”? This cannot be undone.",
			"data-testid":  "task-delete",
		},
	}), label)
	if got := render(t, deleteButton(task), ""); got != want {
		t.Errorf("delete button:\n got %s\nwant %s", got, want)
	}
}

// render renders c with text as its children.
func render(t *testing.T, c templ.Component, text string) string {
	t.Helper()
	var b strings.Builder
	ctx := templ.WithChildren(context.Background(), templ.Raw(text))
	if err := c.Render(ctx, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
