// Package tasks is the reference feature: a signed-in user's list of tasks,
// as HTML pages, htmx fragments and a JSON API over one Service. Copy its
// shape for your own features (see the README, "Adding a feature").
package tasks

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/groundwork-dev/groundwork/internal/platform/apperr"
)

// Status is where a task stands.
type Status string

// The statuses, in their natural order.
const (
	StatusTodo  Status = "todo"
	StatusDoing Status = "doing"
	StatusDone  Status = "done"
)

// Statuses lists every status, in order.
var Statuses = []Status{StatusTodo, StatusDoing, StatusDone}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool {
	return s == StatusTodo || s == StatusDoing || s == StatusDone
}

// Task is one item of a user's list.
type Task struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"-"`
	Title     string    `json:"title"`
	Notes     string    `json:"notes"`
	Status    Status    `json:"status"`
	DueDate   *Date     `json:"due_date"`
	Version   int32     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Overdue reports whether the task is not done and its due date has passed.
func (t Task) Overdue(today Date) bool {
	return t.Status != StatusDone && t.DueDate != nil && t.DueDate.Before(today)
}

// EventKind names a change in the event log.
type EventKind string

// The event kinds.
const (
	EventCreated       EventKind = "created"
	EventUpdated       EventKind = "updated"
	EventStatusChanged EventKind = "status_changed"
	EventDeleted       EventKind = "deleted"
)

// Event is one row of a task's history.
type Event struct {
	ID        int64          `json:"id"`
	TaskID    int64          `json:"task_id"`
	Kind      EventKind      `json:"kind"`
	Data      map[string]any `json:"data"`
	CreatedAt time.Time      `json:"created_at"`
}

// Limits of a task's fields.
const (
	MaxTitle = 200   // characters
	MaxNotes = 10000 // characters
)

// Errors. Another user's task is ErrNotFound, never a 403 that would
// confirm it exists.
var (
	ErrNotFound = apperr.New(apperr.NotFound, "Task not found.")
	ErrConflict = apperr.New(apperr.Conflict, "This task was changed by someone else since you opened it. Reload to see the latest version, then make your change again.")
	ErrReadOnly = apperr.New(apperr.Forbidden, "Administrators can read everyone's tasks but change only their own.")
	ErrNotAdmin = apperr.New(apperr.Forbidden, "Only administrators can list everyone's tasks.")
	// ErrBadCursor is a pagination cursor that was not made by this server.
	ErrBadCursor = apperr.Validation("The request has invalid parameters.", map[string]string{"cursor": "Cursor is not valid; start again from the first page."})
)

// Input is what a person may set on a task: the create form, the edit form
// and the API's POST all decode into it, and Validate is the only place the
// rules live.
type Input struct {
	Title   string `form:"title" json:"title"`
	Notes   string `form:"notes" json:"notes"`
	Status  Status `form:"status" json:"status"`
	DueDate *Date  `form:"due_date" json:"due_date"`
}

// Normalized returns in as it is stored: the title trimmed, and the
// status todo when none is given.
func (in Input) Normalized() Input {
	in.Title = strings.TrimSpace(in.Title)
	if in.Status == "" {
		in.Status = StatusTodo
	}
	return in
}

// Validate checks the rules of a normalized input (validate.Validator);
// it returns field → message.
func (in Input) Validate() map[string]string {
	problems := map[string]string{}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		problems["title"] = "Title is required."
	case n > MaxTitle:
		problems["title"] = fmt.Sprintf("Title must be at most %d characters long.", MaxTitle)
	}
	if utf8.RuneCountInString(in.Notes) > MaxNotes {
		problems["notes"] = fmt.Sprintf("Notes must be at most %d characters long.", MaxNotes)
	}
	if !in.Status.Valid() {
		problems["status"] = "Status must be one of: todo, doing, done."
	}
	return problems
}

// Patch is a partial update (the API's PATCH): nil fields stay as they
// are. Version must be the version the client read (optimistic locking).
type Patch struct {
	Title   *string `json:"title"`
	Notes   *string `json:"notes"`
	Status  *Status `json:"status"`
	DueDate *Date   `json:"due_date"`
	// ClearDueDate removes the due date (JSON null cannot be told apart
	// from an absent field after decoding).
	ClearDueDate bool  `json:"clear_due_date"`
	Version      int32 `json:"version" validate:"required,min=1"`
}

// apply returns t with the patch applied, as an Input to validate.
func (p Patch) apply(t Task) Input {
	in := Input{Title: t.Title, Notes: t.Notes, Status: t.Status, DueDate: t.DueDate}
	if p.Title != nil {
		in.Title = *p.Title
	}
	if p.Notes != nil {
		in.Notes = *p.Notes
	}
	if p.Status != nil {
		in.Status = *p.Status
	}
	if p.DueDate != nil {
		in.DueDate = p.DueDate
	}
	if p.ClearDueDate {
		in.DueDate = nil
	}
	return in
}

// ListParams selects a page of a user's tasks, newest first.
type ListParams struct {
	Status Status // "" for every status
	Query  string // words to find in title or notes; "" for all
	Limit  int    // 1–100
	Cursor string // from the previous page's NextCursor; "" for the first page
	// Everyone lists every user's tasks (read-only): admins only.
	Everyone bool
}

// DefaultLimit and MaxLimit bound a page.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Normalize applies defaults and checks the params; it returns field →
// message for values that cannot be used.
func (p *ListParams) Normalize() map[string]string {
	problems := map[string]string{}
	p.Query = strings.TrimSpace(p.Query)
	if p.Limit == 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit < 1 || p.Limit > MaxLimit {
		problems["limit"] = fmt.Sprintf("Limit must be between 1 and %d.", MaxLimit)
	}
	if p.Status != "" && !p.Status.Valid() {
		problems["status"] = "Status must be one of: todo, doing, done."
	}
	if utf8.RuneCountInString(p.Query) > 200 {
		problems["q"] = "Search text must be at most 200 characters long."
	}
	if _, err := decodeCursor(p.Cursor); err != nil {
		problems["cursor"] = "Cursor is not valid; start again from the first page."
	}
	return problems
}

// Page is one page of tasks; NextCursor is "" on the last page.
type Page struct {
	Items      []Task `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// cursor is the position after the last task of a page, in list order.
