package account

import _ "embed"

// openAPIPart describes the tokens API (controller_apitokens.go): its tag,
// paths and components, which internal/app assembles into the document at
// GET /api/v1/openapi.json (TestOpenAPIRouteCoverage checks it against the
// router; the API tests check every answer against it).
//
//go:embed openapi.json
var openAPIPart []byte

// OpenAPI returns the account part of the OpenAPI document.
func OpenAPI() []byte { return openAPIPart }
