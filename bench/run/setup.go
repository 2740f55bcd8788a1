package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	benchEmail    = "bench@example.com"
	benchPassword = "bench-password-not-secret-1"
	seedTasks     = 50 // two pages of 25: the full page and the htmx "more" fragment
)

// prepare migrates the database and creates the bench user; it returns
// the user's id.
func prepare(ctx context.Context, app string, env []string, dbURL string) (int64, error) {
	for _, args := range [][]string{{"migrate", "up"}, {"user", "create", "--email", benchEmail}} {
		cmd := exec.CommandContext(ctx, app, args...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdin = strings.NewReader(benchPassword + "\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("app %s: %w\n%s", strings.Join(args, " "), err, out)
		}
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var id int64
	err = conn.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, benchEmail).Scan(&id)
	return id, err
}

// signIn posts the login form and returns the session cookie ("name=value").
func signIn(base string) (string, error) {
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"/login", url.Values{"email": {benchEmail}, "password": {benchPassword}})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		if strings.HasSuffix(c.Name, "session") && c.Value != "" {
			return c.Name + "=" + c.Value, nil
		}
	}
	body, _ := io.ReadAll(resp.Body)
	return "", fmt.Errorf("login: status %d, no session cookie: %.300s", resp.StatusCode, body)
}

// seed creates the tasks through the API and returns the cursor of the
// second page of 25 (what the list's "Load more" button asks for).
func seed(base, cookie string) (string, error) {
	client := &http.Client{Timeout: 10 * time.Second}
	do := func(method, path string, body []byte) ([]byte, error) {
		req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Cookie", cookie)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode >= 300 {
			err = fmt.Errorf("%s %s: status %d: %.300s", method, path, resp.StatusCode, b)
		}
		return b, err
	}
	for i := range seedTasks {
		body := fmt.Sprintf(`{"title":"Benchmark task %d: write the quarterly report","notes":"Some notes for task %d.","status":"todo","due_date":"2030-01-%02d"}`, i+1, i+1, i%28+1)
		if _, err := do(http.MethodPost, "/api/v1/tasks", []byte(body)); err != nil {
			return "", err
		}
	}
	b, err := do(http.MethodGet, "/api/v1/tasks?limit=25", nil)
	if err != nil {
		return "", err
	}
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	if err := json.Unmarshal(b, &page); err != nil || page.NextCursor == "" {
		return "", fmt.Errorf("list: no next_cursor (%v): %.300s", err, b)
	}
	return page.NextCursor, nil
}

// statements sends n sequential GETs of path (with the cookie, if any)
// and returns the SQL statements PostgreSQL ran per request, counted by
// pg_stat_statements (the bench cluster preloads it).
func statements(ctx context.Context, dbURL, base, path, cookie string, n int) (float64, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		return 0, err
	}
	if _, err := conn.Exec(ctx, `SELECT pg_stat_statements_reset()`); err != nil {
		return 0, err
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for range n {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
		}
	}
	var calls int64
	err = conn.QueryRow(ctx, `
SELECT COALESCE(sum(calls), 0) FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND query NOT LIKE '%pg_stat_statements%' AND query <> '-- ping'`).Scan(&calls)
	return float64(calls) / float64(n), err
}
