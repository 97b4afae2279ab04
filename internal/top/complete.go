package top

import (
	"slices"
	"strings"
	"time"

	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

// complete completes the last word of a command line: a verb name from
// the table (one or two words), then, for a verb whose arguments name
// tasks or services, one of names. It returns the new line and, when
// several candidates are left, them listed for the bottom line.
func complete(line string, names []string) (string, string) {
	words := strings.Fields(line)
	last := ""
	if !strings.HasSuffix(line, " ") && len(words) > 0 {
		last, words = words[len(words)-1], words[:len(words)-1]
	}
	var cands []string
	if v := verbOf(words); v == nil {
		// Still in the verb's words.
		prefix := strings.Join(append(slices.Clone(words), last), " ")
		for _, v := range api.Verbs() {
			if v.Hidden || !strings.HasPrefix(v.Name, prefix) {
				continue
			}
			w := v.Words()[len(words):]
			if len(w) > 0 {
				cands = append(cands, w[0])
			}
		}
	} else if v.Names == api.TaskNames || v.Names == api.ServiceNames {
		for _, n := range names {
			if strings.HasPrefix(n, last) {
				cands = append(cands, n)
			}
		}
	}
	slices.Sort(cands)
	cands = slices.Compact(cands)
	base := strings.Join(words, " ")
	if base != "" {
		base += " "
	}
	switch len(cands) {
	case 0:
		return line, ""
	case 1:
		return base + cands[0] + " ", ""
	}
	p := cands[0]
	for _, c := range cands[1:] {
		for !strings.HasPrefix(c, p) {
			p = p[:len(p)-1]
		}
	}
	if len(p) < len(last) {
		p = last
	}
	shown := cands
	if len(shown) > 12 {
		shown = append(shown[:12:12], "…")
	}
	return base + p, termsafe.String(strings.Join(shown, "  "))
}

// verbOf is the verb words name when they are a whole verb (the longest
// match: "log level" before "log").
func verbOf(words []string) *api.Verb {
	for n := min(2, len(words)); n >= 1; n-- {
		if v, ok := api.LookupVerb(strings.Join(words[:n], " ")); ok {
			return &v
		}
	}
	return nil
}

// secs is a float of seconds as a Duration.
func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
