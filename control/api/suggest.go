package api

import (
	"sort"
	"strings"
)

// Suggest returns the names closest to word, for a "did you mean …?" after
// a typo: those at the smallest edit distance (Levenshtein, by byte) from
// word, when that distance is small for word's length (1 for up to 4
// bytes, 2 for longer words), at most three, sorted; and otherwise the
// names word is a prefix of, when there are at most three. It returns nil
// when nothing is close, or when word is one of the names.
func Suggest(word string, names []string) []string {
	limit := 1
	if len(word) > 4 {
		limit = 2
	}
	best, out := limit+1, []string(nil)
	var prefixed []string
	for _, n := range names {
		if n == word {
			return nil // a name: nothing to correct
		}
		if strings.HasPrefix(n, word) {
			prefixed = append(prefixed, n)
		}
		switch d := distance(word, n, limit+1); {
		case d > limit:
		case d < best:
			best, out = d, []string{n}
		case d == best:
			out = append(out, n)
		}
	}
	if out == nil && len(word) > 0 && len(prefixed) <= 3 {
		out = prefixed
	}
	sort.Strings(out)
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

// DidYouMean is " did you mean A?" (or "A or B?") with the names quoted by
// quote, or "" for none: a suffix for an error message.
func DidYouMean(names []string, quote func(string) string) string {
	if len(names) == 0 {
		return ""
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return " did you mean " + strings.Join(q, " or ") + "?"
}

// distance is the edit distance of a and b counting a swap of two
// neighbours as one edit (optimal string alignment: "stauts" is one edit
// from "status" as from "stats"), or max when it is at least max (the
// rows stop being computed then).
func distance(a, b string, max int) int {
	if d := len(a) - len(b); d >= max || -d >= max {
		return max
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	lowPrev := 0
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			low = min(low, cur[j])
		}
		// A later row is at least this row's least, or the row before's
		// plus one (a swap reaches back two rows).
		if low >= max && lowPrev+1 >= max {
			return max
		}
		lowPrev = low
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], max)
}
