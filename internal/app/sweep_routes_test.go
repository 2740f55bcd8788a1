package app

import (
	"strconv"
)

// sweepInput says what input a route takes, for TestHostileInputSweep.
// sweepInputs is the one place where a route says which shapes it cannot
// take: a shape a route does not list still gets a few probes (and must
// not 5xx), but not the whole corpus. A route missing from sweepInputs is
// swept with every shape under generic names (sweepDefault), so a new
// route is covered before anyone lists it; list it to sweep its real
// fields with valid values around them.
type sweepInput struct {
	query []string // query parameters the route reads
	form  []string // form fields it decodes
	json  []string // JSON body fields it decodes
	// base holds a valid value for each form or JSON field, so that one
	// hostile field at a time gets past the others. A sweepVar is worked
	// out per request.
	base map[string]any
	// path gives each path parameter a value that reaches the handler;
	// hostile values are tried one parameter at a time. Default: "1".
	path map[string]sweepPath
	// fresh: the request may end the session or change the password, so
	// each one runs as a new account of the role, signed in just for it.
	fresh bool
	// adminOnly: users get 403 before any input is read.
	adminOnly bool
	// outsideRule: the route is not an httpx handler (static files,
	// probes) and reads no text into the database, so the boundary rule's
	// 400/422 is not expected of it; it must still never fail.
	outsideRule bool
	// stream: the route answers a server-sent event stream; the sweep cuts
	// it off after a moment and checks how it began.
	stream bool
	// controlStatus, if set, is the one answer the valid request gets:
	// for routes whose real input cannot be built here (a signed URL).
	controlStatus int
}

// sweepReq is what a request's variables and path values are worked out
// from: the sweep, the acting account, and the task the path names.
type sweepReq struct {
	s      *sweeper
	a      *sweepAccount
	taskID int64
}

// sweepVar is a base value worked out per request.
type sweepVar func(r *sweepReq) any

// sweepPath is a path value worked out per request.
type sweepPath func(r *sweepReq) string

var (
	varEmail    sweepVar = func(r *sweepReq) any { return r.a.email }
	varPassword sweepVar = func(r *sweepReq) any { return r.a.password }
	varNewEmail sweepVar = func(r *sweepReq) any { return "new-" + strconv.FormatInt(r.s.seq.Add(1), 10) + "@example.com" }
	varVersion  sweepVar = func(r *sweepReq) any { return r.s.taskVersion(r.taskID) }

	// pathOwnTask is the acting account's lasting task.
	pathOwnTask sweepPath = func(r *sweepReq) string { r.taskID = r.a.taskID; return strconv.FormatInt(r.taskID, 10) }
	// pathNewTask is a task made for this request (which may delete it).
	pathNewTask sweepPath = func(r *sweepReq) string {
		r.taskID = r.s.newTask(r.a)
		return strconv.FormatInt(r.taskID, 10)
	}
	// pathVictim is an account made for this request, for an admin to disable.
	pathVictim sweepPath = func(r *sweepReq) string {
		return strconv.FormatInt(r.s.newAccount("user", true).id, 10)
	}
	// pathOtherSession is a second session of the acting account.
	pathOtherSession sweepPath = func(r *sweepReq) string {
		r.s.signIn(r.a.email, r.a.password)
		var id int64
		_ = r.s.st.pool.QueryRow(r.s.t.Context(), `SELECT max(id) FROM user_sessions WHERE user_id = $1`, r.a.id).Scan(&id)
		return strconv.FormatInt(id, 10)
	}
	pathResetToken  sweepPath = func(r *sweepReq) string { return r.s.resetToken(r.a) }
	pathVerifyToken sweepPath = func(r *sweepReq) string { return r.s.verifyToken() }
)

// taskFields are the fields of tasks.Input, valid.
var taskBase = map[string]any{"title": "Sweep task", "notes": "Notes", "status": "doing", "due_date": "2026-01-02"}

