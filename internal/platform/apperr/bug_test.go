package apperr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
)

func TestIsBug(t *testing.T) {
	t.Parallel()
	bug := &apperr.Error{Kind: apperr.Invalid, Message: "cannot be stored", Bug: true, Err: errors.New("22021")}
	plain := apperr.Validation("Please correct the highlighted fields.", map[string]string{"title": "Title is required."})
	tests := []struct {
		name       string
		err        error
		wantBug    bool
		wantFields bool // InvalidFields reports ok
	}{
		{"bug", bug, true, false},
		{"wrapped bug", fmt.Errorf("tasks service: create: %w", bug), true, false},
		{"validation", plain, false, true},
		{"plain error", errors.New("x"), false, false},
		{"nil", nil, false, false},
	}
	for _, tt := range tests {
		if got := apperr.IsBug(tt.err); got != tt.wantBug {
			t.Errorf("%s: IsBug = %v, want %v", tt.name, got, tt.wantBug)
		}
		// A bug must reach the responder (which logs it), not be turned
		// into a re-rendered form by a controller.
		if _, ok := apperr.InvalidFields(tt.err); ok != tt.wantFields {
			t.Errorf("%s: InvalidFields ok = %v, want %v", tt.name, ok, tt.wantFields)
		}
	}
}
