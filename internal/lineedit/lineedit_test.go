package lineedit

import (
	"slices"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestComplete(t *testing.T) {
	names := func(kind string) []string {
		if kind == "tasks" {
			return []string{"blink", "blue", "answer"}
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
