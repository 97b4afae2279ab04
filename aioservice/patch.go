package aioservice

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// PatchConfig edits the service's entry in the config file with a JSON
// merge patch (RFC 7396): an object merges into the entry key by key, a
// null deletes the key, any other value replaces it. Keys the patch does
// not name keep their text byte for byte, and the rest of the file
// (layout, ${VAR}s) is kept. patch must be a JSON object with each key
// once at every level. A key the entry holds inside the seed's "kwargs"
// (schedule, require(s), after, restart) is edited there.
//
// As with Configure, values are literal (a "${" is written as "$${"), the
// whole result is validated before it is written atomically, and a patch
// that would make the file invalid is refused (a *ConfigError naming the
// field) with the file untouched. It takes effect the next time the
// service is loaded.
func (m *Manager) PatchConfig(name string, patch []byte) error {
	return m.patch(name, patch, false, false)
}

// ReplaceConfig is PatchConfig, except that each key the patch names
// replaces the entry's value whole instead of merging into it: a verb
// that "adds or replaces" a value (schedule set --save) writes exactly
// that value, with no key of the old one left over.
func (m *Manager) ReplaceConfig(name string, patch []byte) error {
	return m.patch(name, patch, false, true)
}

// patch is PatchConfig; with create, the file must not have an entry for
// the service yet (Add); with replace, the keys the patch names are
// first deleted (ReplaceConfig).
func (m *Manager) patch(name string, patch []byte, create, replace bool) error {
	if m.file == nil {
		return ErrNoConfigFile
	}
	m.opMu.Lock()
	defer m.opMu.Unlock()
	if err := checkPatch(m.file.path, name, patch); err != nil {
		return err
	}
	next, err := m.file.edit(func(c *Config) ([]byte, error) {
		if _, ok := m.definition(name, c); !ok && !patchNames(patch, "exec") {
			return nil, &ServiceError{Service: name, Err: ErrUnknownService}
		}
		entry := patch
		if e, ok := c.Entry(name); ok {
			if create {
				return nil, &ConfigError{File: m.file.path, Line: e.line, Field: name,
					Msg: "the file has an entry for it already (change it with services config, or remove it first)"}
			}
			if replace {
				nulled, err := m.nullKeys(c, e, name, patch)
				if err != nil {
					return nil, err
				}
				c = nulled // the patch goes where the entry held the keys
			}
			entry = intoKwargs(e, patch)
		}
		var top bytes.Buffer
		top.WriteString("{")
		top.WriteString(strconv.Quote(name))
		top.WriteString(": ")
		top.Write(entry)
		top.WriteString("}")
		return c.p.merge(top.Bytes(), literal)
	}, m.validate)
	if err != nil {
		return placeInChange(err, name, patch) // patch_position.go
	}
	if next != nil {
		m.mu.Lock()
		m.setConfigLocked(next) // List follows an "enabled" it sets
		m.mu.Unlock()
	}
	return nil
}

// nullKeys returns the config with the entry's keys that patch names
// deleted (in "kwargs" where the entry holds them there), re-read so that
// the patch can then be merged into it.
func (m *Manager) nullKeys(c *Config, e *Entry, name string, patch []byte) (*Config, error) {
	fields, _ := readObject(bytes.TrimSpace(patch), 0)
	var nulls []string
	for _, f := range fields {
		nulls = append(nulls, strconv.Quote(f.key)+": null")
	}
	if nulls == nil {
		return c, nil
	}
	entry := intoKwargs(e, []byte("{"+strings.Join(nulls, ", ")+"}"))
	data, err := c.p.merge([]byte("{"+strconv.Quote(name)+": "+string(entry)+"}"), literal)
	if err != nil {
		return nil, err
	}
	return m.file.parse(data)
}

// literal makes JSON text from a patch literal in the config file: a
// "${" (only ever inside a string) is written as "$${".
func literal(b []byte) []byte { return bytes.ReplaceAll(b, []byte("${"), []byte("$${")) }

