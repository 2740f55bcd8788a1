package tasks

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func day(y int, m time.Month, d int) *Date {
	dd := Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	return &dd
}

func ptr[T any](v T) *T { return &v }

func TestInputValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         Input
		wantFields []string // fields with a problem
		wantTitle  string   // the title after Validate, when checked
		wantStatus Status
	}{
		{"valid", Input{Title: "Buy milk", Status: StatusDoing}, nil, "Buy milk", StatusDoing},
		{"empty title", Input{Title: ""}, []string{"title"}, "", StatusTodo},
		{"blank title", Input{Title: " \t\n "}, []string{"title"}, "", StatusTodo},
		{"title trimmed", Input{Title: "  Buy milk \n"}, nil, "Buy milk", StatusTodo},
		{"title 200 ASCII characters", Input{Title: strings.Repeat("a", 200)}, nil, strings.Repeat("a", 200), StatusTodo},
		{"title 201 ASCII characters", Input{Title: strings.Repeat("a", 201)}, []string{"title"}, strings.Repeat("a", 201), StatusTodo},
		// 200 runes of 3 bytes (600 bytes) are fine: the limit is in characters.
		{"title 200 multi-byte characters", Input{Title: strings.Repeat("€", 200)}, nil, strings.Repeat("€", 200), StatusTodo},
		{"title 201 multi-byte characters", Input{Title: strings.Repeat("€", 201)}, []string{"title"}, strings.Repeat("€", 201), StatusTodo},
		{"title 200 characters after trimming", Input{Title: "  " + strings.Repeat("é", 200) + "  "}, nil, strings.Repeat("é", 200), StatusTodo},
		{"notes 10000 characters", Input{Title: "t", Notes: strings.Repeat("ü", 10000)}, nil, "t", StatusTodo},
		{"notes 10001 characters", Input{Title: "t", Notes: strings.Repeat("n", 10001)}, []string{"notes"}, "t", StatusTodo},
		{"default status todo", Input{Title: "t"}, nil, "t", StatusTodo},
		{"status done", Input{Title: "t", Status: StatusDone}, nil, "t", StatusDone},
		{"bad status", Input{Title: "t", Status: "later"}, []string{"status"}, "t", "later"},
		{"status is case-sensitive", Input{Title: "t", Status: "TODO"}, []string{"status"}, "t", "TODO"},
		{"every field wrong", Input{Title: "", Notes: strings.Repeat("n", 10001), Status: "x"}, []string{"notes", "status", "title"}, "", "x"},
		{"due date kept", Input{Title: "t", DueDate: day(2025, 1, 2)}, nil, "t", StatusTodo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in.Normalized()
			problems := in.Validate()
			got := slices.Sorted(maps.Keys(problems))
			if !slices.Equal(got, tt.wantFields) {
				t.Errorf("Validate() fields = %v, want %v (problems %v)", got, tt.wantFields, problems)
			}
			for f, msg := range problems {
				if msg == "" {
					t.Errorf("Validate() field %q has an empty message", f)
				}
			}
			if in.Title != tt.wantTitle {
				t.Errorf("after Normalized, Title = %q, want %q", in.Title, tt.wantTitle)
			}
			if in.Status != tt.wantStatus {
				t.Errorf("after Normalized, Status = %q, want %q", in.Status, tt.wantStatus)
			}
		})
	}
}

