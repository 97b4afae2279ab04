package aiolog

import "github.com/aiotools-go/aiotools/internal/termsafe"

// The escaping rule is termsafe's: every renderer of the module (status,
// the control interpreter, aioctl) uses the same one. These wrappers are
// small enough to be inlined, so the hot path stays without allocations.

func appendEscaped(dst []byte, s string) []byte { return termsafe.AppendString(dst, s) }

func appendEscapedBytes(dst, s []byte) []byte { return termsafe.AppendBytes(dst, s) }

// Escape returns s made safe to print on a terminal, as every line in a Ring
// is: control characters, NUL, ESC and DEL become \n, \r or \xNN, invalid UTF-8
// bytes become \xNN, and C1 controls and bidirectional overrides become \uNNNN.
func Escape(s string) string { return termsafe.String(s) }
