package storage

import (
	"crypto/hmac"
	"errors"
	"mime"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// Routes serves the Local store's signed URLs; mount them at the prefix
// given to NewLocal (r.Route("/storage", local.Routes)), outside the
// general body limit: an upload is limited by its own signed size. A
// missing, expired or tampered signature is 403, like S3's.
func (l *Local) Routes(r chi.Router) {
	r.Put("/*", httpx.Handle(l.upload))   // PUT /storage/{key}
	r.Get("/*", httpx.Handle(l.download)) // GET /storage/{key}
}

var errBadSignature = apperr.New(apperr.Forbidden, "This storage link is invalid or has expired.")

// verify checks the request's signature over parts (after method and key)
// and its expiry; it returns the key.
func (l *Local) verify(r *http.Request, method string, parts ...string) (string, error) {
	key := chi.URLParam(r, "*")
	if !ValidKey(key) {
		return "", apperr.New(apperr.NotFound, "")
	}
	q := r.URL.Query()
	exp, err := strconv.ParseInt(q.Get("exp"), 10, 64)
	if err != nil || l.now().After(time.Unix(exp, 0)) {
		return "", errBadSignature
	}
	want := l.signature(append([]string{method, key, q.Get("exp")}, parts...)...)
	if !hmac.Equal([]byte(want), []byte(q.Get("sig"))) {
		return "", errBadSignature
	}
	return key, nil
}

// upload handles PUT /storage/{key}: the body must be exactly the signed
// size, sent with the signed Content-Type.
func (l *Local) upload(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	key, err := l.verify(r, http.MethodPut, q.Get("size"), q.Get("type"))
	if err != nil {
		return err
	}
	size, _ := strconv.ParseInt(q.Get("size"), 10, 64)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != q.Get("type") || r.ContentLength != size {
		return apperr.New(apperr.Forbidden, "The upload does not match its signed size and type.")
	}
	body := http.MaxBytesReader(w, r.Body, size)
	if err := l.Put(r.Context(), key, body, size, mt); err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			return apperr.New(apperr.TooLarge, "The upload is larger than its signed size.")
		}
		return apperr.Wrap(err, apperr.Malformed, "The upload was incomplete.")
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// download handles GET /storage/{key}: the file, as an attachment that a
// browser never renders or sniffs.
func (l *Local) download(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	key, err := l.verify(r, http.MethodGet, q.Get("name"), q.Get("type"))
	if err != nil {
		return err
	}
	p, err := l.path(key)
	if err != nil {
		return apperr.New(apperr.NotFound, "")
	}
	f, err := os.Open(p)
	if err != nil {
		return apperr.New(apperr.NotFound, "")
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", q.Get("type"))
	h.Set("Content-Disposition", Disposition(q.Get("name")))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", fi.ModTime(), f)
	return nil
}
