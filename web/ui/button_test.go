package ui

import (
	"strings"
	"testing"
)

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
