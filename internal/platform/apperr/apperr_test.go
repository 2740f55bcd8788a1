package apperr_test

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
)

func TestKindStatusAndString(t *testing.T) {
	t.Parallel()
	want := map[apperr.Kind]struct {
		status int
		name   string
	}{
		apperr.Internal:         {500, "internal"},
		apperr.Malformed:        {400, "malformed"},
		apperr.Invalid:          {422, "invalid"},
		apperr.Unauthenticated:  {401, "unauthenticated"},
		apperr.Forbidden:        {403, "forbidden"},
		apperr.NotFound:         {404, "not_found"},
		apperr.MethodNotAllowed: {405, "method_not_allowed"},
		apperr.Conflict:         {409, "conflict"},
		apperr.TooLarge:         {413, "too_large"},
		apperr.UnsupportedMedia: {415, "unsupported_media"},
		apperr.TooManyRequests:  {429, "too_many_requests"},
		apperr.Unavailable:      {503, "unavailable"},
	}
	kinds := apperr.Kinds()
	if len(kinds) != len(want) {
		t.Fatalf("len(Kinds()) = %d, want %d (a new kind needs a status and a name here)", len(kinds), len(want))
	}
	seenStatus := map[int]apperr.Kind{}
	for _, k := range kinds {
		w, ok := want[k]
		if !ok {
			t.Errorf("Kinds() contains unexpected kind %d", k)
			continue
		}
		if got := k.Status(); got != w.status {
			t.Errorf("%v.Status() = %d, want %d", k, got, w.status)
		}
		if got := k.String(); got != w.name {
			t.Errorf("Kind(%d).String() = %q, want %q", uint8(k), got, w.name)
		}
		if other, dup := seenStatus[k.Status()]; dup {
			t.Errorf("%v and %v both map to %d", k, other, k.Status())
		}
		seenStatus[k.Status()] = k
		if got := apperr.GenericMessage(k); got == "" {
			t.Errorf("GenericMessage(%v) is empty", k)
		}
	}
}

func TestKindZeroValueIsInternal(t *testing.T) {
	t.Parallel()
	var k apperr.Kind
	if k != apperr.Internal {
		t.Errorf("zero Kind = %v, want %v", k, apperr.Internal)
	}
}

func TestUnknownKind(t *testing.T) {
	t.Parallel()
	k := apperr.Kind(200)
	if got, want := k.Status(), 500; got != want {
		t.Errorf("Kind(200).Status() = %d, want %d", got, want)
	}
	if got, want := k.String(), "kind(200)"; got != want {
		t.Errorf("Kind(200).String() = %q, want %q", got, want)
	}
}

var errSentinel = apperr.New(apperr.NotFound, "Task not found.")

func TestErrorsIsAndAsThroughWrapping(t *testing.T) {
	t.Parallel()
	cause := fs.ErrNotExist
	appErr := apperr.Wrap(cause, apperr.Conflict, "Already exists.")
	wrapped := fmt.Errorf("task service: create: %w", fmt.Errorf("task repository: insert: %w", appErr))

	if !errors.Is(wrapped, cause) {
		t.Errorf("errors.Is(%v, fs.ErrNotExist) = false, want true", wrapped)
	}
	got, ok := errors.AsType[*apperr.Error](wrapped)
	if !ok {
		t.Fatalf("errors.AsType[*apperr.Error](%v) found nothing", wrapped)
	}
	if got != appErr {
		t.Errorf("errors.AsType found %p, want %p", got, appErr)
	}
	if k := apperr.KindOf(wrapped); k != apperr.Conflict {
		t.Errorf("KindOf(wrapped) = %v, want %v", k, apperr.Conflict)
	}

	sentinelWrapped := fmt.Errorf("task controller: show 7: %w", errSentinel)
	if !errors.Is(sentinelWrapped, errSentinel) {
		t.Errorf("errors.Is(%v, errSentinel) = false, want true", sentinelWrapped)
	}
	if errors.Is(sentinelWrapped, apperr.New(apperr.NotFound, "Task not found.")) {
		t.Error("errors.Is matched a different *Error with the same kind and message; want identity comparison")
	}
	if k := apperr.KindOf(sentinelWrapped); k != apperr.NotFound {
		t.Errorf("KindOf(sentinelWrapped) = %v, want %v", k, apperr.NotFound)
	}
}

func TestKindOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want apperr.Kind
	}{
		{"plain error", errors.New("boom"), apperr.Internal},
		{"nil", nil, apperr.Internal},
		{"wrapped plain error", fmt.Errorf("x: %w", errors.New("boom")), apperr.Internal},
		{"apperr", apperr.New(apperr.Forbidden, ""), apperr.Forbidden},
		{"validation", apperr.Validation("", map[string]string{"a": "b"}), apperr.Invalid},
		{"outermost apperr wins", apperr.Wrap(apperr.New(apperr.NotFound, ""), apperr.Unavailable, ""), apperr.Unavailable},
		{"joined", errors.Join(errors.New("x"), apperr.New(apperr.TooLarge, "")), apperr.TooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := apperr.KindOf(tt.err); got != tt.want {
				t.Errorf("KindOf(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestSafeMessage(t *testing.T) {
	t.Parallel()
	const secret = "secret db password leaked"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"plain error", errors.New(secret), apperr.GenericMessage(apperr.Internal)},
		{"wrapped plain error", fmt.Errorf("repo: %w", errors.New(secret)), apperr.GenericMessage(apperr.Internal)},
		{"apperr with message", apperr.Wrap(errors.New(secret), apperr.Conflict, "Title taken."), "Title taken."},
		{"apperr without message", apperr.Wrap(errors.New(secret), apperr.Unavailable, ""), apperr.GenericMessage(apperr.Unavailable)},
		{"apperr wrapped by fmt", fmt.Errorf("svc: %s: %w", secret, apperr.New(apperr.NotFound, "Task not found.")), "Task not found."},
		{"internal kind, no message", apperr.Wrap(errors.New(secret), apperr.Internal, ""), apperr.GenericMessage(apperr.Internal)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := apperr.SafeMessage(tt.err)
			if got != tt.want {
				t.Errorf("SafeMessage(%v) = %q, want %q", tt.err, got, tt.want)
			}
			if strings.Contains(got, "secret") {
				t.Errorf("SafeMessage(%v) = %q, leaks the cause", tt.err, got)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  *apperr.Error
		want string
	}{
		{"message only", apperr.New(apperr.NotFound, "Task not found."), "Task not found."},
		{"kind name when no message", &apperr.Error{Kind: apperr.Conflict}, "conflict"},
		{"message and cause", apperr.Wrap(errors.New("pq: duplicate key"), apperr.Conflict, "Title taken."), "Title taken.: pq: duplicate key"},
		{"cause without message", apperr.Wrap(errors.New("dial tcp"), apperr.Unavailable, ""), "unavailable: dial tcp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUnwrap(t *testing.T) {
	t.Parallel()
	cause := errors.New("cause")
	if got := apperr.Wrap(cause, apperr.Internal, "").Unwrap(); got != cause {
		t.Errorf("Wrap(cause).Unwrap() = %v, want %v", got, cause)
	}
	if got := apperr.New(apperr.NotFound, "x").Unwrap(); got != nil {
		t.Errorf("New(...).Unwrap() = %v, want nil", got)
	}
}

func TestFieldsOf(t *testing.T) {
	t.Parallel()
	fields := map[string]string{"title": "Title is required.", "due": "Due must be a date."}
	err := fmt.Errorf("handler: %w", apperr.Validation("Please correct the highlighted fields.", fields))

	if diff := cmp.Diff(fields, apperr.FieldsOf(err)); diff != "" {
		t.Errorf("FieldsOf mismatch (-want +got):\n%s", diff)
	}
	if k := apperr.KindOf(err); k != apperr.Invalid {
		t.Errorf("KindOf(Validation) = %v, want %v", k, apperr.Invalid)
	}
	if got := apperr.SafeMessage(err); got != "Please correct the highlighted fields." {
		t.Errorf("SafeMessage(Validation) = %q, want %q", got, "Please correct the highlighted fields.")
	}
	if got := apperr.FieldsOf(errors.New("plain")); got != nil {
		t.Errorf("FieldsOf(plain) = %v, want nil", got)
	}
	if got := apperr.FieldsOf(apperr.New(apperr.NotFound, "")); got != nil {
		t.Errorf("FieldsOf(NotFound) = %v, want nil", got)
	}
}

func TestRetryAfterOf(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("limiter: %w", &apperr.Error{Kind: apperr.TooManyRequests, RetryAfter: 1500 * time.Millisecond})
	if got, want := apperr.RetryAfterOf(err), 1500*time.Millisecond; got != want {
		t.Errorf("RetryAfterOf(wrapped) = %v, want %v", got, want)
	}
	if got := apperr.RetryAfterOf(errors.New("plain")); got != 0 {
		t.Errorf("RetryAfterOf(plain) = %v, want 0", got)
	}
	if got := apperr.RetryAfterOf(apperr.New(apperr.Unavailable, "")); got != 0 {
		t.Errorf("RetryAfterOf(no hint) = %v, want 0", got)
	}
}

func TestInvalidFields(t *testing.T) {
	fields := map[string]string{"title": "Title is required."}
	got, ok := apperr.InvalidFields(fmt.Errorf("wrapped: %w", apperr.Validation("fix it", fields)))
	if !ok || got["title"] != "Title is required." {
		t.Errorf("InvalidFields(validation error) = %v, %v", got, ok)
	}
	for _, err := range []error{nil, errors.New("boom"), apperr.New(apperr.NotFound, "gone"), apperr.New(apperr.Malformed, "bad json")} {
		if got, ok := apperr.InvalidFields(err); ok || got != nil {
			t.Errorf("InvalidFields(%v) = %v, %v; want nil, false", err, got, ok)
		}
	}
}