func withBase(base map[string]any, more map[string]any) map[string]any {
	m := map[string]any{}
	for k, v := range base {
		m[k] = v
	}
	for k, v := range more {
		m[k] = v
	}
	return m
}

// sweepDefault is how a route missing from sweepInputs is swept.
var sweepDefault = sweepInput{
	query: []string{"q", "id", "page"},
	form:  []string{"title", "name", "email", "id", "q"},
	json:  []string{"title", "name", "email", "id", "q"},
}

// sweepInputs lists every route of testdata/routes.txt by "METHOD pattern".
// A route with no query, form or JSON fields takes none of them.
var sweepInputs = map[string]sweepInput{
	"GET /":                                {},
	"GET /account/":                        {},
	"POST /account/password":               {form: []string{"current_password", "new_password"}, base: map[string]any{"current_password": varPassword, "new_password": "a new sweep password 678"}, fresh: true},
	"POST /account/sessions/revoke-others": {fresh: true},
	"POST /account/sessions/{id}/revoke":   {path: map[string]sweepPath{"id": pathOtherSession}, fresh: true},
	"POST /account/verify-email":           {},
	"GET /admin/users":                     {adminOnly: true},
	"POST /admin/users/{id}/disable":       {path: map[string]sweepPath{"id": pathVictim}, adminOnly: true},
	"POST /admin/users/{id}/role":          {path: map[string]sweepPath{"id": pathVictim}, form: []string{"role"}, base: map[string]any{"role": "admin"}, adminOnly: true},
	"GET /api/v1/openapi.json":             {outsideRule: true},
	"GET /api/v1/tasks/":                   {query: []string{"status", "q", "limit", "cursor", "all"}},
	"POST /api/v1/tasks/":                  {json: []string{"title", "notes", "status", "due_date"}, base: taskBase},
	"DELETE /api/v1/tasks/{id}":            {path: map[string]sweepPath{"id": pathNewTask}},
	"GET /api/v1/tasks/{id}":               {path: map[string]sweepPath{"id": pathOwnTask}},
	"PATCH /api/v1/tasks/{id}":             {json: []string{"title", "notes", "status", "due_date", "clear_due_date", "version"}, base: withBase(taskBase, map[string]any{"version": varVersion}), path: map[string]sweepPath{"id": pathOwnTask}},
	"GET /health":                          {outsideRule: true},
	"GET /login":                           {query: []string{"next"}},
	"POST /login":                          {form: []string{"email", "password", "next"}, base: map[string]any{"email": varEmail, "password": varPassword, "next": "/tasks"}, fresh: true},
	"POST /logout":                         {fresh: true},
	"GET /password/forgot":                 {},
	"POST /password/forgot":                {form: []string{"email"}, base: map[string]any{"email": varEmail}},
	"GET /password/reset/{token}":          {path: map[string]sweepPath{"token": pathResetToken}, fresh: true},
	"POST /password/reset/{token}":         {form: []string{"password"}, base: map[string]any{"password": "a reset sweep password 9"}, path: map[string]sweepPath{"token": pathResetToken}, fresh: true},
	"GET /ready":                           {outsideRule: true},
	"GET /signup":                          {},
	"POST /signup":                         {form: []string{"email", "password"}, base: map[string]any{"email": varNewEmail, "password": "a sweep signup password 4"}, fresh: true},
	"GET /static/*":                        {path: map[string]sweepPath{"*": literal("css/app.css")}, outsideRule: true},
	"HEAD /static/*":                       {path: map[string]sweepPath{"*": literal("css/app.css")}, outsideRule: true},
	"GET /tasks/":                          {query: []string{"status", "q", "cursor", "all"}},
	"POST /tasks/":                         {form: []string{"title", "notes", "status", "due_date"}, base: taskBase},
	"DELETE /tasks/{id}":                   {path: map[string]sweepPath{"id": pathNewTask}},
	"GET /tasks/{id}":                      {path: map[string]sweepPath{"id": pathOwnTask}},
	"POST /tasks/{id}":                     {form: []string{"title", "notes", "status", "due_date", "version"}, base: withBase(taskBase, map[string]any{"version": varVersion}), path: map[string]sweepPath{"id": pathOwnTask}},
	"PUT /tasks/{id}":                      {form: []string{"title", "notes", "status", "due_date", "version"}, base: withBase(taskBase, map[string]any{"version": varVersion}), path: map[string]sweepPath{"id": pathOwnTask}},
	"POST /tasks/{id}/delete":              {path: map[string]sweepPath{"id": pathNewTask}},
	"GET /tasks/{id}/edit":                 {path: map[string]sweepPath{"id": pathOwnTask}},
	"GET /tasks/{id}/row":                  {query: []string{"status", "q", "all"}, path: map[string]sweepPath{"id": pathOwnTask}},
	"POST /tasks/{id}/status":              {form: []string{"status"}, base: map[string]any{"status": "done"}, path: map[string]sweepPath{"id": pathOwnTask}},
	"GET /verify-email/{token}":            {path: map[string]sweepPath{"token": pathVerifyToken}},
	// Background jobs, attachments and uploads (fixtures in sweep_fixtures_test.go).
	"GET /admin/jobs/":                            {adminOnly: true},
	"POST /admin/jobs/{id}/retry":                 {path: map[string]sweepPath{"id": pathJob}, adminOnly: true},
	"POST /admin/jobs/{id}/cancel":                {path: map[string]sweepPath{"id": pathJob}, adminOnly: true},
	"GET /tasks/{id}/attachments/":                {path: map[string]sweepPath{"id": pathOwnTask}},
	"GET /tasks/{id}/attachments/{aid}":           {path: attachmentPaths},
	"GET /tasks/{id}/attachments/{aid}/thumbnail": {path: attachmentPaths},
	"DELETE /tasks/{id}/attachments/{aid}":        {path: attachmentPaths},
	"POST /tasks/{id}/attachments/{aid}/delete":   {path: attachmentPaths},
	"GET /api/v1/tasks/{id}/attachments/":         {path: map[string]sweepPath{"id": pathOwnTask}},
	"POST /api/v1/tasks/{id}/attachments/":        {json: []string{"key", "filename"}, base: map[string]any{"key": varUploadedKey, "filename": "sweep.pdf"}, path: map[string]sweepPath{"id": pathOwnTask}},
	"GET /api/v1/tasks/{id}/attachments/{aid}":    {path: attachmentPaths},
	"DELETE /api/v1/tasks/{id}/attachments/{aid}": {path: attachmentPaths},
	"POST /api/v1/uploads/":                       {json: []string{"filename", "content_type", "size"}, base: uploadBase},
	"GET /tasks/events":                           {query: []string{"all", "last_event_id"}, stream: true},
	"GET /account/tokens":                         {},
	// Token routes run each request on a new account: one account may hold 50 live tokens.
	"POST /account/tokens":             {form: []string{"name", "scope", "expires_in_days"}, base: tokenBase, fresh: true},
	"POST /account/tokens/{id}/revoke": {path: map[string]sweepPath{"id": pathToken}, fresh: true},
	"GET /api/v1/tokens/":              {},
	"POST /api/v1/tokens/":             {json: []string{"name", "scope", "expires_in_days"}, base: tokenBase, fresh: true},
	"DELETE /api/v1/tokens/{id}":       {path: map[string]sweepPath{"id": pathToken}, fresh: true},
	// The local storage driver's URLs: without a signature the valid
	// request is refused (403), as S3 would.
	"GET /storage/*": {path: map[string]sweepPath{"*": literal("none")}, controlStatus: 403},
	"PUT /storage/*": {path: map[string]sweepPath{"*": literal("none")}, controlStatus: 403},
}

func literal(s string) sweepPath { return func(*sweepReq) string { return s } }
