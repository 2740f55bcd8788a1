package app

import (
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/account"
)

// What the sweep expects of each answer, and how it reports failures.

// checkStatus returns what is wrong with an answer's status, or "". The
// control case (valid input) must succeed; text that cannot be stored
// must be refused by the boundary rule, with a message naming the field.
func (c sweepCase) checkStatus(status int, body, contentType string) string {
	switch {
	case c.in.adminOnly && c.role != account.RoleAdmin:
		if status != http.StatusForbidden {
			return fmt.Sprintf("a user on an admin route got %d, want 403", status)
		}
	case c.shape == "control" && c.in.controlStatus != 0:
		if status != c.in.controlStatus {
			return fmt.Sprintf("valid input got %d, want %d", status, c.in.controlStatus)
		}
	case c.shape == "control":
		if status >= 400 {
			return fmt.Sprintf("valid input was refused with %d (are the route's base values in sweepInputs still valid?): %.300s", status, body)
		}
	case c.mustRefuse():
		want := map[string][]int{"query": {400}, "path": {400}, "form": {422}, "multipart": {422}, "json": {400, 422}}[c.shape]
		if !slices.Contains(want, status) {
			return fmt.Sprintf("text PostgreSQL cannot store got %d, want %v: %.300s", status, want, body)
		}
		if (contentType == "application/problem+json" || status == 400) && !strings.Contains(html.UnescapeString(body), c.field) {
			return fmt.Sprintf("the %d answer does not name %q: %.300s", status, c.field, body)
		}
	}
	return ""
}

// sweepReport collects the failures of every shard.
type sweepReport struct {
	t      *testing.T
	mu     sync.Mutex
	counts map[string]int // by kind
}

// fail reports a failure of kind; after sweepMaxReports of one kind, the
// rest are only counted, so that one broken rule cannot hide another.
func (r *sweepReport) fail(c sweepCase, kind, format string, args ...any) {
	r.mu.Lock()
	r.counts[kind]++
	n := r.counts[kind]
	r.mu.Unlock()
	if n <= sweepMaxReports {
		r.t.Errorf("%v: %s", c, fmt.Sprintf(format, args...))
	}
}

func (r *sweepReport) summary() {
	for kind, n := range r.counts {
		if n > sweepMaxReports {
			r.t.Errorf("... and %d more %q failures", n-sweepMaxReports, kind)
		}
	}
}
