package password

import (
	_ "embed"
	"strings"
)

// Length limits for Check, in bytes. Forms can use them for the minlength
// and maxlength attributes (which count characters, so the server check
// still decides).
const (
	MinLength = 8
	MaxLength = 1024
)

//go:embed common.txt
var commonTxt string

// common holds the lower-cased entries of common.txt.
var common = parseList(commonTxt)

// Check applies the password policy (security-checklist.md T20; ASVS
// 6.2.1–6.2.9) and returns "" if password is acceptable, otherwise a message
// for the user. Lengths are counted in bytes: MinLength to MaxLength. The
// password must not be in the common-password list, compared ignoring case.
// There are no composition rules, and the password is never trimmed or
// changed: any characters, spaces and emoji included, are stored as typed.
func Check(password string) string {
	switch {
	case len(password) < MinLength:
		return "Password must be at least 8 characters long."
	case len(password) > MaxLength:
		return "Password must be at most 1024 bytes long."
	}
	if _, ok := common[strings.ToLower(password)]; ok {
		return "This password is too common. Choose a less predictable one."
	}
	return ""
}

// parseList reads one entry a line, skipping blank lines and # comments.
func parseList(s string) map[string]struct{} {
	m := make(map[string]struct{})
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToLower(line)] = struct{}{}
	}
	return m
}
