package tasks

import (
	_ "embed"
	"net/http"
)

// openAPIDocument describes the JSON API (controller_api.go). Change it with
// the routes: internal/app's TestOpenAPIRouteCoverage fails when a route is
// missing from it, and every API test response is validated against it.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPI handles GET /api/v1/openapi.json: the OpenAPI 3.1 document of the
// tasks API. It is public, like any API description.
func OpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDocument)
}
