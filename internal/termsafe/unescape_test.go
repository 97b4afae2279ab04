package termsafe

import (
	"bytes"
	"encoding/json"
	"testing"
)

// UnescapeJSONHTML turns json.MarshalIndent's text into what an encoder
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
		if got := UnescapeJSONHTML(escaped); string(got) != string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Errorf("%q: %s, want %s", s, got, want.Bytes())
		}
	}
	if got := string(UnescapeJSONHTML([]byte(`"\u0026\u003e\u003C\\u0026\`))); got != `"&><\\u0026\` {
		t.Errorf("unescapeHTML: %s", got)
	}
}

func TestUnescapeJSONHTMLCases(t *testing.T) {
	for in, want := range map[string]string{
		`{"a": "\u003cb\u003e \u0026 x"}`: `{"a": "<b> & x"}`,
		`{"\u003C": "\u003E"}`:            `{"<": ">"}`,
		`["\\u003c", "\"\u0026\""]`:       `["\\u003c", "\"&\""]`,
		`"\u00e9\u2028\n"`:                `"\u00e9\u2028\n"`,
		`{"n": 1e3, "b": true}`:           `{"n": 1e3, "b": true}`,
		`"\\"`:                            `"\\"`,
	} {
		if got := string(UnescapeJSONHTML([]byte(in))); got != want {
			t.Errorf("UnescapeJSONHTML(%s) = %s, want %s", in, got, want)
		}
	}
}