type cursor struct {
	CreatedAt time.Time `json:"c"`
	ID        int64     `json:"i"`
}

// encodeCursor makes the opaque cursor that follows t.
func encodeCursor(t Task) string {
	b, _ := json.Marshal(cursor{CreatedAt: t.CreatedAt, ID: t.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor; "" is the start (nil).
func decodeCursor(s string) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.ID <= 0 {
		return nil, fmt.Errorf("bad cursor")
	}
	return &c, nil
}

// Date is a calendar day without time of day or zone, written "2006-01-02"
// in forms and JSON.
type Date time.Time

// DateLayout is how a Date is written.
const DateLayout = "2006-01-02"

// NewDate returns the day of t (in t's location).
func NewDate(t time.Time) Date {
	y, m, d := t.Date()
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// Before reports whether d is an earlier day than other.
func (d Date) Before(other Date) bool { return time.Time(d).Before(time.Time(other)) }

// String returns the date as 2006-01-02.
func (d Date) String() string { return time.Time(d).Format(DateLayout) }

// MarshalText writes the date as 2006-01-02.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON reads a "2006-01-02" string. A bad one is reported as a
// type error, which names the field (httpx answers 400 saying which).
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil || d.UnmarshalText([]byte(s)) != nil {
		return &json.UnmarshalTypeError{Value: "string " + string(b), Type: reflect.TypeFor[Date]()}
	}
	return nil
}

// UnmarshalText reads a 2006-01-02 date.
func (d *Date) UnmarshalText(b []byte) error {
	t, err := time.Parse(DateLayout, string(b))
	if err != nil {
		return fmt.Errorf("must be a date (YYYY-MM-DD)")
	}
	*d = Date(t)
	return nil
}
