package app

import (
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/jobs"
	"github.com/groundwork-dev/groundwork/internal/platform/postgres"
)

// TestEveryEventLogIsRelayed: every feature that declares an event log
// channel (const EventsChannel, as internal/tasks does and every copy made
// by `make feature` does) is in features.eventFeeds, so the instance's
// listener relays its events. TestCopyFeature runs it on a copy. No
// database needed.
func TestEveryEventLogIsRelayed(t *testing.T) {
	t.Parallel()
	decl := regexp.MustCompile(`(?m)^\s*(?:const\s+)?EventsChannel\s*=\s*"([^"]+)"`)
	files, err := filepath.Glob(filepath.Join("..", "*", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range decl.FindAllSubmatch(src, -1) {
			declared = append(declared, string(m[1]))
		}
	}
	if len(declared) == 0 {
		t.Fatal("no feature declares EventsChannel: the test looks in the wrong place")
	}
	pool, err := postgres.Open("postgres://127.0.0.1:1/unused?sslmode=disable", 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	_, f := newRouterOn(t, testConfig(t), pool, slog.New(slog.DiscardHandler), nil, jobs.Options{})
	var relayed []string
	for _, feed := range f.eventFeeds() {
		relayed = append(relayed, feed.Channel)
	}
	for _, ch := range declared {
		if !slices.Contains(relayed, ch) {
			t.Errorf("channel %q is declared by a feature but not relayed: add the feature's EventFeed() to features.eventFeeds (relayed: %v)", ch, relayed)
		}
	}
}
