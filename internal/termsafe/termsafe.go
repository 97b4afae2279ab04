package termsafe

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// safeASCII reports whether b may be printed to a terminal as is.
func safeASCII(b byte) bool { return (b >= 0x20 && b < 0x7f) || b == '\t' }

// AppendString appends s to dst, escaped by the package's rule (see the
// package documentation). It does not allocate beyond growing dst.
func AppendString(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		b := s[i]
		if safeASCII(b) {
			j := i + 1
			for j < len(s) && safeASCII(s[j]) {
				j++
			}
			dst = append(dst, s[i:j]...)
			i = j
			continue
		}
		if b < utf8.RuneSelf {
			dst = appendCtl(dst, b)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		dst = appendRune(dst, r, n, b, s[i:i+n])
		i += n
	}
	return dst
}

// AppendBytes is AppendString for a byte slice.
func AppendBytes(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		b := s[i]
		if safeASCII(b) {
			j := i + 1
			for j < len(s) && safeASCII(s[j]) {
				j++
			}
			dst = append(dst, s[i:j]...)
			i = j
			continue
		}
		if b < utf8.RuneSelf {
			dst = appendCtl(dst, b)
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		dst = appendRuneBytes(dst, r, n, b, s[i:i+n])
		i += n
	}
	return dst
}

func appendCtl(dst []byte, b byte) []byte {
	switch b {
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	}
	return append(dst, '\\', 'x', hexDigits[b>>4], hexDigits[b&15])
}

// UnsafeRune reports whether a valid rune must be escaped: C1 controls
// (U+0080–U+009F, which some terminals obey like ESC sequences) and the
// bidirectional embedding, override and isolate controls.
func UnsafeRune(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func appendRune(dst []byte, r rune, n int, b byte, raw string) []byte {
	if r == utf8.RuneError && n == 1 {
		return append(dst, '\\', 'x', hexDigits[b>>4], hexDigits[b&15])
	}
	if UnsafeRune(r) {
		return AppendU(dst, r)
	}
	return append(dst, raw...)
}

func appendRuneBytes(dst []byte, r rune, n int, b byte, raw []byte) []byte {
	if r == utf8.RuneError && n == 1 {
		return append(dst, '\\', 'x', hexDigits[b>>4], hexDigits[b&15])
	}
	if UnsafeRune(r) {
		return AppendU(dst, r)
	}
	return append(dst, raw...)
}

// AppendU appends r (at most U+FFFF) as \uNNNN.
func AppendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&15], hexDigits[r>>8&15], hexDigits[r>>4&15], hexDigits[r&15])
}

// String returns s escaped by the package's rule, for one line of output:
// a newline in s becomes the two characters \n. It returns s itself (no
// allocation) when nothing needs escaping.
func String(s string) string {
	i := 0
	for i < len(s) && safeASCII(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	return string(AppendString(append(make([]byte, 0, len(s)+8), s[:i]...), s[i:]))
}

// Text returns multi-line text escaped by the package's rule, except that
// newlines stay: for a traceback, or a whole rendered answer.
func Text(s string) string {
	return text(s, false)
}

// ColorText is Text that also keeps SGR colour sequences (ESC '[', digits
// and ';', 'm'): for text a renderer painted on purpose. Any other escape
// sequence is escaped.
func ColorText(s string) string {
	return text(s, true)
}

func text(s string, color bool) string {
	i := 0
	for i < len(s) { // the safe prefix, printable UTF-8 included ("●")
		if c := s[i]; safeASCII(c) || c == '\n' {
			i++
			continue
		}
		n := safeRuneLen(s[i:])
		if n == 0 {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	b := append(make([]byte, 0, len(s)+16), s[:i]...)
	for i < len(s) {
		j := i
		for j < len(s) && s[j] != '\n' && (!color || s[j] != 0x1b) {
			j++
		}
		b = AppendString(b, s[i:j])
		if j == len(s) {
			break
		}
		if s[j] == '\n' {
			b = append(b, '\n')
			i = j + 1
			continue
		}
		if n := sgrLen(s[j:]); n > 0 {
			b = append(b, s[j:j+n]...)
			i = j + n
			continue
		}
		b = appendCtl(b, 0x1b)
		i = j + 1
	}
	return string(b)
}

// sgrLen is the length of the SGR sequence (ESC [ [0-9;]* m) at the start
// of s, or 0.
func sgrLen(s string) int {
	if len(s) < 3 || s[0] != 0x1b || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s) && i < 32; i++ {
		switch c := s[i]; {
		case c == 'm':
			return i + 1
		case c >= '0' && c <= '9' || c == ';':
		default:
			return 0
		}
	}
	return 0
}

// AppendJSON appends the encoded JSON src to dst with DEL, C1 controls and
// bidirectional controls written as \uNNNN escapes. src must be valid JSON
// (as encoding/json writes it): those characters can then only occur
// inside strings, where the escape decodes to the same value. Everything
// else is copied as is.
func AppendJSON(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		b := src[i]
		if b < 0x7f {
			j := i + 1
			for j < len(src) && src[j] < 0x7f {
				j++
			}
			dst = append(dst, src[i:j]...)
			i = j
			continue
		}
		if b == 0x7f {
			dst = AppendU(dst, 0x7f)
			i++
			continue
		}
		r, n := utf8.DecodeRune(src[i:])
		if UnsafeRune(r) {
			dst = AppendU(dst, r)
		} else {
			dst = append(dst, src[i:i+n]...)
		}
		i += n
	}
	return dst
}

// JSON returns the encoded JSON b with DEL, C1 and bidirectional controls
// escaped (see AppendJSON); it returns b itself when there are none.
func JSON(b []byte) []byte {
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x7f {
			i++
			continue
		}
		if c > 0x7f {
			r, n := utf8.DecodeRune(b[i:])
			if !UnsafeRune(r) { // AppendJSON copies it as it is
				i += n
				continue
			}
		}
		return AppendJSON(append(make([]byte, 0, len(b)+16), b[:i]...), b[i:])
	}
	return b
}

// safeRuneLen is the length of the valid UTF-8 rune at the start of s when
// it may be printed as is (not a C1 or bidi control), or 0.
func safeRuneLen(s string) int {
	if s[0] < utf8.RuneSelf {
		return 0
	}
	r, n := utf8.DecodeRuneInString(s)
	if (r == utf8.RuneError && n == 1) || UnsafeRune(r) {
		return 0
	}
	return n
}

// FirstUnsafe returns the byte offset of the first character in s that
// must not reach a terminal raw (a control byte other than tab and, when
// multiline is set, newline; DEL; an invalid UTF-8 byte; a C1 or
// bidirectional control), or -1 when there is none. Tests use it to check
// that output has been escaped.
func FirstUnsafe(s string, multiline bool) int {
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if !safeASCII(b) && !(multiline && b == '\n') {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || UnsafeRune(r) {
			return i
		}
		i += n
	}
	return -1
}
