package control

import (
	"bytes"
	"encoding/json"
	"testing"
)

// unescapeHTML turns json.MarshalIndent's text into what an encoder
// without HTML escaping writes, for any string: escaped backslashes,
// other \u escapes and quotes stay as they are.
func TestUnescapeHTML(t *testing.T) {
	for _, s := range []string{
		"", "plain", "<b> & x", ">&2", `\u003c`, `\\u003c`, `\`, "\u2028", "\x01<", `a\"<`,
	} {
		v := map[string]string{"k": s}
		escaped, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		enc.Encode(v)
		if got := unescapeHTML(escaped); string(got) != string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Errorf("%q: %s, want %s", s, got, want.Bytes())
		}
	}
	if got := string(unescapeHTML([]byte(`"\u0026\u003e\u003C\\u0026\`))); got != `"&><\\u0026\` {
		t.Errorf("unescapeHTML: %s", got)
	}
}
