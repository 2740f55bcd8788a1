// Package web holds the front end that is compiled into the binary: the static
// files under static/ (our own CSS and JS, plus htmx copied into static/dist by
// `make assets`), and, in sub-packages, the shared templ layout (web/layout) and
// UI components (web/ui).
//
// Static files are served under content-hashed names so browsers may cache them
// forever: Asset("css/app.css") returns "/static/css/app.3f2a9c1d.css", and the
// handler from StaticHandler serves that name with an immutable Cache-Control.
// Changing a file changes its hash, so a new binary always links to new URLs.
//
// Why not github.com/benbjohnson/hashfs, which does the same naming: its file
// server answers a missing file with its own plain-text 404 (ours goes
// through the app's error responder, with security headers and the error
// page), and it offers no precomputed ETag for the unhashed names that
// templates or emails may still link to. The hashing itself is a few lines.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// files embeds the whole static directory. Naming the directory (rather than
// listing dist/htmx.min.js and friends) keeps the build working when the
// git-ignored dist/ has not been produced yet: Asset then returns a plain URL
// that answers 404, instead of the build failing.
//
//go:embed static
var files embed.FS

// noModTime is the zero time: embedded files have no meaningful modification
// time, so no Last-Modified header is sent (the ETag does the revalidation).
var noModTime time.Time

// hashLen is the number of hex characters of the SHA-256 put into a versioned name.
const hashLen = 8

// Cache-Control values of the two kinds of static responses.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheNoCache   = "no-cache"
)

// asset is one embedded file.
type asset struct {
	name      string // path relative to static/, e.g. "css/app.css"
	versioned string // e.g. "css/app.3f2a9c1d.css"
	etag      string // strong ETag, quoted
	ctype     string // Content-Type header value
	content   []byte
}

// manifest maps plain and versioned names to the embedded files.
type manifest struct {
	byName      map[string]*asset
	byVersioned map[string]*asset
}

// staticManifest is computed once, on first use, from the files compiled into
// the binary. It is a pure function of those files: there is nothing to
// configure, and two binaries built from the same tree produce the same URLs.
var staticManifest = sync.OnceValue(func() *manifest {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		// fs.Sub only fails for an invalid directory name, which "static" is not.
		panic("web: " + err.Error())
	}
	m, err := newManifest(sub)
	if err != nil {
		// Reading an embed.FS cannot fail for files it lists.
		panic("web: building static manifest: " + err.Error())
	}
	return m
})

// newManifest reads every regular file of fsys and computes its versioned name.
func newManifest(fsys fs.FS) (*manifest, error) {
	m := &manifest{byName: map[string]*asset{}, byVersioned: map[string]*asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		content, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(content)
		hash := hex.EncodeToString(sum[:])
		a := &asset{
			name:      name,
			versioned: versionedName(name, hash[:hashLen]),
			etag:      `"` + hash[:32] + `"`,
			ctype:     contentType(name),
			content:   content,
		}
		m.byName[name] = a
		m.byVersioned[a.versioned] = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// versionedName inserts the hash before the extension:
// "css/app.css" → "css/app.3f2a9c1d.css", "dist/htmx.min.js" → "dist/htmx.min.3f2a9c1d.js".
func versionedName(name, hash string) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hash + ext
}

// contentType returns the Content-Type for a file name. Text types carry
// charset=utf-8 explicitly so no browser has to guess.
func contentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".json", ".map":
		return "application/json; charset=utf-8"
	case ".webmanifest":
		return "application/manifest+json; charset=utf-8"
	case ".ico":
		return "image/x-icon"
	case ".png":
		return "image/png"
	case ".woff2":
		return "font/woff2"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Asset returns the URL of a static file under its content-hashed name, e.g.
// Asset("css/app.css") == "/static/css/app.3f2a9c1d.css". name is relative to
// web/static. An unknown name (for example a dist/ file that `make assets` has
// not copied yet) returns "/static/" + name, which the handler answers with 404,
// so a missing file shows up in the browser's network panel rather than as a panic.
func Asset(name string) string {
	if a, ok := staticManifest().byName[name]; ok {
		return "/static/" + a.versioned
	}
	return "/static/" + name
}

// StaticHandler serves the embedded static files. The request's URL path must be
// relative to the static root; mount it as
//
//	r.Handle("/static/*", http.StripPrefix("/static/", web.StaticHandler(notFound)))
//
// A versioned name ("css/app.3f2a9c1d.css", as returned by Asset) is served with
// "Cache-Control: public, max-age=31536000, immutable"; a plain name
// ("css/app.css") with "Cache-Control: no-cache". Both carry a strong ETag, so
// conditional requests get 304, and an explicit Content-Type. Only GET and HEAD
// are served; other methods get 405 with "Allow: GET, HEAD". Every miss (the
// root, a directory, an unknown file, a versioned name with a stale or wrong
// hash, a path that tries to escape the root) is passed to notFound, so the app
// can answer with its own 404 page. The handler never sets cookies.
func StaticHandler(notFound http.Handler) http.Handler {
	return staticHandler(staticManifest(), notFound)
}

func staticHandler(m *manifest, notFound http.Handler) http.Handler {
	if notFound == nil {
		notFound = http.NotFoundHandler()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		name := r.URL.Path
		// fs.ValidPath rejects "", "/x", "x/", "..", "a/../b" and the like;
		// a backslash is refused too so nothing can look like a Windows path.
		if !fs.ValidPath(name) || name == "." || strings.Contains(name, `\`) {
			notFound.ServeHTTP(w, r)
			return
		}
		cacheControl := cacheImmutable
		a, ok := m.byVersioned[name]
		if !ok {
			cacheControl = cacheNoCache
			a, ok = m.byName[name]
		}
		if !ok {
			notFound.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.ctype)
		h.Set("Cache-Control", cacheControl)
		h.Set("ETag", a.etag)
		// ServeContent answers If-None-Match with 304, handles HEAD and ranges,
		// and does not sniff because Content-Type is already set.
		http.ServeContent(w, r, path.Base(a.name), noModTime, bytes.NewReader(a.content))
	})
}
