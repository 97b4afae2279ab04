package aiolog

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// safeASCII reports whether b may be printed to a terminal as is.
func safeASCII(b byte) bool { return (b >= 0x20 && b < 0x7f) || b == '\t' }

// appendEscaped appends s to dst, escaped for a terminal: control characters
// (including ESC, NUL and DEL) become \n, \r or \xNN, bytes that are not valid
// UTF-8 become \xNN, and C1 controls and bidirectional overrides become \uNNNN.
// Tabs and all other printable text, including valid UTF-8, pass through.
func appendEscaped(dst []byte, s string) []byte {
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

// appendEscapedBytes is appendEscaped for a byte slice.
func appendEscapedBytes(dst, s []byte) []byte {
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

// unsafeRune reports whether a valid rune must be escaped: C1 controls
// (U+0080–U+009F, which some terminals obey like ESC sequences) and the
// bidirectional embedding, override and isolate controls.
func unsafeRune(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func appendRune(dst []byte, r rune, n int, b byte, raw string) []byte {
	if r == utf8.RuneError && n == 1 {
		return append(dst, '\\', 'x', hexDigits[b>>4], hexDigits[b&15])
	}
	if unsafeRune(r) {
		return appendU(dst, r)
	}
	return append(dst, raw...)
}

func appendRuneBytes(dst []byte, r rune, n int, b byte, raw []byte) []byte {
	if r == utf8.RuneError && n == 1 {
		return append(dst, '\\', 'x', hexDigits[b>>4], hexDigits[b&15])
	}
	if unsafeRune(r) {
		return appendU(dst, r)
	}
	return append(dst, raw...)
}

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hexDigits[r>>12&15], hexDigits[r>>8&15], hexDigits[r>>4&15], hexDigits[r&15])
}

// Escape returns s made safe to print on a terminal, as every line in a Ring
// is: control characters, NUL, ESC and DEL become \n, \r or \xNN, invalid UTF-8
// bytes become \xNN, and C1 controls and bidirectional overrides become \uNNNN.
func Escape(s string) string {
	i := 0
	for i < len(s) && safeASCII(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	return string(appendEscaped(append(make([]byte, 0, len(s)+8), s[:i]...), s[i:]))
}
