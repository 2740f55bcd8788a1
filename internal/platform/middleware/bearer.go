package middleware

import (
	"net/http"
	"strings"
)

// IsBearerOnly reports whether r carries an "Authorization: Bearer …"
// header and no cookie at all.
//
// Such a request cannot be a cross-site request forgery: a browser never
// adds an Authorization header on its own, a page on another site cannot
// set one (fetch needs a CORS preflight, and CORS does not allow that
// header), and without cookies the request carries no ambient authority
// of the user. So the cross-origin check is skipped
// for it. A bearer request that also carries cookies is checked as usual,
// since something on the page may rely on them.
func IsBearerOnly(r *http.Request) bool {
	scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.EqualFold(scheme, "Bearer") && r.Header.Get("Cookie") == ""
}

// exceptBearer runs protect on every request except a bearer-only request
// (IsBearerOnly) to a path under one of prefixes: there the token is the
// only authentication, and protect (cross-origin protection) has nothing
// to protect.
func exceptBearer(prefixes []string, protect func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		protected := protect(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if IsBearerOnly(r) && hasAnyPrefix(r.URL.Path, prefixes) {
				next.ServeHTTP(w, r)
				return
			}
			protected.ServeHTTP(w, r)
		})
	}
}

func hasAnyPrefix(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}
