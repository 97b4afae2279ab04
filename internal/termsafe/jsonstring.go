package termsafe

import "unicode/utf8"

// JSONFlags chooses how AppendJSONString escapes beyond what JSON needs.
type JSONFlags uint8

const (
	// JSONEscapeHTML writes <, > and & as \u003c, \u003e and \u0026, as
	// encoding/json does by default.
	JSONEscapeHTML JSONFlags = 1 << iota
	// JSONEscapeTerm writes DEL, C1 controls and bidirectional controls
	// as \u007f, \u0080 … (see the package rule), so that the JSON may be
	// printed to a terminal as is; encoding/json leaves them raw.
	JSONEscapeTerm
	// JSONShortBF writes backspace and form feed as \b and \f, as
	// encoding/json does, rather than \u0008 and \u000c, as slog's
	// JSONHandler does.
	JSONShortBF
)

// JSONStd is encoding/json's string encoding: AppendJSONString with it
// writes the very bytes json.Marshal writes for a string.
const JSONStd = JSONEscapeHTML | JSONShortBF

// jsonSafe[flags&3][c] reports whether the byte c is an ASCII byte copied
// as is under JSONEscapeHTML and JSONEscapeTerm (the flags' low two bits).
// 256 entries, false from 0x80 on: one lookup, no bounds check, decides
// the common case.
var jsonSafe = func() (t [4][256]bool) {
	for f := range t {
		for c := 0x20; c < utf8.RuneSelf; c++ {
			switch {
			case c == '"' || c == '\\':
			case c == 0x7f && JSONFlags(f)&JSONEscapeTerm != 0:
			case (c == '<' || c == '>' || c == '&') && JSONFlags(f)&JSONEscapeHTML != 0:
			default:
				t[f][c] = true
			}
		}
	}
	return t
}()

// AppendJSONString appends s to dst as a quoted JSON string. Whatever the
// flags: " and \ are escaped with a backslash, \n \r \t as two
// characters, the other bytes below 0x20 as \u00NN, bytes that are not
// valid UTF-8 as \ufffd (the replacement character, as encoding/json
// does), and U+2028 and U+2029 as \u2028 and \u2029 (JavaScript line
// terminators); flags add the escapes above. It does not allocate beyond
// growing dst. The aiolog JSON handler (JSONEscapeTerm) and aioctl's status
// JSON (JSONStd) share it.
func AppendJSONString(dst []byte, s string, flags JSONFlags) []byte {
	dst = append(dst, '"')
	return append(AppendJSONBody(dst, s, flags), '"')
}

// AppendJSONBody is AppendJSONString without the quotes: for a string
// written in pieces.
func AppendJSONBody(dst []byte, s string, flags JSONFlags) []byte {
	safe := &jsonSafe[flags&3]
	start := 0 // s[start:i] is to be copied as is
	for i := 0; i < len(s); {
		c := s[i]
		if safe[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = appendJSONByte(append(dst, s[start:i]...), c, flags)
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(append(dst, s[start:i]...), `\ufffd`...)
		case r == 0x2028 || r == 0x2029 || (flags&JSONEscapeTerm != 0 && UnsafeRune(r)):
			dst = AppendU(append(dst, s[start:i]...), r)
		default:
			i += n
			continue
		}
		i += n
		start = i
	}
	return append(dst, s[start:]...)
}

// appendJSONByte escapes the ASCII byte c that jsonSafe does not pass.
func appendJSONByte(dst []byte, c byte, flags JSONFlags) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\b':
		if flags&JSONShortBF != 0 {
			return append(dst, '\\', 'b')
		}
	case '\f':
		if flags&JSONShortBF != 0 {
			return append(dst, '\\', 'f')
		}
	}
	return AppendU(dst, rune(c))
}
