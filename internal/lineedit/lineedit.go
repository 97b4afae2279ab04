// Package lineedit is the line editing and completion that `aioctl shell`
// and the in-program console (control.Console on a terminal) share, so the
// two behave alike: liner (github.com/peterh/liner) edits the line (Emacs
// keys, Up/Down and Ctrl-R history), Tab completes verbs, their second
// words and flags from the verb table (control/api) and task or service
// names from a Names function, Ctrl-C aborts the line.
//
// The completion knows nothing of where names come from: the shell asks
// the program over its socket, the console asks its interpreter.
package lineedit

import (
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/peterh/liner"
	"golang.org/x/term"

	"github.com/aiotools-go/aiotools/control/api"
)

// Prompt is the prompt of the shell and the console.
const Prompt = "aioctl> "

// State is a liner on the terminal (see New).
type State = liner.State

// ErrAborted is what a State's Prompt returns when Ctrl-C aborts the line.
var ErrAborted = liner.ErrPromptAborted

// Names returns the names of a kind ("tasks", "services") to complete
// with, nil when they cannot be had.
type Names func(kind string) []string

// IsTerminal reports whether the process's stdin and stdout are both
// terminals, where line editing works.
func IsTerminal() bool {
	return term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd()))
}

// New returns a liner on the process's terminal, set up as the shell's:
// Ctrl-C aborts the line (liner.ErrPromptAborted), Tab lists several
// candidates, and words complete with Complete(names). Close it to give
// the terminal back its mode.
func New(names Names) *liner.State {
	ln := liner.NewLiner()
	ln.SetCtrlCAborts(true)
	ln.SetTabCompletionStyle(liner.TabPrints)
	ln.SetWordCompleter(Complete(names))
	return ln
}

// FirstWords are the words a command line can start with: the verbs' and
// the shell's own (exit, quit), sorted.
func FirstWords() []string {
	out := append(api.FirstWords(), "exit", "quit")
	sort.Strings(out)
	return out
}

// firstWords are FirstWords and the first words of the verbs names
// gives for "verbs": those the program registered itself (help lists
// them; the shell asks the program, the console its interpreter).
func firstWords(names Names) []string {
	out := FirstWords()
	if names == nil {
		return out
	}
	for _, v := range names("verbs") {
		if w, _, _ := strings.Cut(v, " "); !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

// SubVerbs are the second words of the two-word verbs starting with
// first ("list", "status", … for "services"), nil when there are none.
func SubVerbs(first string) []string {
	var subs []string
	for _, v := range api.Verbs() {
		if f, s, ok := strings.Cut(v.Name, " "); ok && f == first {
			subs = append(subs, s)
		}
	}
	return subs
}

// Complete returns a liner word completer: the first word completes to a
// verb, the second to a two-word verb's second word, a word starting with
// "-" to the verb's flags, and other words to the names the verb takes
// (tasks, services or verbs), from names.
func Complete(names Names) liner.WordCompleter {
	return func(line string, pos int) (head string, completions []string, tail string) {
		if pos > len(line) {
			pos = len(line)
		}
		before, tail := line[:pos], line[pos:]
		start := strings.LastIndexAny(before, " \t") + 1
		head, word := before[:start], before[start:]
		words := strings.Fields(head)
		var cands []string
		switch {
		case len(words) == 0:
			cands = firstWords(names)
		case len(words) == 1 && SubVerbs(words[0]) != nil:
			cands = SubVerbs(words[0])
		default:
			v, ok := api.LookupVerb(strings.Join(words[:min(2, len(words))], " "))
			if !ok {
				v, ok = api.LookupVerb(words[0])
			}
			if !ok {
				return head, nil, tail
			}
			if strings.HasPrefix(word, "-") {
				for _, f := range v.Flags {
					cands = append(cands, "--"+f.Name)
				}
				break
			}
			switch kind := v.Names.Kind(); {
			case v.Names == api.VerbNames:
				cands = firstWords(names)
			case kind != "" && names != nil:
				cands = names(kind)
			}
			if v.TrailingFlag != "" {
				cands = append(cands, v.TrailingFlag)
			}
		}
		for _, s := range cands {
			if strings.HasPrefix(s, word) {
				completions = append(completions, s+" ")
			}
		}
		return head, completions, tail
	}
}
