package httpxtest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// Client is an HTTP client with its own cookie jar that does not follow
// redirects, so tests see each 303, like a browser's first hop.
type Client struct {
	t      testing.TB
	Base   string      // the server's URL
	Header http.Header // sent with every request (X-Forwarded-For, …)
	http   *http.Client
}

// NewClient returns a Client of the server at base.
func NewClient(t testing.TB, base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, Base: base, Header: http.Header{}, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Do sends a request with body (nil for none) and header pairs
// ("HX-Request", "true", …), and returns the response and its body. A
// transport error fails the test.
func (c *Client) Do(method, path string, body io.Reader, header ...string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.Base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, string(out)
}

// Get sends a GET.
func (c *Client) Get(path string, header ...string) (*http.Response, string) {
	c.t.Helper()
	return c.Do(http.MethodGet, path, nil, header...)
}

// Post sends form URL-encoded (nil: an empty body without a Content-Type).
func (c *Client) Post(path string, form url.Values, header ...string) (*http.Response, string) {
	c.t.Helper()
	return c.Form(http.MethodPost, path, form, header...)
}

// Form sends form URL-encoded with method (PUT, DELETE, …).
func (c *Client) Form(method, path string, form url.Values, header ...string) (*http.Response, string) {
	c.t.Helper()
	if form == nil {
		return c.Do(method, path, nil, header...)
	}
	return c.Do(method, path, strings.NewReader(form.Encode()),
		append([]string{"Content-Type", "application/x-www-form-urlencoded"}, header...)...)
}

// Cookie returns the value of the cookie name the jar holds, or "".
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.Base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// SetCookie stores a cookie for the server, as if it had set it.
func (c *Client) SetCookie(name, value string) {
	u, _ := url.Parse(c.Base)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}
