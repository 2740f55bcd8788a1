package password_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/password"
)

// paramRE finds the cost parameters, so the fuzzer can skip inputs that
// would be valid but slow (the bounds themselves are in TestVerifyMalformed).
var paramRE = regexp.MustCompile(`([mtp])=0*(\d{1,12})`)

func FuzzVerify(f *testing.F) {
	h := password.NewHasher(password.DefaultParams, 1)
	small := password.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	valid, err := password.NewHasher(small, 1).Hash(context.Background(), "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	f.Add("fuzz", valid)
	f.Add("fuzz", strings.Replace(valid, "argon2id", "argon2i", 1))
	f.Add("fuzz", strings.Replace(valid, "v=19", "v=18", 1))
	f.Add("fuzz", strings.Replace(valid, "m=64", "m=0", 1))
	f.Add("fuzz", strings.Replace(valid, "m=64", "m=99999999", 1))
	f.Add("fuzz", strings.Replace(valid, "p=1", "p=0", 1))
	f.Add("fuzz", valid[:len(valid)-10])
	f.Add("fuzz", valid+"$")
	f.Add("", "$argon2id$v=19$m=8,t=1,p=1$$")
	f.Add("x", "$$$$$")
	f.Fuzz(func(t *testing.T, pw, enc string) {
		for _, m := range paramRE.FindAllStringSubmatch(enc, -1) {
			n, _ := strconv.ParseUint(m[2], 10, 64)
			if (m[1] == "m" && n > 4096) || (m[1] == "t" && n > 2) || (m[1] == "p" && n > 4) {
				t.Skip("valid but slow parameters")
			}
		}
		match, rehash, err := h.Verify(context.Background(), pw, enc)
		if err != nil {
			if match || rehash {
				t.Errorf("Verify(%q, %q) = %v, %v, %v: true alongside an error", pw, enc, match, rehash, err)
			}
			return
		}
		if !canonicalRE.MatchString(enc) {
			t.Errorf("Verify(%q, %q) accepted a non-canonical hash", pw, enc)
		}
	})
}

var canonicalRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=[1-9][0-9]*,t=[1-9][0-9]*,p=[1-9][0-9]*\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$`)
