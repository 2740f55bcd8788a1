package app

import (
	"net/http"
	"testing"

	"github.com/groundwork-dev/groundwork/apiclient"
)

// TestAPIClient drives the real server with the client generated from its
// own document (apiclient): a session creates tokens, then a read-write
// token creates, lists, changes and deletes a task without a cookie; a
// read token is refused on writes; a revoked token is refused.
func TestAPIClient(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, nil)
	ctx := t.Context()
	browser, _ := s.signedIn(t, "alice@example.com")
	withSession, err := apiclient.NewClientWithResponses(s.URL, apiclient.WithHTTPClient(browser))
	if err != nil {
		t.Fatal(err)
	}
	days := 7
	rw, err := withSession.CreateTokenWithResponse(ctx, apiclient.APITokenInput{Name: "client", Scope: apiclient.ReadWrite, ExpiresInDays: &days})
	if err != nil || rw.JSON201 == nil {
		t.Fatalf("CreateToken: %v %d\n%s", err, rw.StatusCode(), rw.Body)
	}
	ro, err := withSession.CreateTokenWithResponse(ctx, apiclient.APITokenInput{Name: "reader", Scope: apiclient.Read})
	if err != nil || ro.JSON201 == nil {
		t.Fatalf("CreateToken read: %v %d\n%s", err, ro.StatusCode(), ro.Body)
	}
	c := bearerClient(t, s.URL, rw.JSON201.Token)

	created, err := c.CreateTaskWithResponse(ctx, apiclient.TaskInput{Title: "from the client"})
	if err != nil || created.JSON201 == nil {
		t.Fatalf("CreateTask: %v %d\n%s", err, created.StatusCode(), created.Body)
	}
	task := created.JSON201
	page, err := c.ListTasksWithResponse(ctx, &apiclient.ListTasksParams{})
	if err != nil || page.JSON200 == nil || len(page.JSON200.Items) != 1 || page.JSON200.Items[0].Id != task.Id {
		t.Fatalf("ListTasks: %v %d\n%s", err, page.StatusCode(), page.Body)
	}
	done := apiclient.Done
	patched, err := c.PatchTaskWithResponse(ctx, task.Id, apiclient.TaskPatch{Status: &done, Version: task.Version})
	if err != nil || patched.JSON200 == nil || patched.JSON200.Status != apiclient.Done {
		t.Fatalf("PatchTask: %v %d\n%s", err, patched.StatusCode(), patched.Body)
	}
	stale, err := c.PatchTaskWithResponse(ctx, task.Id, apiclient.TaskPatch{Status: &done, Version: task.Version})
	if err != nil || stale.ApplicationproblemJSON409 == nil {
		t.Errorf("stale PatchTask: %v %d, want a 409 problem", err, stale.StatusCode())
	}

	reader := bearerClient(t, s.URL, ro.JSON201.Token)
	if got, err := reader.GetTaskWithResponse(ctx, task.Id); err != nil || got.JSON200 == nil {
		t.Errorf("GetTask with a read token: %v %d", err, got.StatusCode())
	}
	refused, err := reader.DeleteTaskWithResponse(ctx, task.Id)
	if err != nil || refused.ApplicationproblemJSON403 == nil {
		t.Errorf("DeleteTask with a read token: %v %d, want a 403 problem", err, refused.StatusCode())
	}
	mint, err := c.CreateTokenWithResponse(ctx, apiclient.APITokenInput{Name: "more", Scope: apiclient.Read})
	if err != nil || mint.ApplicationproblemJSON403 == nil {
		t.Errorf("CreateToken with a token: %v %d, want a 403 problem", err, mint.StatusCode())
	}

	deleted, err := c.DeleteTaskWithResponse(ctx, task.Id)
	if err != nil || deleted.StatusCode() != http.StatusNoContent {
		t.Fatalf("DeleteTask: %v %d\n%s", err, deleted.StatusCode(), deleted.Body)
	}
	list, err := withSession.ListTokensWithResponse(ctx)
	if err != nil || list.JSON200 == nil || len(list.JSON200.Items) != 2 {
		t.Fatalf("ListTokens: %v %d\n%s", err, list.StatusCode(), list.Body)
	}
	if r, err := withSession.RevokeTokenWithResponse(ctx, rw.JSON201.Id); err != nil || r.StatusCode() != http.StatusNoContent {
		t.Fatalf("RevokeToken: %v %d", err, r.StatusCode())
	}
	gone, err := c.ListTasksWithResponse(ctx, nil)
	if err != nil || gone.ApplicationproblemJSON401 == nil || gone.HTTPResponse.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("ListTasks with a revoked token: %v %d, want a 401 problem with WWW-Authenticate", err, gone.StatusCode())
	}
}

// bearerClient is the generated client with a token and no cookie jar.
func bearerClient(t *testing.T, url, token string) *apiclient.ClientWithResponses {
	t.Helper()
	c, err := apiclient.NewClientWithResponses(url, apiclient.WithRequestEditorFn(apiclient.BearerToken(token)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
