//go:build tinygo

package aiolog

// DefaultCopyQueue is the size in bytes of the queue between a ring and its
// WithCopy writer unless WithCopyQueue sets it. Under TinyGo there is none
// by default: a board's RAM is dear and its writers (a UART) are its own.
const DefaultCopyQueue = 0
