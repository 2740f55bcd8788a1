package app

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is stamped at build time:
// go build -ldflags "-X github.com/groundwork-dev/groundwork/internal/app.version=v1.2.3".
var version = "dev"

// Version returns the stamped build version ("dev" when unstamped).
func Version() string { return version }

// versionString is the version, the VCS revision and the Go version.
func versionString() string {
	revision, modified := "unknown", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = " (modified)"
				}
			}
		}
	}
	return fmt.Sprintf("groundwork %s revision %s%s %s", version, revision, modified, runtime.Version())
}
