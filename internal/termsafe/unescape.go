package termsafe

import "bytes"

// UnescapeJSONHTML undoes encoding/json's HTML escaping in JSON text b
// ("\u003c", "\u003e", "\u0026" for <, > and &, as in aioctl's status
// JSON, which is json.Marshal's byte for byte), so that it prints as an
// encoder without HTML escaping writes it: "<b> & x", ">&2" (shown on a terminal or in a page that
// escapes its own HTML). An escaped backslash before "u003c" (the six
// characters typed) is left as it is. b is not modified; it is returned
// as it is when it holds no escape.
func UnescapeJSONHTML(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u00`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 == len(b) {
			out = append(out, b[i])
			continue
		}
		if b[i+1] == 'u' && i+6 <= len(b) {
			switch string(b[i+2 : i+6]) {
			case "003c", "003C":
				out, i = append(out, '<'), i+5
				continue
			case "003e", "003E":
				out, i = append(out, '>'), i+5
				continue
			case "0026":
				out, i = append(out, '&'), i+5
				continue
			}
		}
		out, i = append(out, b[i], b[i+1]), i+1 // an escape: both bytes as they are
	}
	return out
}
