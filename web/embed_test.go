package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// testFS is a small, fixed static tree so hashes are known in advance.
var testFS = fstest.MapFS{
	"css/app.css":      {Data: []byte("body{color:red}\n")},
	"js/app.js":        {Data: []byte("console.log(1)\n")},
	"dist/htmx.min.js": {Data: []byte("/* htmx */\n")},
	"favicon.svg":      {Data: []byte("<svg/>")},
	"notes.txt":        {Data: []byte("hello")},
}

func hash8(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:8]
}

// notFoundRecorder is a notFound handler that records that it was called.
type notFoundRecorder struct{ called int }

func (n *notFoundRecorder) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	n.called++
	w.WriteHeader(http.StatusTeapot) // distinctive, so tests see it was our handler
}

func newTestHandler(t *testing.T) (http.Handler, *manifest, *notFoundRecorder) {
	t.Helper()
	m, err := newManifest(testFS)
	if err != nil {
		t.Fatalf("newManifest: %v", err)
	}
	nf := &notFoundRecorder{}
	// Mounted the way the app mounts it.
	h := http.StripPrefix("/static/", staticHandler(m, nf))
	return h, m, nf
}

func serve(h http.Handler, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

func TestVersionedName(t *testing.T) {
	tests := []struct{ name, hash, want string }{
		{"css/app.css", "3f2a9c1d", "css/app.3f2a9c1d.css"},
		{"dist/htmx.min.js", "0011aabb", "dist/htmx.min.0011aabb.js"},
		{"favicon.svg", "deadbeef", "favicon.deadbeef.svg"},
		{"LICENSE", "deadbeef", "LICENSE.deadbeef"},
	}
	for _, tt := range tests {
		if got := versionedName(tt.name, tt.hash); got != tt.want {
			t.Errorf("versionedName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestManifestHashesContent(t *testing.T) {
	m, err := newManifest(testFS)
	if err != nil {
		t.Fatal(err)
	}
	want := "css/app." + hash8("body{color:red}\n") + ".css"
	if got := m.byName["css/app.css"].versioned; got != want {
		t.Errorf("versioned name = %q, want %q", got, want)
	}
	if len(m.byName) != len(testFS) || len(m.byVersioned) != len(testFS) {
		t.Errorf("manifest has %d/%d entries, want %d", len(m.byName), len(m.byVersioned), len(testFS))
	}
}

func TestAssetURL(t *testing.T) {
	re := regexp.MustCompile(`^/static/css/app\.[0-9a-f]{8}\.css$`)
	first := Asset("css/app.css")
	if !re.MatchString(first) {
		t.Fatalf("Asset(css/app.css) = %q, want match %s", first, re)
	}
	if second := Asset("css/app.css"); second != first {
		t.Errorf("Asset is not stable: %q then %q", first, second)
	}
	if got := Asset("js/app.js"); !regexp.MustCompile(`^/static/js/app\.[0-9a-f]{8}\.js$`).MatchString(got) {
		t.Errorf("Asset(js/app.js) = %q", got)
	}
	if got, want := Asset("no/such/file.js"), "/static/no/such/file.js"; got != want {
		t.Errorf("Asset(unknown) = %q, want %q", got, want)
	}
}

// TestEmbeddedAssetsServe checks the real embedded files end to end: every URL
// Asset hands out must be served by StaticHandler.
func TestEmbeddedAssetsServe(t *testing.T) {
	nf := &notFoundRecorder{}
	h := http.StripPrefix("/static/", StaticHandler(nf))
	for _, name := range []string{"css/app.css", "js/app.js", "favicon.svg"} {
		rec := serve(h, http.MethodGet, Asset(name))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", Asset(name), rec.Code)
		}
		if got := rec.Header().Get("Cache-Control"); got != cacheImmutable {
			t.Errorf("GET %s Cache-Control = %q", Asset(name), got)
		}
	}
	if nf.called != 0 {
		t.Errorf("notFound called %d times", nf.called)
	}
}

func TestStaticHandlerVersionedIsImmutable(t *testing.T) {
	h, m, nf := newTestHandler(t)
	a := m.byName["css/app.css"]
	rec := serve(h, http.MethodGet, "/static/"+a.versioned)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200", rec.Code)
	}
	checkHeader(t, rec, "Cache-Control", "public, max-age=31536000, immutable")
	checkHeader(t, rec, "Content-Type", "text/css; charset=utf-8")
	if rec.Header().Get("ETag") == "" {
		t.Error("no ETag")
	}
	if got := rec.Body.String(); got != "body{color:red}\n" {
		t.Errorf("body = %q", got)
	}
	if nf.called != 0 {
		t.Errorf("notFound called")
	}

	// A conditional request with the ETag is answered 304 without a body.
	req := httptest.NewRequest(http.MethodGet, "/static/"+a.versioned, nil)
	req.Header.Set("If-None-Match", rec.Header().Get("ETag"))
	rec2 := httptest.NewRecorder()
	h.ServeHTTP(rec2, req)
	if rec2.Code != http.StatusNotModified || rec2.Body.Len() != 0 {
		t.Errorf("conditional GET = %d with %d bytes, want 304 and empty", rec2.Code, rec2.Body.Len())
	}
}

func TestStaticHandlerPlainIsNoCache(t *testing.T) {
	h, _, nf := newTestHandler(t)
	tests := []struct{ path, ctype string }{
		{"/static/css/app.css", "text/css; charset=utf-8"},
		{"/static/js/app.js", "text/javascript; charset=utf-8"},
		{"/static/favicon.svg", "image/svg+xml; charset=utf-8"},
		{"/static/notes.txt", "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		rec := serve(h, http.MethodGet, tt.path)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", tt.path, rec.Code)
			continue
		}
		checkHeader(t, rec, "Cache-Control", "no-cache")
		checkHeader(t, rec, "Content-Type", tt.ctype)
		if rec.Header().Get("ETag") == "" {
			t.Errorf("GET %s: no ETag", tt.path)
		}
	}
	if nf.called != 0 {
		t.Errorf("notFound called %d times", nf.called)
	}
}

func TestStaticHandlerHead(t *testing.T) {
	h, m, _ := newTestHandler(t)
	rec := serve(h, http.MethodHead, "/static/"+m.byName["js/app.js"].versioned)
	if rec.Code != http.StatusOK {
		t.Fatalf("HEAD = %d, want 200", rec.Code)
	}
	if rec.Body.Len() != 0 {
		t.Errorf("HEAD wrote %d body bytes", rec.Body.Len())
	}
	checkHeader(t, rec, "Content-Length", "15")
	checkHeader(t, rec, "Cache-Control", cacheImmutable)
}

func TestStaticHandlerMethodNotAllowed(t *testing.T) {
	h, _, nf := newTestHandler(t)
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions} {
		rec := serve(h, method, "/static/css/app.css")
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s = %d, want 405", method, rec.Code)
		}
		checkHeader(t, rec, "Allow", "GET, HEAD")
	}
	if nf.called != 0 {
		t.Errorf("notFound called for a wrong method")
	}
}

