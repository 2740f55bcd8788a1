// Package migrations holds the goose SQL migrations, embedded in the binary.
// Every file has an Up and a working Down section; a test runs
// up → down to zero → up. Create a new one with `go run ./cmd/app migrate create NAME`.
package migrations

import "embed"

// FS holds the migration files at its root.
//
//go:embed *.sql
var FS embed.FS
