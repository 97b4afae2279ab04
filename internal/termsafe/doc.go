// Package termsafe is the one rule for printing untrusted text: task
// names, results, errors, panic values, service info and log lines reach a
// terminal only through it, so that a value such as "\x1b]0;PWNED\x07"
// cannot retitle, clear or otherwise drive the terminal of whoever reads
// the status.
//
// The rule (String, AppendString, AppendBytes): printable ASCII, tabs and
// valid UTF-8 pass through; other ASCII control bytes (NUL, ESC, DEL, …)
// become \xNN, except \n and \r which become \n and \r as two characters;
// bytes that are not valid UTF-8 become \xNN; C1 controls (U+0080–U+009F,
// which some terminals obey like ESC sequences) and the bidirectional
// embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069,
// which make text read differently from what it is) become \uNNNN.
// Backslashes are not doubled: escaping is idempotent, and escaped text
// stays readable.
//
// Text applies the same rule to multi-line text (a traceback, a rendered
// status): newlines stay. ColorText also keeps the colour sequences
// (ESC [ digits and ';' m) that the program's own renderer adds.
//
// JSON (and AppendJSON) is for encoded JSON: encoding/json already escapes
// the bytes below 0x20 but not DEL, C1 or bidi controls; JSON writes those
// as \u007f, \u0080 … (still valid JSON, decoding to the same value).
//
// AppendJSONString (and AppendJSONBody) writes a Go string as a JSON
// string, for code that writes JSON by hand without encoding/json's
// reflection: with JSONStd the bytes json.Marshal writes (aioctl's status
// JSON), with JSONEscapeTerm escaped for the terminal too (aiolog's JSON
// lines). One function, so that the two cannot drift apart.
//
// The package uses only the Go 1.23 standard library (unicode/utf8), so
// that the core packages (aiolog, aioctl) can import it under TinyGo, and
// the hot paths (AppendString, AppendBytes, AppendJSONString) do not
// allocate.
package termsafe
