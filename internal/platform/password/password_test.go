package password_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/groundwork-dev/groundwork/internal/platform/password"
)

var phcRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashFormat(t *testing.T) {
	t.Parallel()
	h := password.NewHasher(password.DefaultParams, 0)
	got, err := h.Hash(context.Background(), "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !phcRE.MatchString(got) {
		t.Errorf("Hash() = %q, want a match for %s", got, phcRE)
	}
}

func TestHashDistinctSalts(t *testing.T) {
	t.Parallel()
	const n = 50
	h := password.NewHasher(password.DefaultParams, 0)
	hashes := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var err error
			if hashes[i], err = h.Hash(context.Background(), "same password"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	salts := make(map[string]bool)
	for _, s := range hashes {
		f := strings.Split(s, "$")
		if len(f) != 6 {
			t.Fatalf("Hash() = %q, want 6 $-fields", s)
		}
		salts[f[4]] = true
	}
	if len(salts) != n {
		t.Errorf("%d hashes of one password have %d distinct salts, want %d", n, len(salts), n)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	h := password.NewHasher(password.DefaultParams, 0)
	ctx := context.Background()
	for _, pw := range []string{
		"correct horse battery staple",
		" Pass word ",            // never trimmed
		strings.Repeat("🔑", 256), // 1024 bytes
		"",
	} {
		enc, err := h.Hash(ctx, pw)
		if err != nil {
			t.Fatal(err)
		}
		if match, rehash, err := h.Verify(ctx, pw, enc); !match || rehash || err != nil {
			t.Errorf("Verify(%.20q, own hash) = %v, %v, %v, want true, false, nil", pw, match, rehash, err)
		}
		for _, wrong := range []string{pw + "x", strings.TrimSpace(pw) + "!", strings.ToUpper(pw) + "?"} {
			if match, rehash, err := h.Verify(ctx, wrong, enc); match || rehash || err != nil {
				t.Errorf("Verify(%.20q, hash of %.20q) = %v, %v, %v, want false, false, nil", wrong, pw, match, rehash, err)
			}
		}
	}
	// Trimming or case-folding must not make a different password match.
	enc, _ := h.Hash(ctx, " Pass word ")
	for _, near := range []string{"Pass word", " pass word ", "Pass word "} {
		if match, _, _ := h.Verify(ctx, near, enc); match {
			t.Errorf("Verify(%q, hash of %q) = true, want false", near, " Pass word ")
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	old := password.DefaultParams
	old.Time = 1
	enc, err := password.NewHasher(old, 0).Hash(ctx, "s3cret-passphrase")
	if err != nil {
		t.Fatal(err)
	}
	h := password.NewHasher(password.DefaultParams, 0)
	if match, rehash, err := h.Verify(ctx, "s3cret-passphrase", enc); !match || !rehash || err != nil {
		t.Errorf("Verify(t=1 hash) with a t=2 hasher = %v, %v, %v, want true, true, nil", match, rehash, err)
	}
	// A wrong password never asks for a rehash.
	if match, rehash, err := h.Verify(ctx, "wrong", enc); match || rehash || err != nil {
		t.Errorf("Verify(wrong, t=1 hash) = %v, %v, %v, want false, false, nil", match, rehash, err)
	}
	fresh, _ := h.Hash(ctx, "s3cret-passphrase")
	if match, rehash, _ := h.Verify(ctx, "s3cret-passphrase", fresh); !match || rehash {
		t.Errorf("Verify(current hash) = %v, %v, want true, false", match, rehash)
	}
}

func TestConcurrencyCap(t *testing.T) {
	t.Parallel()
	h := password.NewHasher(password.DefaultParams, 1)
	release := h.HoldSlot() // another hash holds the only slot

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := h.Hash(ctx, "waiting password"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash() while the slot is held and ctx is cancelled: err = %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := h.Verify(ctx, "x", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Verify() while the slot is held past the deadline: err = %v, want context.DeadlineExceeded", err)
	}

	release()
	if _, err := h.Hash(context.Background(), "after release"); err != nil {
		t.Errorf("Hash() after the slot is free: %v", err)
	}
	// An already-cancelled ctx does not take a free slot.
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	if _, err := h.Hash(done, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("Hash(cancelled ctx) err = %v, want context.Canceled", err)
	}
}

func TestVerifyDummy(t *testing.T) {
	t.Parallel()
	h := password.NewHasher(password.DefaultParams, 1)
	ctx := context.Background()
	h.VerifyDummy(ctx, "warm up") // builds the dummy hash
	start := time.Now()
	h.VerifyDummy(ctx, "no such account")
	if d := time.Since(start); d <= 0 {
		t.Errorf("VerifyDummy took %v, want > 0", d)
	}

	// It does the real work: with the only slot taken it waits for it.
	release := h.HoldSlot()
	done := make(chan struct{})
	go func() { h.VerifyDummy(ctx, "no such account"); close(done) }()
	select {
	case <-done:
		t.Fatal("VerifyDummy returned while the hashing slot was held")
	case <-time.After(100 * time.Millisecond):
	}
	release()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("VerifyDummy did not finish after the slot was released")
	}
}

func TestParamsValidate(t *testing.T) {
	t.Parallel()
	if err := password.DefaultParams.Validate(); err != nil {
		t.Errorf("DefaultParams.Validate() = %v, want nil", err)
	}
	for _, p := range []password.Params{
		{Memory: 19456, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 19456, Time: 2, Threads: 0, SaltLen: 16, KeyLen: 32},
		{Memory: 4, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 19456, Time: 2, Threads: 1, SaltLen: 4, KeyLen: 32},
		{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 8},
	} {
		if err := p.Validate(); err == nil {
			t.Errorf("%+v.Validate() = nil, want an error", p)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("NewHasher(invalid params) did not panic")
		}
	}()
	password.NewHasher(password.Params{}, 1)
}
