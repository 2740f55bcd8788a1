// Package password hashes and verifies passwords with argon2id and holds the
// password policy (Check).
//
// Hashes are PHC strings, $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>, with
// the salt and key in standard base64 without padding, so the parameters
// travel with each hash and can be raised later: Verify reports needsRehash
// and the login flow stores a fresh hash.
//
// Each argon2id computation allocates Params.Memory KiB (19 MiB by default),
// so a Hasher lets only a fixed number run at once; the rest wait, and give
// up when their context ends.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters and the salt and key lengths.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes (the p parameter)
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams are the OWASP Password Storage Cheat Sheet's minimum for
// argon2id: 19 MiB, 2 passes, 1 lane, with a 16-byte salt and 32-byte key.
var DefaultParams = Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Limits on the parameters a Hasher uses or a stored hash may carry. They
// are sanity bounds, so a corrupt row cannot make one login allocate
// gigabytes, not recommendations.
const (
	maxMemory  = 1 << 20 // KiB: 1 GiB
	maxTime    = 100
	minSaltLen = 8 // RFC 9106 minimum
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
)

// Validate reports whether p is within the bounds this package accepts:
// Time 1–100, Threads ≥ 1, Memory from 8×Threads KiB to 1 GiB, SaltLen 8–64
// and KeyLen 16–64 bytes.
func (p Params) Validate() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("password: time %d is outside [1, %d]", p.Time, maxTime)
	case p.Threads < 1:
		return errors.New("password: threads must be at least 1")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("password: memory %d KiB is outside [%d, %d]", p.Memory, 8*uint32(p.Threads), maxMemory)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("password: salt length %d is outside [%d, %d]", p.SaltLen, minSaltLen, maxSaltLen)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("password: key length %d is outside [%d, %d]", p.KeyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// ErrMalformedHash is wrapped by the error Verify returns when the stored
// hash is not a PHC string this package can verify.
var ErrMalformedHash = errors.New("malformed hash")

// Hasher hashes and verifies passwords with fixed parameters, running at
// most a fixed number of argon2id computations at a time. It is safe for
// concurrent use.
type Hasher struct {
	p   Params
	sem chan struct{}

	dummyOnce sync.Once
	dummy     string
}

// NewHasher returns a Hasher that hashes with p and runs at most
// maxConcurrent computations at once; maxConcurrent ≤ 0 means
// 2×GOMAXPROCS. Peak memory is about maxConcurrent × p.Memory KiB.
// NewHasher panics if p.Validate fails: parameters are configuration,
// checked at startup.
func NewHasher(p Params, maxConcurrent int) *Hasher {
	if err := p.Validate(); err != nil {
		panic(err)
	}
	if maxConcurrent <= 0 {
		maxConcurrent = 2 * runtime.GOMAXPROCS(0)
	}
	return &Hasher{p: p, sem: make(chan struct{}, maxConcurrent)}
}

// Hash returns the PHC string of password with a fresh random salt. It waits
// for a free slot; if ctx ends first it returns ctx.Err(), wrapped.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.p.SaltLen)
	rand.Read(salt) // never fails since Go 1.24
	key, err := h.derive(ctx, password, salt, h.p)
	if err != nil {
		return "", fmt.Errorf("password: hash: %w", err)
	}
	return encode(h.p, salt, key), nil
}

// Verify reports whether password matches encoded, a PHC string from Hash.
// It recomputes the key with the parameters stored in encoded and compares
// in constant time. needsRehash is true when the password matches but was
// hashed with parameters other than h's, so the caller should store a new
// Hash. The error wraps ErrMalformedHash for a hash this package cannot
// verify, or ctx.Err() when ctx ends while waiting for a slot; a wrong
// password is (false, false, nil).
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (match, needsRehash bool, err error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, false, fmt.Errorf("password: verify: %w", err)
	}
	got, err := h.derive(ctx, password, salt, p)
	if err != nil {
		return false, false, fmt.Errorf("password: verify: %w", err)
	}
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p != h.p, nil
}

// VerifyDummy does the work of a Verify that fails, against a fixed hash
// with h's parameters. Call it when the account does not exist, so that
// unknown and known emails take about the same time. It returns early only
// if ctx ends.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) {
	h.dummyOnce.Do(func() {
		// Random salt and key of the right sizes: Verify does exactly the
		// work it does for a real hash, and no password can match (2^-256),
		// without spending a hash computation to build it.
		salt := make([]byte, h.p.SaltLen)
		key := make([]byte, h.p.KeyLen)
		rand.Read(salt)
		rand.Read(key)
		h.dummy = encode(h.p, salt, key)
	})
	_, _, _ = h.Verify(ctx, password, h.dummy)
}

// derive runs argon2id once a slot is free, or returns ctx.Err().
func (h *Hasher) derive(ctx context.Context, password string, salt []byte, p Params) ([]byte, error) {
	// A request that is already gone should not take a slot, even a free one.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.sem }()
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen), nil
}
