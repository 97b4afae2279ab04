package api

import (
	"strconv"
	"strings"
)

// Help is the verb's help as every front end prints it (the program's
// "help VERB", aioctl help VERB): the usage line, the summary, the typed
// flags, the exit codes the verb has of its own, and the examples. A
// program adds what only it knows after it (help add: its kinds).
func (v *Verb) Help() string {
	var b strings.Builder
	b.WriteString("usage: " + v.Usage() + "\n  " + v.Summary + "\n")
	for _, f := range v.Flags {
		s := "  --" + f.Name
		if f.Short != "" {
			s += ", -" + f.Short
		}
		if f.Value != "" {
			s += " " + f.Value
		}
		b.WriteString(s + " (" + f.Type() + ")\n      " + f.Usage + "\n")
	}
	if len(v.ExitCodes) > 0 {
		var codes []string
		for _, e := range v.ExitCodes {
			codes = append(codes, strconv.Itoa(e.Code)+" "+e.Meaning)
		}
		b.WriteString("exit status: " + strings.Join(codes, ", ") + "; 1 another error, 2 a usage error\n")
	}
	if len(v.Examples) > 0 {
		b.WriteString("examples:\n")
		for _, e := range v.Examples {
			b.WriteString("  " + e + "\n")
		}
	}
	return b.String()
}

// HelpLine is the verb's line in a list of verbs: its name and arguments,
// padded, then its summary.
func (v *Verb) HelpLine() string {
	u := v.Name
	if v.ArgsUsage != "" {
		u += " " + v.ArgsUsage
	}
	pad := 34 - len(u)
	if pad < 1 {
		pad = 1
	}
	return "  " + u + strings.Repeat(" ", pad) + v.Summary + "\n"
}

// GroupHelp is the help of the first word of two-word verbs ("help
// services"): one HelpLine per verb of the group, from the table; "" when
// first starts no two-word verb.
func GroupHelp(first string) string {
	var b strings.Builder
	for _, s := range SubVerbs(first) {
		b.WriteString(verbIndex[first+" "+s].HelpLine())
	}
	return b.String()
}

// HelpTopic reports whether "help" followed by words has an answer in
// the table: a verb ("log level", given as one word or two) or the first
// word of a group ("services"). A front end that cannot ask the program
// prints Help or GroupHelp for them.
func HelpTopic(words []string) (name string, ok bool) {
	name = strings.Join(strings.Fields(strings.Join(words, " ")), " ")
	if _, isVerb := verbIndex[name]; isVerb {
		return name, true
	}
	return name, len(verbGroups[name]) > 0
}
