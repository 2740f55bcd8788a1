package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

func TestIsHTMXAndVary(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		value string
		want  bool
	}{{"true", true}, {"", false}, {"false", false}, {"1", false}} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if tt.value != "" {
			req.Header.Set("HX-Request", tt.value)
		}
		if got := httpx.IsHTMX(req); got != tt.want {
			t.Errorf("IsHTMX(HX-Request %q) = %v, want %v", tt.value, got, tt.want)
		}
	}
	rec := httptest.NewRecorder()
	rec.Header().Add("Vary", "Accept-Encoding")
	httpx.VaryHTMX(rec)
	if diff := cmp.Diff([]string{"Accept-Encoding", "HX-Request"}, rec.Header().Values("Vary")); diff != "" {
		t.Errorf("Vary mismatch (-want +got):\n%s", diff)
	}
}