func TestListParamsNormalize(t *testing.T) {
	t.Parallel()
	good := encodeCursor(Task{ID: 7, CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC)})
	tests := []struct {
		name       string
		p          ListParams
		wantFields []string
		wantLimit  int
		wantQuery  string
	}{
		{"zero value", ListParams{}, nil, DefaultLimit, ""},
		{"limit 0 is the default 20", ListParams{Limit: 0}, nil, 20, ""},
		{"limit 1", ListParams{Limit: 1}, nil, 1, ""},
		{"limit 100", ListParams{Limit: 100}, nil, 100, ""},
		{"limit 101", ListParams{Limit: 101}, []string{"limit"}, 101, ""},
		{"limit -1", ListParams{Limit: -1}, []string{"limit"}, -1, ""},
		{"status todo", ListParams{Status: StatusTodo}, nil, 20, ""},
		{"status done", ListParams{Status: StatusDone}, nil, 20, ""},
		{"bad status", ListParams{Status: "nope"}, []string{"status"}, 20, ""},
		{"query trimmed", ListParams{Query: "  milk  "}, nil, 20, "milk"},
		{"query 200 characters", ListParams{Query: strings.Repeat("ä", 200)}, nil, 20, strings.Repeat("ä", 200)},
		{"query 201 characters", ListParams{Query: strings.Repeat("ä", 201)}, []string{"q"}, 20, strings.Repeat("ä", 201)},
		{"good cursor", ListParams{Cursor: good}, nil, 20, ""},
		{"cursor garbage", ListParams{Cursor: "garbage"}, []string{"cursor"}, 20, ""},
		{"cursor not base64", ListParams{Cursor: "!!!"}, []string{"cursor"}, 20, ""},
		{"cursor padded base64", ListParams{Cursor: base64.URLEncoding.EncodeToString([]byte(`{"c":"2025-01-02T00:00:00Z","i":1}`))}, []string{"cursor"}, 20, ""},
		{"cursor JSON null", ListParams{Cursor: base64.RawURLEncoding.EncodeToString([]byte(`null`))}, []string{"cursor"}, 20, ""},
		{"cursor id 0", ListParams{Cursor: base64.RawURLEncoding.EncodeToString([]byte(`{"c":"2025-01-02T00:00:00Z","i":0}`))}, []string{"cursor"}, 20, ""},
		{"cursor negative id", ListParams{Cursor: base64.RawURLEncoding.EncodeToString([]byte(`{"c":"2025-01-02T00:00:00Z","i":-3}`))}, []string{"cursor"}, 20, ""},
		{"cursor bad time", ListParams{Cursor: base64.RawURLEncoding.EncodeToString([]byte(`{"c":"yesterday","i":3}`))}, []string{"cursor"}, 20, ""},
		{"everything wrong", ListParams{Limit: 1000, Status: "x", Cursor: "%%%"}, []string{"cursor", "limit", "status"}, 1000, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			problems := p.Normalize()
			got := slices.Sorted(maps.Keys(problems))
			if !slices.Equal(got, tt.wantFields) {
				t.Errorf("Normalize() fields = %v, want %v (problems %v)", got, tt.wantFields, problems)
			}
			if p.Limit != tt.wantLimit {
				t.Errorf("after Normalize, Limit = %d, want %d", p.Limit, tt.wantLimit)
			}
			if p.Query != tt.wantQuery {
				t.Errorf("after Normalize, Query = %q, want %q", p.Query, tt.wantQuery)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	// Microseconds are what PostgreSQL keeps; a cursor must not lose them,
	// or rows sharing a second would be skipped or repeated.
	task := Task{ID: 42, CreatedAt: time.Date(2025, 3, 4, 5, 6, 7, 890123000, time.FixedZone("X", 3600))}
	s := encodeCursor(task)
	if strings.ContainsAny(s, "+/=") {
		t.Errorf("encodeCursor = %q, want URL-safe unpadded base64", s)
	}
	c, err := decodeCursor(s)
	if err != nil {
		t.Fatalf("decodeCursor(%q): %v", s, err)
	}
	if c.ID != task.ID || !c.CreatedAt.Equal(task.CreatedAt) {
		t.Errorf("decodeCursor(encodeCursor(%d, %v)) = %d, %v", task.ID, task.CreatedAt, c.ID, c.CreatedAt)
	}
	if c, err := decodeCursor(""); c != nil || err != nil {
		t.Errorf(`decodeCursor("") = %v, %v, want nil, nil`, c, err)
	}
}

func TestDateText(t *testing.T) {
	t.Parallel()
	var d Date
	if err := d.UnmarshalText([]byte("2024-02-29")); err != nil {
		t.Fatalf("UnmarshalText(2024-02-29): %v", err)
	}
	b, err := d.MarshalText()
	if err != nil || string(b) != "2024-02-29" {
		t.Errorf("MarshalText = %q, %v, want 2024-02-29", b, err)
	}
	if d.String() != "2024-02-29" {
		t.Errorf("String = %q, want 2024-02-29", d.String())
	}

	for _, bad := range []string{"", "2023-02-29", "2024-13-01", "2024-1-2", "02/01/2024", "2024-02-29T00:00:00Z", "tomorrow", " 2024-02-29"} {
		before := *day(2000, 1, 1)
		d := before
		err := d.UnmarshalText([]byte(bad))
		if err == nil {
			t.Errorf("UnmarshalText(%q) = nil error, want an error", bad)
		} else if err.Error() != "must be a date (YYYY-MM-DD)" {
			t.Errorf("UnmarshalText(%q) error = %q, want the readable message", bad, err)
		}
		if d != before {
			t.Errorf("UnmarshalText(%q) changed the date to %v", bad, d)
		}
	}

	// In JSON, as the API sends it.
	var in Input
	if err := json.Unmarshal([]byte(`{"title":"t","due_date":"2025-12-31"}`), &in); err != nil {
		t.Fatalf("json.Unmarshal: %v", err)
	}
	if in.DueDate == nil || in.DueDate.String() != "2025-12-31" {
		t.Errorf("decoded due_date = %v, want 2025-12-31", in.DueDate)
	}
	out, err := json.Marshal(Task{Title: "t", DueDate: day(2025, 12, 31)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"due_date":"2025-12-31"`) {
		t.Errorf("json.Marshal(Task) = %s, want due_date 2025-12-31", out)
	}
	if err := json.Unmarshal([]byte(`{"due_date":"31.12.2025"}`), &in); err == nil {
		t.Error(`json.Unmarshal(due_date "31.12.2025") = nil error, want an error`)
	}
}

func TestNewDateAndBefore(t *testing.T) {
	t.Parallel()
	// 23:30 in UTC-5 is the next day in UTC: the day is the one of t's zone.
	late := time.Date(2025, 6, 15, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))
	if got := NewDate(late).String(); got != "2025-06-15" {
		t.Errorf("NewDate(%v) = %s, want 2025-06-15", late, got)
	}
	a, b := *day(2025, 6, 14), *day(2025, 6, 15)
	if !a.Before(b) || b.Before(a) || a.Before(a) {
		t.Errorf("Before: %v<%v = %t, %v<%v = %t, %v<%v = %t", a, b, a.Before(b), b, a, b.Before(a), a, a, a.Before(a))
	}
}

func TestTaskOverdue(t *testing.T) {
	t.Parallel()
	today := *day(2025, 6, 15)
	tests := []struct {
		name string
		task Task
		want bool
	}{
		{"no due date", Task{Status: StatusTodo}, false},
		{"due yesterday", Task{Status: StatusTodo, DueDate: day(2025, 6, 14)}, true},
		{"due yesterday, doing", Task{Status: StatusDoing, DueDate: day(2025, 6, 14)}, true},
		{"due yesterday, done", Task{Status: StatusDone, DueDate: day(2025, 6, 14)}, false},
		{"due today", Task{Status: StatusTodo, DueDate: day(2025, 6, 15)}, false},
		{"due tomorrow", Task{Status: StatusTodo, DueDate: day(2025, 6, 16)}, false},
		{"due last year", Task{Status: StatusTodo, DueDate: day(2024, 12, 31)}, true},
	}
	for _, tt := range tests {
		if got := tt.task.Overdue(today); got != tt.want {
			t.Errorf("%s: Overdue(%v) = %t, want %t", tt.name, today, got, tt.want)
		}
	}
}

func TestPatchApply(t *testing.T) {
	t.Parallel()
	current := Task{ID: 1, Title: "Title", Notes: "Notes", Status: StatusDoing, DueDate: day(2025, 1, 2), Version: 3}
	tests := []struct {
		name  string
		patch Patch
		want  Input
	}{
		{"nil fields keep everything", Patch{Version: 3},
			Input{Title: "Title", Notes: "Notes", Status: StatusDoing, DueDate: day(2025, 1, 2)}},
		{"title only", Patch{Title: ptr("New")},
			Input{Title: "New", Notes: "Notes", Status: StatusDoing, DueDate: day(2025, 1, 2)}},
		{"empty notes clear the notes", Patch{Notes: ptr("")},
			Input{Title: "Title", Notes: "", Status: StatusDoing, DueDate: day(2025, 1, 2)}},
		{"status only", Patch{Status: ptr(StatusDone)},
			Input{Title: "Title", Notes: "Notes", Status: StatusDone, DueDate: day(2025, 1, 2)}},
		{"new due date", Patch{DueDate: day(2026, 7, 8)},
			Input{Title: "Title", Notes: "Notes", Status: StatusDoing, DueDate: day(2026, 7, 8)}},
		{"ClearDueDate clears", Patch{ClearDueDate: true},
			Input{Title: "Title", Notes: "Notes", Status: StatusDoing}},
		{"ClearDueDate wins over a due date", Patch{DueDate: day(2026, 7, 8), ClearDueDate: true},
			Input{Title: "Title", Notes: "Notes", Status: StatusDoing}},
		{"every field", Patch{Title: ptr("A"), Notes: ptr("B"), Status: ptr(StatusTodo), DueDate: day(2030, 1, 1)},
			Input{Title: "A", Notes: "B", Status: StatusTodo, DueDate: day(2030, 1, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.patch.apply(current)
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b Date) bool { return time.Time(a).Equal(time.Time(b)) })); diff != "" {
				t.Errorf("apply mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// The patch is applied to a copy: the current task is unchanged.
	if current.Title != "Title" || current.DueDate == nil {
		t.Errorf("apply changed the current task: %+v", current)
	}
}

func TestStatusValid(t *testing.T) {
	t.Parallel()
	for _, s := range Statuses {
		if !s.Valid() {
			t.Errorf("%q.Valid() = false", s)
		}
	}
	for _, s := range []Status{"", "Todo", "deleted", " todo"} {
		if s.Valid() {
			t.Errorf("%q.Valid() = true", s)
		}
	}
}
