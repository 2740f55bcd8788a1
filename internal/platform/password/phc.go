package password

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// maxEncodedLen bounds the input decode looks at; the longest valid string
// (64-byte salt and key, large parameters) is well under it.
const maxEncodedLen = 256

var b64 = base64.RawStdEncoding.Strict()

// encode formats a PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$key.
func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses a PHC string from encode, strictly: exactly five fields,
// argon2id version 19, parameters in the order m, t, p as canonical decimals,
// unpadded standard base64, and values within Params.Validate's bounds.
// Errors wrap ErrMalformedHash and never quote the input.
func decode(s string) (Params, []byte, []byte, error) {
	fail := func(format string, args ...any) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: "+format, append([]any{ErrMalformedHash}, args...)...)
	}
	if len(s) > maxEncodedLen {
		return fail("longer than %d bytes", maxEncodedLen)
	}
	f := strings.Split(s, "$")
	if len(f) != 6 || f[0] != "" {
		return fail("want 5 $-separated fields")
	}
	if f[1] != "argon2id" {
		return fail("unsupported algorithm")
	}
	if f[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail("unsupported version")
	}
	kv := strings.Split(f[3], ",")
	if len(kv) != 3 {
		return fail("want parameters m, t and p")
	}
	m, err1 := param(kv[0], "m=", 32)
	t, err2 := param(kv[1], "t=", 32)
	p, err3 := param(kv[2], "p=", 8)
	if err1 != nil || err2 != nil || err3 != nil {
		return fail("bad parameters")
	}
	salt, err := unbase64(f[4])
	if err != nil {
		return fail("salt: %v", err)
	}
	key, err := unbase64(f[5])
	if err != nil {
		return fail("key: %v", err)
	}
	params := Params{Memory: uint32(m), Time: uint32(t), Threads: uint8(p), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if err := params.Validate(); err != nil {
		return fail("%v", err)
	}
	return params, salt, key, nil
}

// param parses "name=decimal" with no sign, no leading zeros and no
// surrounding space.
func param(s, prefix string, bits int) (uint64, error) {
	digits, ok := strings.CutPrefix(s, prefix)
	if !ok || digits == "" || (len(digits) > 1 && digits[0] == '0') {
		return 0, fmt.Errorf("bad %q", prefix)
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("bad %q", prefix)
		}
	}
	return strconv.ParseUint(digits, 10, bits)
}

// unbase64 decodes unpadded standard base64. The decoder alone would skip
// CR and LF; the character check refuses them and any padding.
func unbase64(s string) ([]byte, error) {
	for _, c := range s {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, fmt.Errorf("invalid base64 character")
		}
	}
	return b64.DecodeString(s)
}
