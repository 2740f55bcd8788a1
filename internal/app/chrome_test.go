package app

import (
	"os"
	"os/exec"
	"testing"
)

// browserHowTo is the one line a skipped browser test prints; scripts/test.sh
// prints the same advice.
const browserHowTo = "install Chromium or Chrome (Debian/Ubuntu: sudo apt-get install chromium; " +
	"macOS: brew install --cask chromium) or set CHROME_PATH"

// chromePath returns the browser for a browser test: CHROME_PATH (or the older
// CHROMIUM_PATH), else the first of the usual commands and macOS app paths,
// the same search as scripts/test.sh. Without a browser the test is skipped
// with the how-to, unless CI is set: there a missing browser fails the test,
// so CI cannot pass without running them. `go test -short` skips them too.
func chromePath(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	for _, env := range []string{"CHROME_PATH", "CHROMIUM_PATH"} {
		if p := os.Getenv(env); p != "" {
			if _, err := exec.LookPath(p); err != nil {
				t.Fatalf("%s=%s is not an executable: %v", env, p, err)
			}
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
		"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "/Applications/Chromium.app/Contents/MacOS/Chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chrome or Chromium found, and CI is set (browser tests may not be skipped there): " + browserHowTo)
	}
	t.Skip("no Chrome or Chromium found: " + browserHowTo)
	return ""
}
