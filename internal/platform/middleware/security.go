package middleware

import (
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/unrolled/secure"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
	"github.com/groundwork-dev/groundwork/internal/platform/httpx"
)

// contentSecurityPolicy is the policy sent with every response. $NONCE is
// replaced by a fresh random nonce per request (16 bytes, from unrolled/secure).
// 'strict-dynamic' lets nonced scripts load further scripts; nothing inline
// runs without the nonce, and there is no 'unsafe-inline' or 'unsafe-eval'.
// storage, if not "", is the object store's origin: pages upload to it
// (connect-src) and show its thumbnails (img-src).
func contentSecurityPolicy(storage string) string {
	self := "'self'"
	if storage != "" {
		self += " " + storage
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src $NONCE 'strict-dynamic'", // unrolled/secure expands $NONCE to 'nonce-…'
		"style-src 'self'",
		"img-src " + self,
		"font-src 'self'",
		"connect-src " + self,
		"manifest-src 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
		"base-uri 'none'",
		"object-src 'none'",
	}, "; ")
}

// SecurityOptions configures SecurityHeaders.
type SecurityOptions struct {
	// Production turns on HSTS and the Host allow-list.
	Production bool
	// AllowedHosts is the Host allow-list (only enforced in production).
	AllowedHosts []string
	// HostCheckExempt lists paths served whatever the Host: the probes, which
	// orchestrators call by IP address (Docker's 127.0.0.1, a kubelet's pod IP).
	HostCheckExempt []string
	// StorageOrigin is the object store's scheme://host[:port] when pages
	// upload to it directly (the S3 driver); "" otherwise.
	StorageOrigin string
}

// SecurityHeaders sets the security headers on every response (CSP with a
// per-request nonce, nosniff, Referrer-Policy, Permissions-Policy, COOP,
// CORP, X-Frame-Options; HSTS in production), rejects a Host outside the
// allow-list with 400 through httpx.Error in production (with the
// headers set), and passes the
// nonce to templ (templ.WithNonce) so every <script> can carry it.
func SecurityHeaders(opts SecurityOptions) func(http.Handler) http.Handler {
	o := secure.Options{
		ContentSecurityPolicy:     contentSecurityPolicy(opts.StorageOrigin),
		ContentTypeNosniff:        true,
		FrameDeny:                 true,
		ReferrerPolicy:            "strict-origin-when-cross-origin",
		PermissionsPolicy:         "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
		CrossOriginOpenerPolicy:   "same-origin",
		CrossOriginResourcePolicy: "same-origin",
	}
	if opts.Production {
		o.STSSeconds = 31536000
		o.STSIncludeSubdomains = true
		// TLS ends at the proxy in front of the app, so the request the app
		// sees is plain HTTP; production always has an https BASE_URL.
		o.ForceSTSHeader = true
	}
	s := secure.New(o)
	allowed := func(string) bool { return true }
	if opts.Production {
		allowed = hostAllowed(opts.AllowedHosts)
	}
	return func(next http.Handler) http.Handler {
		// The host check runs after unrolled/secure has set the headers,
		// so the 400 carries them too.
		withNonce := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := templ.WithNonce(r.Context(), secure.CSPNonce(r.Context()))
			r = r.WithContext(ctx)
			if !allowed(r.Host) && !slices.Contains(opts.HostCheckExempt, r.URL.Path) {
				httpx.Error(w, r, apperr.New(apperr.Malformed, "This host name is not served here."))
				return
			}
			next.ServeHTTP(w, r)
		})
		return s.Handler(withNonce)
	}
}

// CrossOrigin rejects cross-origin state-changing requests (CSRF) with
// net/http's CrossOriginProtection, which reads Sec-Fetch-Site and falls
// back to comparing Origin with Host. Safe methods always pass. Rejections
// are 403 through httpx.Error (problem+json under /api/, a page otherwise).
// trustedOrigins (exact scheme://host[:port]) may post cross-origin: the
// app's own BASE_URL, for proxies that rewrite Host, and the CORS origins.
func CrossOrigin(trustedOrigins []string) (func(http.Handler) http.Handler, error) {
	cop := http.NewCrossOriginProtection()
	for _, o := range trustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, err
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.Error(w, r, apperr.New(apperr.Forbidden, "Cross-origin request blocked."))
	}))
	return cop.Handler, nil
}

// hostAllowed matches a request's Host against the allow-list,
// case-insensitively. An entry without a port matches the host on any port
// ("example.com" allows "example.com:8443"); one with a port only that port.
func hostAllowed(hosts []string) func(string) bool {
	return func(host string) bool {
		name := host
		if h, port, err := net.SplitHostPort(host); err == nil {
			if _, err := strconv.ParseUint(port, 10, 16); err != nil {
				return false
			}
			name = h
		}
		for _, entry := range hosts {
			if strings.EqualFold(entry, host) || strings.EqualFold(strings.Trim(entry, "[]"), name) {
				return true
			}
		}
		return false
	}
}
