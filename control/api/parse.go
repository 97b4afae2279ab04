package api

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Limits of the command-line parser.
const (
	// MaxLineBytes is the longest command line the interpreter accepts.
	MaxLineBytes = 8 << 10
	// MaxArgs is the most words a command may have.
	MaxArgs = 64
)

type token struct {
	text  string
	start int // byte offset of the token's first character in the line
}

// Split splits a command line into words the way a POSIX shell does for
// plain words: blanks separate words; 'single quotes' keep everything
// literally; "double quotes" keep everything but allow \" and \\; a
// backslash outside quotes escapes the next character. It does no
// expansion of any kind. An unterminated quote or a trailing backslash is
// an error naming the column, as are control characters, a line over
// MaxLineBytes and more than MaxArgs words.
func Split(line string) ([]string, error) {
	toks, err := split(line)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.text
	}
	return out, nil
}

func split(line string) ([]token, error) {
	if len(line) > MaxLineBytes {
		return nil, NewError(CodeBadArgument, "command line is "+strconv.Itoa(len(line))+" bytes, over the limit of "+strconv.Itoa(MaxLineBytes))
	}
	var (
		toks  []token
		b     strings.Builder
		in    bool // inside a word
		start int
	)
	col := func(i int) string { return "column " + strconv.Itoa(i+1) }
	flush := func() error {
		if in {
			if len(toks) == MaxArgs {
				return NewError(CodeBadArgument, "more than "+strconv.Itoa(MaxArgs)+" words in the command")
			}
			toks = append(toks, token{b.String(), start})
			b.Reset()
			in = false
		}
		return nil
	}
	begin := func(i int) {
		if !in {
			in, start = true, i
		}
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if err := flush(); err != nil {
				return nil, err
			}
		case c < 0x20 || c == 0x7f:
			return nil, NewError(CodeBadArgument, "control character "+strconv.QuoteRune(rune(c))+" at "+col(i))
		case c == '\\':
			begin(i)
			if i+1 == len(line) {
				return nil, NewError(CodeBadArgument, "trailing backslash at "+col(i))
			}
			i++
			if line[i] < 0x20 || line[i] == 0x7f {
				return nil, NewError(CodeBadArgument, "control character after backslash at "+col(i))
			}
			b.WriteByte(line[i])
		case c == '\'':
			begin(i)
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, NewError(CodeBadArgument, "unterminated ' quote starting at "+col(i))
			}
			s := line[i+1 : i+1+j]
			if k := strings.IndexFunc(s, isCtl); k >= 0 {
				return nil, NewError(CodeBadArgument, "control character inside quotes at "+col(i+1+k))
			}
			b.WriteString(s)
			i += j + 1
		case c == '"':
			begin(i)
			q := i
			closed := false
			for i++; i < len(line); i++ {
				d := line[i]
				if d == '"' {
					closed = true
					break
				}
				if d < 0x20 && d != '\t' || d == 0x7f {
					return nil, NewError(CodeBadArgument, "control character inside quotes at "+col(i))
				}
				if d == '\\' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\\') {
					i++
					d = line[i]
				}
				b.WriteByte(d)
			}
			if !closed {
				return nil, NewError(CodeBadArgument, `unterminated " quote starting at `+col(q))
			}
		default:
			begin(i)
			b.WriteByte(c)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return toks, nil
}

// ParseLine splits a command line into words (Split) for Parse, Exec or a
// Request's Argv. For a verb whose
// last argument is JSON (set args, services config), everything after the
// fixed arguments is that one argument, unquoted when it was quoted whole:
// `set args blink {"pin": 3}` works as typed.
func ParseLine(line string) ([]string, error) {
	toks, err := split(line)
	if err != nil {
		return nil, err
	}
	argv := make([]string, len(toks))
	for i, t := range toks {
		argv[i] = t.text
	}
	v, rest, err := find(argv)
	if err != nil || !v.RawTail {
		return argv, nil // Exec reports lookup errors
	}
	words := len(argv) - len(rest)
	at := words + v.MinArgs - 1 // index of the JSON argument
	if v.MaxArgs > v.MinArgs {
		// Optional JSON (clone SRC [NAME] [JSON]): the first word after
		// the required ones that starts an object or a list.
		at = -1
		for i := words + v.MinArgs; i < len(toks); i++ {
			if t := toks[i].text; t != "" && (t[0] == '{' || t[0] == '[') {
				at = i
				break
			}
		}
		if at < 0 {
			return argv, nil
		}
	}
	if at >= len(toks) {
		return argv, nil
	}
	// Flags of the verb after the JSON ("schedule set NAME {…} --save")
	// stay words of their own when the text before them is the JSON.
	end := len(toks)
	for end-1 > at && strings.HasPrefix(toks[end-1].text, "-") && v.Flag(strings.TrimLeft(strings.SplitN(toks[end-1].text, "=", 2)[0], "-"), strings.HasPrefix(toks[end-1].text, "--")) != nil {
		end--
	}
	var tail string
	for ; ; end = len(toks) {
		stop := len(line)
		if end < len(toks) {
			stop = toks[end].start
		}
		tail = strings.TrimSpace(line[toks[at].start:stop])
		if sub, err := split(tail); err == nil && len(sub) == 1 && (tail[0] == '\'' || tail[0] == '"') {
			tail = sub[0].text
		}
		if end == len(toks) || json.Valid([]byte(tail)) {
			break
		}
	}
	return append(append(argv[:at:at], tail), argv[end:]...), nil
}

func isCtl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// Quote returns s quoted so that Split gives it back as one word; plain
// words are returned as they are.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return r <= ' ' || r == '\'' || r == '"' || r == '\\' || r == 0x7f
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
