package ui

import (
	"strings"
	"testing"
)

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
