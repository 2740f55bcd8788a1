package app

import (
	"io"
	"net"
	"net/http/httptest"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/password"
)

// accountServer runs the whole router (newTestStack) on a test server.
// change edits the test configuration; logs may be nil; hasher nil is the
// fast test hasher.
func accountServer(t *testing.T, change func(*Config), logs io.Writer, hasher *password.Hasher) (*httptest.Server, *testStack) {
	t.Helper()
	cfg := testConfig(t)
	cfg.AuthRateLimit = 10000 // the per-IP limiter has its own test (internal/account)
	if change != nil {
		change(&cfg)
	}
	if logs == nil {
		logs = io.Discard
	}
	st := newTestStack(t, cfg, logs, hasher)
	srv := httptest.NewServer(st.mux)
	t.Cleanup(srv.Close)
	return srv, st
}

// alicePassword is a password the policy accepts, for test accounts.
const alicePassword = "correct horse battery staple"

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