// checkPatch refuses a patch that is not a JSON object or that names a
// key twice in one object.
func checkPatch(file, name string, patch []byte) error {
	refuse := func(field, msg string) error {
		return &ConfigError{File: file, Field: field, Msg: msg + refusedNote}
	}
	var raw json.RawMessage
	if err := json.Unmarshal(patch, &raw); err != nil {
		return refuse(name, syntaxInChange(patch, err)) // patch_position.go
	}
	if raw[0] != '{' {
		return refuse(name, "the change must be a JSON object of the entry's keys, not "+jsonKind(raw))
	}
	var walk func(raw []byte, field string) error
	walk = func(raw []byte, field string) error {
		fields, _ := readObject(raw, 0)
		seen := make(map[string]bool, len(fields))
		for _, f := range fields {
			sub := field + "." + f.key
			if seen[f.key] {
				return refuse(sub, "set twice")
			}
			seen[f.key] = true
			if f.val[0] == '{' {
				if err := walk(f.val, sub); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(raw, name)
}

// patchNames reports whether the patch object sets key (to a non-null value).
func patchNames(patch []byte, key string) bool {
	fields, _ := readObject(bytes.TrimSpace(patch), 0)
	for _, f := range fields {
		if f.key == key && string(f.val) != "null" {
			return true
		}
	}
	return false
}

// intoKwargs rewrites an entry's patch so that the keys the entry holds in
// "kwargs" are patched there ("requires" as the seed's "require" when the
// file spells it so). A patch that names "kwargs" itself is left as it is.
func intoKwargs(e *Entry, patch []byte) []byte {
	patch = bytes.TrimSpace(patch)
	fields, _ := readObject(patch, 0)
	var top, kw []string
	for _, f := range fields {
		if f.key == "kwargs" {
			return patch
		}
	}
	for _, f := range fields {
		switch f.key {
		case "schedule", "requires", "after", "restart":
			if e.inKw[f.key] {
				w := strings.TrimPrefix(e.written[f.key], "kwargs.")
				kw = append(kw, strconv.Quote(w)+": "+string(f.val))
				continue
			}
		}
		top = append(top, string(patch[f.keyOff:stringEnd(patch, f.keyOff)])+": "+string(f.val))
	}
	if kw == nil {
		return patch
	}
	top = append(top, `"kwargs": {`+strings.Join(kw, ", ")+"}")
	return []byte("{" + strings.Join(top, ", ") + "}")
}

// SecretMask is how secret arguments are shown (aiomqtt.Secret): a config
// change whose value for a key the file has is exactly this string keeps
// the file's value, so a change made from what get-config showed does not
// write the mask over the password.
const SecretMask = "xxxxx"

// mergePatchText applies the merge patch (RFC 7396) to the JSON text doc,
// keeping the text of everything the patch does not name. Both must be
// valid JSON; the patch an object with each key once.
func mergePatchText(doc, patch []byte) ([]byte, error) {
	p := &parser{file: "doc", orig: doc, exp: doc}
	return p.merge(patch, func(b []byte) []byte { return b })
}

// merger applies a merge patch to the text of a parsed config.
type merger struct {
	p   *parser
	lit func([]byte) []byte // how a patch value is written into the file
}

// merge returns the original text with the patch applied. A value that a
// ${VAR} makes an object cannot be merged into (its text is not there);
// that is an error.
func (p *parser) merge(patch []byte, lit func([]byte) []byte) ([]byte, error) {
	g := &merger{p: p, lit: lit}
	pt := bytes.TrimSpace(patch)
	start := 0
	for start < len(p.exp) && isSpace(p.exp[start]) {
		start++
	}
	end := len(p.exp)
	for end > start && isSpace(p.exp[end-1]) {
		end--
	}
	if start == end { // an empty file: a new object
		var added []string
		fields, _ := readObject(pt, 0)
		for _, f := range fields {
			if string(f.val) != "null" {
				added = append(added, g.member(pt, f))
			}
		}
		if len(added) == 0 {
			return p.orig, nil
		}
		return []byte("{\n  " + strings.Join(added, ",\n  ") + "\n}\n"), nil
	}
	val, err := g.value(p.exp[start:end], start, pt, 0, "")
	if err != nil {
		return nil, err
	}
	o0, o1 := p.m.orig(start), p.m.origEnd(end)
	out := make([]byte, 0, len(p.orig)+len(val))
	out = append(out, p.orig[:o0]...)
	out = append(out, val...)
	return append(out, p.orig[o1:]...), nil
}

// member renders a patch member that is new to the document: its key as
// the patch writes it, and its value with the nulls removed.
func (g *merger) member(patch []byte, f jfield) string {
	return string(g.lit(patch[f.keyOff:stringEnd(patch, f.keyOff)])) + ": " + g.render(f.val)
}

// render is the value a patch gives a key that is not an object in the
// document: the patch merged into nothing, i.e. with its nulls removed.
func (g *merger) render(pv []byte) string {
	if pv[0] != '{' {
		return string(g.lit(pv))
	}
	fields, _ := readObject(pv, 0)
	var ms []string
	for _, f := range fields {
		if string(f.val) != "null" {
			ms = append(ms, g.member(pv, f))
		}
	}
	return "{" + strings.Join(ms, ", ") + "}"
}

// value returns the new text of the document value raw (at expanded
// offset base) patched with pv.
func (g *merger) value(raw []byte, base int, pv []byte, depth int, field string) ([]byte, error) {
	p := g.p
	if pv[0] != '{' {
		return g.lit(pv), nil
	}
	if raw[0] != '{' {
		return []byte(g.render(pv)), nil
	}
	fields, _ := readObject(raw, base)
	if p.m.inVar(base) || p.m.inVar(base+len(raw)-1) {
		return nil, p.errAt(base, field, "this object comes from a ${VAR}: set it as a whole, or edit the variable", nil)
	}
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		if seen[f.key] {
			return nil, p.errAt(f.keyOff, join(field, f.key), "set twice", nil)
		}
		seen[f.key] = true
		if p.m.inVar(f.keyOff) {
			return nil, p.errAt(base, field, "this object comes from a ${VAR}: set it as a whole, or edit the variable", nil)
		}
	}
	pfields, _ := readObject(pv, 0)
	byKey := make(map[string]jfield, len(pfields))
	for _, f := range pfields {
		byKey[f.key] = f
	}
	orig := p.orig
	oKey := func(i int) int { return p.m.orig(fields[i].keyOff) }
	oVal := func(i int) int { return p.m.orig(fields[i].valOff) }
	oEnd := func(i int) int { return p.m.origEnd(fields[i].valEnd) }
	type piece struct {
		text []byte
		idx  int
	}
	var kept []piece
	changed := false
	for i, f := range fields {
		pf, named := byKey[f.key]
		if !named || string(pf.val) == `"`+SecretMask+`"` {
			// A masked secret sent back (as status or get-config showed
			// it) keeps what the file has: "${MQTT_PASSWORD}" stays.
			kept = append(kept, piece{orig[oKey(i):oEnd(i)], i})
			continue
		}
		changed = true
		if string(pf.val) == "null" {
			continue
		}
		nv, err := g.value(f.val, f.valOff, pf.val, depth+1, join(field, f.key))
		if err != nil {
			return nil, err
		}
		text := append(append([]byte(nil), orig[oKey(i):oVal(i)]...), nv...)
		kept = append(kept, piece{text, i})
	}
	var added []string
	for _, pf := range pfields {
		if !seen[pf.key] && string(pf.val) != "null" {
			added = append(added, g.member(pv, pf))
		}
	}
	o0, o1 := p.m.orig(base), p.m.origEnd(base+len(raw))
	if !changed && len(added) == 0 {
		return orig[o0:o1], nil
	}
	open, closing := p.m.origEnd(base+1), p.m.orig(base+len(raw)-1)
	if len(fields) == 0 {
		if depth == 0 {
			return []byte("{\n  " + strings.Join(added, ",\n  ") + "\n}"), nil
		}
		return []byte("{" + strings.Join(added, ", ") + "}"), nil
	}
	if len(kept) == 0 && len(added) == 0 {
		return []byte("{}"), nil
	}
	n := len(fields)
	lead := orig[open:oKey(0)]
	sep := func(i int) []byte { return orig[oEnd(i):oKey(i+1)] } // between member i and i+1
	var tmpl []byte
	switch {
	case n >= 2:
		tmpl = sep(n - 2)
	case bytes.IndexByte(lead, '\n') >= 0:
		tmpl = append([]byte{','}, lead...)
	default:
		tmpl = []byte(", ")
	}
	var b bytes.Buffer
	b.Write(orig[o0:open])
	b.Write(lead)
	for k, pc := range kept {
		if k > 0 {
			b.Write(sep(pc.idx - 1))
		}
		b.Write(pc.text)
	}
	for k, a := range added {
		if k > 0 || len(kept) > 0 {
			b.Write(tmpl)
		}
		b.WriteString(a)
	}
	b.Write(orig[oEnd(n-1):closing])
	b.Write(orig[closing:o1])
	return b.Bytes(), nil
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// refused turns an error found in the text a change would write into one
// about the change: it has no place in a file that was not written.
func refused(err error) error {
	var ce *ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	c := *ce
	c.Line, c.Column = 0, 0
	c.Msg += refusedNote
	return &c
}

// setField returns the original text with the value of key in the entry
// of service name set to val (inserting the key, or the entry, when absent).
func (c *Config) setField(name, key string, val []byte) []byte {
	orig := []byte(nil)
	if c.p != nil {
		orig = c.p.orig
	}
	splice := func(at, end int, s string) []byte {
		out := make([]byte, 0, len(orig)+len(s))
		out = append(out, orig[:at]...)
		out = append(out, s...)
		return append(out, orig[end:]...)
	}
	kv := strconv.Quote(key) + ": " + string(val)
	e, ok := c.byName[name]
	switch {
	case ok:
		if sp, has := e.span(key); has {
			return splice(sp.start, sp.end, string(val))
		}
		if e.last < 0 {
			return splice(e.objOpen, e.objOpen, kv)
		}
		return splice(e.last, e.last, ", "+kv)
	case c.open < 0:
		return []byte("{\n  " + strconv.Quote(name) + ": {" + kv + "}\n}\n")
	case c.last < 0:
		return splice(c.open, c.open, "\n  "+strconv.Quote(name)+": {"+kv+"}\n")
	default:
		return splice(c.last, c.last, ",\n  "+strconv.Quote(name)+": {"+kv+"}")
	}
}

// field returns the error field of the entry's key as the user wrote it:
// "time.requires", or "time.kwargs.require" for the seed's spelling.
func (e *Entry) field(key string) string {
	if w, ok := e.written[key]; ok {
		return e.Name + "." + w
	}
	return e.Name + "." + key
}
