//go:build !tinygo

package aiolog

// DefaultCopyQueue is the size in bytes of the queue between a ring and its
// WithCopy writer unless WithCopyQueue sets it.
const DefaultCopyQueue = 64 << 10
