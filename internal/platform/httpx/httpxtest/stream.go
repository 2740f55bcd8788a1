package httpxtest

import (
	"context"
	"net/http"
)

// Stream sends a GET and returns the response with its body still open,
// for long-lived responses (server-sent events); the body is closed when
// the test ends. header is pairs, as for Do.
func (c *Client) Stream(path string, header ...string) *http.Response {
	c.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+path, nil)
	if err != nil {
		cancel()
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
		cancel()
		c.t.Fatalf("GET %s: %v", path, err)
	}
	c.t.Cleanup(func() { cancel(); resp.Body.Close() })
	return resp
}
