package tasks_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
	"github.com/groundwork-dev/groundwork/internal/platform/openapi/openapitest"
	"github.com/groundwork-dev/groundwork/internal/tasks"
)

// apiClient calls the JSON API as one identity (or none) and checks every
// answer against the OpenAPI document.
type apiClient struct {
	*httpxtest.Client
	spec *openapitest.Spec
}

// api returns an API client over c, checked against s's document.
func (s *testServer) api(c *httpxtest.Client) *apiClient {
	return &apiClient{Client: c, spec: s.spec}
}

// call sends a request with optional body and header pairs, checks the
// answer against the document, and returns it.
func (c *apiClient) call(t *testing.T, method, target string, body io.Reader, header ...string) (*http.Response, []byte) {
	t.Helper()
	resp, out := c.Do(method, target, body, header...)
	c.spec.Check(t, method, target, resp, []byte(out))
	return resp, []byte(out)
}

// send calls with a JSON body.
func (c *apiClient) send(t *testing.T, method, target, body string) (*http.Response, []byte) {
	t.Helper()
	return c.call(t, method, target, strings.NewReader(body), "Content-Type", "application/json")
}

// createTask posts body and returns the created task.
func (c *apiClient) createTask(t *testing.T, body string) tasks.Task {
	t.Helper()
	resp, out := c.send(t, http.MethodPost, apiTasksPath, body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST %s %s = %d, want 201:\n%s", apiTasksPath, body, resp.StatusCode, out)
	}
	return decodeAPI[tasks.Task](t, out)
}

// list gets one page of the list.
func (c *apiClient) list(t *testing.T, query string) tasks.Page {
	t.Helper()
	resp, out := c.call(t, http.MethodGet, apiTasksPath+"?"+query, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s?%s = %d, want 200:\n%s", apiTasksPath, query, resp.StatusCode, out)
	}
	return decodeAPI[tasks.Page](t, out)
}

func decodeAPI[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, body)
	}
	return v
}
