package lineedit

import (
	"slices"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestComplete(t *testing.T) {
	names := func(kind string) []string {
		switch kind {
		case "tasks":
			return []string{"blink", "blue", "answer"}
		case "verbs": // the program's: the table's and its own (Interp.Register)
			return []string{"status", "services list", "led", "blink-rate"}
		}
		return []string{"hello.service"}
	}
	c := Complete(names)
	for _, tc := range []struct {
		line, head string
		want       []string
	}{
		{"stat", "", []string{"stats ", "status "}},
		{"ex", "", []string{"exit "}},
		{"le", "", []string{"led "}},
		{"help bli", "help ", []string{"blink-rate "}},
		{"status bl", "status ", []string{"blink ", "blue "}},
		{"services ge", "services ", []string{"get-config "}},
		{"services status he", "services status ", []string{"hello.service "}},
		{"nosuchverb x", "nosuchverb ", nil},
	} {
		head, got, tail := c(tc.line, len(tc.line))
		if head != tc.head || !slices.Equal(got, tc.want) || tail != "" {
			t.Errorf("%q: %q %q %q, want %q %q", tc.line, head, got, tail, tc.head, tc.want)
		}
	}
	if _, got, _ := Complete(nil)("status b", 8); got != nil {
		t.Errorf("no names, yet %q", got)
	}
}
