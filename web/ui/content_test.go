package ui

import (
	"strings"
	"testing"
)

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
