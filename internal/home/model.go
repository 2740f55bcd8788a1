// Package home serves the landing page: what the template is, what it wires
// together, and a live look at the database it runs on.
package home

// SystemInfo is what the home page shows about the running instance.
type SystemInfo struct {
	Environment     string // APP_ENV: development, test or production
	Version         string // build version of the binary ("dev" when unstamped)
	DatabaseVersion string // PostgreSQL server version, e.g. "15.18"
	SchemaVersion   int64  // applied goose migration version
}