func TestStaticHandlerMisses(t *testing.T) {
	_, m, _ := newTestHandler(t)
	good := m.byName["css/app.css"].versioned
	wrongHash := strings.Replace(good, hash8("body{color:red}\n"), "00000000", 1)
	paths := []string{
		"/static/",
		"/static/css",
		"/static/css/",
		"/static/dist",
		"/static/missing.css",
		"/static/" + wrongHash,
		"/static/css/app.12345678.css",
		"/static/../embed.go",
		"/static/%2e%2e/embed.go",
		"/static/css/%2e%2e/%2e%2e/embed.go",
		"/static/css/../css/app.css",
		"/static//css/app.css",
		"/static/./css/app.css",
		"/static/css%5capp.css",
		"/static/CSS/APP.CSS",
	}
	for _, p := range paths {
		nf := &notFoundRecorder{}
		hh := http.StripPrefix("/static/", staticHandler(m, nf))
		rec := serve(hh, http.MethodGet, p)
		if nf.called != 1 || rec.Code != http.StatusTeapot {
			t.Errorf("GET %s = %d (notFound called %d times), want the notFound handler", p, rec.Code, nf.called)
		}
		if rec.Header().Get("Cache-Control") != "" {
			t.Errorf("GET %s: miss set Cache-Control %q", p, rec.Header().Get("Cache-Control"))
		}
	}
}

func TestStaticHandlerNoCookies(t *testing.T) {
	h, m, _ := newTestHandler(t)
	for _, p := range []string{"/static/css/app.css", "/static/" + m.byName["css/app.css"].versioned, "/static/nope"} {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			rec := serve(h, method, p)
			if got := rec.Header().Values("Set-Cookie"); len(got) != 0 {
				t.Errorf("%s %s set cookies: %q", method, p, got)
			}
		}
	}
}

func TestStaticHandlerNilNotFound(t *testing.T) {
	m, err := newManifest(testFS)
	if err != nil {
		t.Fatal(err)
	}
	rec := serve(http.StripPrefix("/static/", staticHandler(m, nil)), http.MethodGet, "/static/nope")
	if rec.Code != http.StatusNotFound {
		t.Errorf("status = %d, want 404", rec.Code)
	}
}

func checkHeader(t *testing.T, rec *httptest.ResponseRecorder, key, want string) {
	t.Helper()
	if got := rec.Header().Get(key); got != want {
		t.Errorf("%s = %q, want %q", key, got, want)
	}
}
