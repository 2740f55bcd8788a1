package ui

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
)

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
