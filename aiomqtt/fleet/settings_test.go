package fleet

import (
	"errors"
	"testing"
)

// A settings file is read as the services config is: an unknown key, a
// value of the wrong type and broken JSON are named with the file and
// line:column (a truncated file said "unexpected end of JSON input", an
// unknown key was ignored).
func TestParseSettingsNamesThePlace(t *testing.T) {
	for _, tc := range []struct {
		text, want string
	}{
		{"{\n  \"broker\": \"mqtt://h:1883\",\n  \"brokr\": \"x\"\n}\n", `f.json:3:3: brokr: unknown key: did you mean "broker"?`},
		{"{\"nonsense\": 1}", `f.json:1:2: nonsense: unknown key (want broker, ca, cert, key, user, password_file)`},
		{"{\n  \"broker\": \"mqtt://h:1883\",\n", `f.json:3:1: invalid JSON: unexpected end of the file (is a '}' or ']' missing?)`},
		{"{\"broker\": 1883}", `f.json:1:12: broker: want a string, got a number`},
		{"{\"user\": \"a\", \"user\": \"b\"}", `f.json:1:15: user: given twice`},
		{"[\"mqtt://h\"]", `f.json:1:1: want a JSON object like {"broker": "mqtt://host:1883"}, not an array`},
		{"{\"ca\": \"é\" x}", `f.json:1:12: invalid JSON: invalid character 'x' after object key:value pair`},
	} {
		_, err := ParseSettings("f.json", []byte(tc.text))
		var se *SettingsError
		if err == nil || err.Error() != tc.want || !errors.As(err, &se) {
			t.Errorf("%q: %v\nwant %s", tc.text, err, tc.want)
		}
	}
	s, err := ParseSettings("f.json", []byte(`{"broker": "mqtts://h:8883", "ca": "ca.pem", "cert": "c", "key": "k", "user": "u", "password_file": "p"}`))
	if want := (Settings{Broker: "mqtts://h:8883", CA: "ca.pem", Cert: "c", Key: "k", User: "u", PasswordFile: "p"}); err != nil || s != want {
		t.Errorf("ParseSettings: %+v %v, want %+v", s, err, want)
	}
	if s, err := ParseSettings("f.json", []byte(" \n")); err != nil || s != (Settings{}) {
		t.Errorf("an empty file: %+v %v, want no settings and no error", s, err)
	}
}

// A port out of range is a bad URL (ErrBrokerURL: aioctl exits 2), not a
// broker that is down.
func TestDialRefusesAPortOutOfRange(t *testing.T) {
	for _, u := range []string{"mqtt://127.0.0.1:99999", "mqtt://127.0.0.1:0", "mqtt://127.0.0.1:x"} {
		c, err := Dial(t.Context(), Settings{Broker: u})
		if c != nil {
			c.Close()
		}
		if !errors.Is(err, ErrBrokerURL) {
			t.Errorf("Dial %s: %v, want ErrBrokerURL", u, err)
		}
	}
}

// Every truncation of a good file is an error with a place in the file,
// never a panic or settings half read.
func TestParseSettingsTruncated(t *testing.T) {
	good := "{\n  \"broker\": \"mqtts://h:8883\",\n  \"ca\": \"ca.pem\"\n}\n"
	for n := 1; n < len(good)-2; n++ {
		_, err := ParseSettings("f.json", []byte(good[:n]))
		var se *SettingsError
		if !errors.As(err, &se) || se.Line < 1 || se.Column < 1 {
			t.Errorf("%q: %v, want a *SettingsError with its place", good[:n], err)
		}
	}
}
