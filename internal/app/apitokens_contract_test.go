package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/groundwork-dev/groundwork/internal/platform/httpx/httpxtest"
)

// TestAPITokenIgnoresSession: a bearer request is the token's, even with
// a valid session cookie of another user: the token's user and scope
// apply, a bad token is not rescued by the cookie, and no cookie is set.
// What a token creates is its user's, as if created with the session.
func TestAPITokenIgnoresSession(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, nil)
	alice, _ := s.signedIn(t, "alice@example.com")
	bob, _ := s.signedIn(t, "bob@example.com")
	bobRead := s.createToken(t, bob, "bob read", "read")["token"].(string)
	aliceRW := s.createToken(t, alice, "alice rw", "read-write")["token"].(string)
	if resp, body := s.do(t, alice, "POST", "/api/v1/tasks", "", map[string]any{"title": "alice by session"}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST task with the session = %d:\n%s", resp.StatusCode, body)
	}
	if resp, body := s.do(t, bob, "POST", "/api/v1/tasks", "", map[string]any{"title": "bob by session"}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST task with the session = %d:\n%s", resp.StatusCode, body)
	}

	// Alice's cookies, Bob's read token: Bob's list, Bob's scope.
	resp, body := s.do(t, alice, "GET", "/api/v1/tasks", bobRead, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "bob by session") || strings.Contains(string(body), "alice") {
		t.Errorf("GET with Alice's session and Bob's token = %d, want Bob's tasks only:\n%s", resp.StatusCode, body)
	}
	if len(resp.Cookies()) != 0 {
		t.Errorf("a bearer request set cookies %v", resp.Cookies())
	}
	if resp, body := s.do(t, alice, "POST", "/api/v1/tasks", bobRead, map[string]any{"title": "x"}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST with Alice's session and Bob's read token = %d, want 403 (the token's scope):\n%s", resp.StatusCode, body)
	}
	resp, body = s.do(t, alice, "GET", "/api/v1/tasks", "gwpat_"+strings.Repeat("A", 43), nil)
	wantUnauthorized(t, "an unknown token with a valid session", resp, body)

	// A task made with Alice's token is on Alice's page, signed in by session.
	if resp, body := s.do(t, nil, "POST", "/api/v1/tasks", aliceRW, map[string]any{"title": "alice by token"}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST task with a token = %d:\n%s", resp.StatusCode, body)
	}
	_, page := s.do(t, alice, "GET", "/tasks", "", nil)
	titles := httpxtest.Doc(t, string(page)).Find(`[data-testid="task-row"] .task-row__title`).Text()
	if !strings.Contains(titles, "alice by token") || !strings.Contains(titles, "alice by session") {
		t.Errorf("Alice's task page lists %q, want her tasks made by session and by token", titles)
	}
}

// TestAPITokensPageColumns: /account/tokens lists each token with its
// name, scope, creation date, last use and expiry.
func TestAPITokensPageColumns(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, nil)
	browser, _ := s.signedIn(t, "alice@example.com")
	used := s.createToken(t, browser, "nightly backup", "read")
	s.createToken(t, browser, "never used", "read-write")
	if resp, _ := s.do(t, nil, "GET", "/api/v1/tasks", used["token"].(string), nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("token use = %d", resp.StatusCode)
	}
	_, body := s.do(t, browser, "GET", "/account/tokens", "", nil)
	rows := httpxtest.Doc(t, string(body)).Find(`[data-testid="token"]`)
	if rows.Length() != 2 {
		t.Fatalf("%d tokens listed, want 2:\n%s", rows.Length(), body)
	}
	now := time.Now()
	for i := range rows.Length() {
		cells := rows.Eq(i).Find("td")
		name, scope := strings.TrimSpace(cells.Eq(0).Text()), strings.TrimSpace(cells.Eq(1).Text())
		when := func(col int) (time.Time, bool) {
			v, ok := cells.Eq(col).Find("time").Attr("datetime")
			at, err := time.Parse(time.RFC3339, v)
			return at, ok && err == nil
		}
		created, okCreated := when(2)
		lastUse, okLastUse := when(3)
		expires, okExpires := when(4)
		if !okCreated || created.Before(now.Add(-time.Minute)) || created.After(now.Add(time.Minute)) {
			t.Errorf("%s: created %v, want now", name, created)
		}
		if d := expires.Sub(now); !okExpires || d < 89*24*time.Hour || d > 91*24*time.Hour {
			t.Errorf("%s: expires %v, want in 90 days", name, expires)
		}
		switch name {
		case "nightly backup":
			if scope != "read" || !okLastUse || lastUse.Before(now.Add(-time.Minute)) {
				t.Errorf("%s: scope %q, last use %v (%v), want read, just now", name, scope, lastUse, okLastUse)
			}
		case "never used":
			if scope != "read-write" || okLastUse || !strings.Contains(cells.Eq(3).Text(), "Never") {
				t.Errorf("%s: scope %q, last use %q, want read-write, Never", name, scope, cells.Eq(3).Text())
			}
		default:
			t.Errorf("unexpected token %q listed", name)
		}
	}
}

// TestAPITokenIgnoredOnEveryPage walks the route table: every route
// outside /api/ answers a request with a valid read-write token exactly as
// it answers the same request without one (the token's user owns the task
// in the path, so an accepted token would show).
func TestAPITokenIgnoredOnEveryPage(t *testing.T) {
	t.Parallel()
	s := newTokenServer(t, nil)
	browser, _ := s.signedIn(t, "alice@example.com")
	secret := s.createToken(t, browser, "t", "read-write")["token"].(string)
	_, body := s.do(t, nil, "POST", "/api/v1/tasks", secret, map[string]any{"title": "mine"})
	var task struct{ ID int64 }
	if err := json.Unmarshal(body, &task); err != nil || task.ID == 0 {
		t.Fatalf("created task %s (%v)", body, err)
	}
	path := strings.NewReplacer("{id}", fmt.Sprint(task.ID), "{aid}", "1", "{token}", "x", "*", "app.css")

	answer := func(method, target, bearer string) string {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, method, s.URL+target, strings.NewReader(""))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Do(req)
		if err != nil {
			return err.Error() // a stream the token opened would time out here
		}
		resp.Body.Close()
		return fmt.Sprintf("%d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	n := 0
	err := chi.Walk(s.st.mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/api/") {
			return nil
		}
		n++
		target := path.Replace(route)
		if without, with := answer(method, target, ""), answer(method, target, secret); with != without {
			t.Errorf("%s %s: with a token %q, without %q: the page read the token", method, target, with, without)
		}
		return nil
	})
	if err != nil || n < 30 {
		t.Fatalf("walked %d page routes (%v), want them all", n, err)
	}
}
