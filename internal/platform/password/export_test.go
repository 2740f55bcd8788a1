package password

// HoldSlot takes one of h's concurrency slots until release is called, so
// tests can make hashing wait deterministically.
func (h *Hasher) HoldSlot() (release func()) {
	h.sem <- struct{}{}
	return func() { <-h.sem }
}
