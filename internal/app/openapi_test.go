package app

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/openapi/openapitest"
)

// TestOpenAPIRouteCoverage fails when a route under /api/v1/ is missing
// from the OpenAPI document the router serves, or the document lists an
// operation the router does not have. chi's {id} is OpenAPI's {id}; a
// subrouter's "/" is the mount path itself. Each feature's API tests check
// its answers against the document; this test checks the whole router.
func TestOpenAPIRouteCoverage(t *testing.T) {
	t.Parallel()
	st := newTestStack(t, testConfig(t), io.Discard, nil)
	spec := openapitest.Fetch(t, st.mux)

	routes := map[string]bool{}
	err := chi.Walk(st.mux, func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(pattern, "/api/v1/") {
			routes[method+" "+strings.TrimSuffix(pattern, "/")] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) == 0 {
		t.Fatal("no routes under /api/v1/")
	}
	ops := spec.Operations()
	for route := range routes {
		if _, ok := ops[route]; !ok {
			t.Errorf("route %s is not in the OpenAPI document", route)
		}
	}
	for op := range ops {
		if !routes[op] {
			t.Errorf("the OpenAPI document lists %s, which the router does not serve", op)
		}
	}
}
