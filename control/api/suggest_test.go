package api

import (
	"slices"
	"strings"
	"testing"
)

// FuzzSuggest: Suggest never panics, returns at most three of the names,
// each close to the word (an edit distance within the limit, or the word
// a prefix of it), and nothing for a word that is a name.
func FuzzSuggest(f *testing.F) {
	f.Add("blnk", "blink,blank,answer")
	f.Add("", "a,b")
	f.Add("hel", "hello,hello_1,help")
	f.Add("ßtatus", "status,start")
	f.Fuzz(func(t *testing.T, word, list string) {
		if len(word) > 64 || len(list) > 1024 {
			return
		}
		names := strings.Split(list, ",")
		got := Suggest(word, names)
		if len(got) > 3 {
			t.Fatalf("Suggest(%q) = %q: more than 3", word, got)
		}
		if slices.Contains(names, word) && got != nil {
			t.Fatalf("Suggest(%q) = %q for a name", word, got)
		}
		for _, g := range got {
			if !slices.Contains(names, g) {
				t.Fatalf("Suggest(%q) = %q: %q is no name", word, got, g)
			}
			if d := distance(word, g, 100); d > 2 && !strings.HasPrefix(g, word) {
				t.Fatalf("Suggest(%q) = %q: %q is %d edits away", word, got, g, d)
			}
			if d, e := distance(word, g, 100), distance(g, word, 100); d != e {
				t.Fatalf("distance(%q, %q) = %d, reversed %d", word, g, d, e)
			}
		}
	})
}

// distance with a cap agrees with the whole computation, capped: the
// early stop must not miss a swap that reaches back two rows.
func TestDistanceCapIsExact(t *testing.T) {
	words := []string{"", "a", "ab", "ba", "abc", "acb", "bca", "abab", "baba", "stauts", "status", "stats", "abcd", "badc", "aabb", "bbaa"}
	for _, a := range words {
		for _, b := range words {
			full := distance(a, b, 100)
			for max := 1; max <= 5; max++ {
				if got, want := distance(a, b, max), min(full, max); got != want {
					t.Errorf("distance(%q, %q, %d) = %d, want %d", a, b, max, got, want)
				}
			}
		}
	}
	if d := distance("stauts", "status", 100); d != 1 {
		t.Errorf("a swap: distance = %d, want 1", d)
	}
}
