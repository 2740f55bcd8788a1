package attachments

import _ "embed"

// openAPIPart describes the JSON API (controller_api.go); internal/app
// assembles it into the document at GET /api/v1/openapi.json.
//
//go:embed openapi.json
var openAPIPart []byte

// OpenAPI returns the attachments part of the OpenAPI document.
func OpenAPI() []byte { return openAPIPart }
