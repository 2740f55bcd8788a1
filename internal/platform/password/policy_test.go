package password_test

import (
	"os"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/password"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	const (
		tooShort  = "Password must be at least 8 characters long."
		tooLong   = "Password must be at most 1024 bytes long."
		tooCommon = "This password is too common. Choose a less predictable one."
	)
	tests := []struct {
		name, pw, want string
	}{
		{"empty", "", tooShort},
		{"7 bytes", "xk4!pq9", tooShort},
		{"8 bytes", "xk4!pq9z", ""},
		{"spaces kept", " Pass word ", ""},
		{"only spaces", "        ", ""},
		{"64 bytes", strings.Repeat("ab", 32), ""},
		{"1024 bytes", strings.Repeat("a", 1024), ""},
		{"1024 bytes of emoji", strings.Repeat("🔑", 256), ""},
		{"1025 bytes", strings.Repeat("a", 1025), tooLong},
		{"1028 bytes of emoji", strings.Repeat("🔑", 257), tooLong},
		{"3 letters in 6 bytes", "ééé", tooShort},
		{"4 letters in 8 bytes", "éééé", ""},
		{"2 emoji in 8 bytes", "🔑🔒", ""},
		{"common", "password123", tooCommon},
		{"common, mixed case", "PassWord123", tooCommon},
		{"common digits", "12345678", tooCommon},
		{"common with symbol", "P@ssw0rd", tooCommon},
		{"common plus a suffix", "password123 but longer", ""},
	}
	for _, tt := range tests {
		if got := password.Check(tt.pw); got != tt.want {
			t.Errorf("%s: Check(%.20q) = %q, want %q", tt.name, tt.pw, got, tt.want)
		}
	}
}

func TestCommonList(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("common.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if !strings.HasPrefix(lines[0], "# ") || !strings.Contains(lines[0], "SecLists") {
		t.Errorf("common.txt starts with %q, want a comment naming the source", lines[0])
	}
	seen := make(map[string]bool)
	for i, l := range lines[1:] {
		if len(l) < password.MinLength || l != strings.ToLower(l) || seen[l] {
			t.Errorf("common.txt line %d: %q is short, not lower-case or repeated", i+2, l)
		}
		seen[l] = true
	}
	if n := len(seen); n < 200 || n > 1000 {
		t.Errorf("common.txt has %d entries, want a few hundred", n)
	}
	for _, w := range []string{"password", "password1", "password123", "12345678", "123456789", "qwerty123",
		"iloveyou", "11111111", "abc12345", "sunshine", "football", "baseball", "welcome1", "trustno1",
		"letmein1", "superman", "qwertyuiop", "1q2w3e4r", "passw0rd"} {
		if !seen[w] {
			t.Errorf("common.txt lacks %q", w)
		}
		if got := password.Check(w); got == "" {
			t.Errorf("Check(%q) = \"\", want the too-common message", w)
		}
	}
}
