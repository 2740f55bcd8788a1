package tasks

import _ "embed"

// openAPIPart describes the JSON API (controller_api.go): its tag, paths
// and components, which internal/app assembles with every feature's part
// into the one document at GET /api/v1/openapi.json. Change it with the
// routes: internal/app's TestOpenAPIRouteCoverage fails when a route is
// missing from the document, and every API test response is validated
// against it.
//
//go:embed openapi.json
var openAPIPart []byte

// OpenAPI returns the tasks part of the OpenAPI document.
func OpenAPI() []byte { return openAPIPart }
