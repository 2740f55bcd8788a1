package app

import (
	"github.com/groundwork-dev/groundwork/internal/account"
	"github.com/groundwork-dev/groundwork/internal/attachments"
	"github.com/groundwork-dev/groundwork/internal/platform/openapi"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// openAPIDocument assembles the document served at /api/v1/openapi.json:
// the shared frame (openapi.Base) and each feature's part.
func openAPIDocument() ([]byte, error) {
	return openapi.Assemble(openapi.Base(),
		tasks.OpenAPI(),
		attachments.OpenAPI(),
		account.OpenAPI(),
	)
}
