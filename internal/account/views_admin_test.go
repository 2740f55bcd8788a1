package account

import (
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

func TestAdminUsersPage(t *testing.T) {
	created := time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC)
	v := AdminUsersView{
		CurrentUserID: 1,
		Users: []User{
			{ID: 1, Email: "root@example.com", Role: RoleAdmin, EmailVerifiedAt: &created, CreatedAt: created},
			{ID: 2, Email: "ann@example.com", Role: RoleUser, CreatedAt: created},
			{ID: 3, Email: "gone@example.com", Role: RoleUser, DisabledAt: &created, CreatedAt: created},
			{ID: 4, Email: `"><img src=x>@example.com`, Role: RoleAdmin, CreatedAt: created},
		},
	}
	doc, _ := renderView(t, AdminUsersPage(v), "/admin/users")
	assertViewCSPSafe(t, doc)
	table := doc.Find(`table[data-testid="users"]`)
	if table.Length() != 1 || table.Find("caption").Length() != 1 {
		t.Fatal("users table or caption missing")
	}
	if doc.Find("img").Length() != 0 {
		t.Error("email not escaped")
	}
	rows := table.Find("tbody tr")
	if rows.Length() != 4 {
		t.Fatalf("%d rows, want 4", rows.Length())
	}
	wantDisable := []bool{false, true, false, true}
	wantText := [][]string{
		{"root@example.com", "Admin", "Active", "Yes", "15 Jan 2026 08:00 UTC"},
		{"ann@example.com", "User", "Active", "No"},
		{"gone@example.com", "User", "Disabled"},
		{"Admin", "Active"},
	}
	rows.Each(func(i int, row *goquery.Selection) {
		for _, s := range wantText[i] {
			if !strings.Contains(row.Text(), s) {
				t.Errorf("row %d lacks %q", i, s)
			}
		}
		form := row.Find(`form[data-testid="disable-form"]`)
		if got := form.Length() == 1; got != wantDisable[i] {
			t.Errorf("row %d: disable form present = %v, want %v", i, got, wantDisable[i])
			return
		}
		// The role form goes with the disable form: active accounts other
		// than the admin's own, offering the other role.
		role := row.Find(`form[data-testid="role-form"]`)
		if got := role.Length() == 1; got != wantDisable[i] {
			t.Errorf("row %d: role form present = %v, want %v", i, got, wantDisable[i])
		}
		if !wantDisable[i] {
			return
		}
		id := row.AttrOr("data-user-id", "")
		wantRole, wantLabel := "admin", "Make admin"
		if strings.Contains(row.Text(), "Admin") {
			wantRole, wantLabel = "user", "Make user"
		}
		if got := role.AttrOr("action", ""); got != "/admin/users/"+id+"/role" || role.AttrOr("method", "") != "post" {
			t.Errorf("row %d: role action = %q", i, got)
		}
		if got := role.Find(`input[name="role"]`).AttrOr("value", ""); got != wantRole {
			t.Errorf("row %d: role form offers %q, want %q", i, got, wantRole)
		}
		if got := strings.TrimSpace(role.Find(`button[type="submit"]`).Text()); !strings.HasPrefix(got, wantLabel) {
			t.Errorf("row %d: role button %q, want %q", i, got, wantLabel)
		}
		if got := form.AttrOr("action", ""); got != "/admin/users/"+id+"/disable" || form.AttrOr("method", "") != "post" {
			t.Errorf("row %d: disable action = %q", i, got)
		}
		btn := form.Find(`button[type="submit"]`)
		if !btn.HasClass("btn--danger") || !strings.HasPrefix(strings.TrimSpace(btn.Text()), "Disable") {
			t.Errorf("row %d: not a danger Disable button", i)
		}
		if got := btn.AttrOr("data-confirm", ""); got != "Disable this account? Their sessions end at once." {
			t.Errorf("row %d: data-confirm = %q", i, got)
		}
	})
	if !strings.Contains(rows.Eq(0).Text(), "You") {
		t.Error(`current admin not marked "You"`)
	}
	if doc.Find(`[data-testid="empty-state"]`).Length() != 0 {
		t.Error("empty state shown with users")
	}
}

func TestAdminUsersPageEmpty(t *testing.T) {
	doc, _ := renderView(t, AdminUsersPage(AdminUsersView{}), "/admin/users")
	if doc.Find(`[data-testid="empty-state"]`).Length() != 1 {
		t.Error("empty state missing")
	}
	if doc.Find(`table`).Length() != 0 {
		t.Error("table shown without users")
	}
}
