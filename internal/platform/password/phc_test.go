package password_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/groundwork-dev/groundwork/internal/platform/password"
)

func TestVerifyMalformed(t *testing.T) {
	t.Parallel()
	h := password.NewHasher(password.DefaultParams, 0)
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	tests := []struct{ name, enc string }{
		{"empty", ""},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + key},
		{"version 18", "$argon2id$v=18$m=19456,t=2,p=1$" + salt + "$" + key},
		{"no version", "$argon2id$m=19456,t=2,p=1$" + salt + "$" + key},
		{"missing key", "$argon2id$v=19$m=19456,t=2,p=1$" + salt},
		{"extra field", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "$"},
		{"no leading $", "argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key},
		{"m=0", "$argon2id$v=19$m=0,t=2,p=1$" + salt + "$" + key},
		{"huge m", "$argon2id$v=19$m=99999999,t=2,p=1$" + salt + "$" + key},
		{"m overflows", "$argon2id$v=19$m=4294967296,t=2,p=1$" + salt + "$" + key},
		{"t=0", "$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + key},
		{"huge t", "$argon2id$v=19$m=19456,t=1000000,p=1$" + salt + "$" + key},
		{"p=0", "$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key},
		{"p=256", "$argon2id$v=19$m=19456,t=2,p=256$" + salt + "$" + key},
		{"m below 8p", "$argon2id$v=19$m=16,t=2,p=4$" + salt + "$" + key},
		{"reordered params", "$argon2id$v=19$t=2,m=19456,p=1$" + salt + "$" + key},
		{"missing param", "$argon2id$v=19$m=19456,t=2$" + salt + "$" + key},
		{"negative", "$argon2id$v=19$m=-19456,t=2,p=1$" + salt + "$" + key},
		{"plus sign", "$argon2id$v=19$m=+19456,t=2,p=1$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=019456,t=2,p=1$" + salt + "$" + key},
		{"space", "$argon2id$v=19$m=19456, t=2,p=1$" + salt + "$" + key},
		{"bad base64 salt", "$argon2id$v=19$m=19456,t=2,p=1$c2Fsd*NhbHRzYWx0c2FsdA$" + key},
		{"padded key", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "="},
		{"newline in key", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key[:20] + "\n" + key[20:]},
		{"url-safe base64", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + strings.Replace(key, "a", "_", 1)},
		{"non-canonical base64", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key[:42] + "f"},
		{"empty salt", "$argon2id$v=19$m=19456,t=2,p=1$$" + key},
		{"short salt", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$" + key},
		{"short key", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$a2V5"},
		{"too long", "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + strings.Repeat("A", 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match, rehash, err := h.Verify(context.Background(), "password", tt.enc)
			if err == nil || match || rehash {
				t.Fatalf("Verify(%q) = %v, %v, %v, want false, false, an error", tt.enc, match, rehash, err)
			}
			if !errors.Is(err, password.ErrMalformedHash) {
				t.Errorf("Verify(%q) error = %v, want one wrapping ErrMalformedHash", tt.enc, err)
			}
		})
	}
}
