package aiolog

import "bytes"

// Case-insensitive (ASCII) substring search for smart case. A search looks
// for candidates with bytes.IndexByte (vectorised) on one byte of the
// pattern, in both cases, and checks the whole pattern at each. The byte is
// the pattern's rarest by a fixed frequency table, as memchr's rare-byte
// heuristic picks it: anchoring on the first byte made "needle" stop at
// the N of every [INFO], while its 'l' is rare in log text.

// byteRank estimates how common a byte is in log text, 0 (rare) to 255.
// A folded search finds both cases of a letter, so a letter's rank counts
// both (foldRank).
var byteRank = func() (t [256]uint8) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = 40 // punctuation in general
	}
	// Letters, after English text's frequencies (lower case).
	const byFreq = "etaoinshrdlcumwfgypbvkjxqz"
	for i := 0; i < len(byFreq); i++ {
		t[byFreq[i]] = uint8(250 - i*8)
		t[byFreq[i]-('a'-'A')] = uint8(100 - i*3) // upper case: rarer
	}
	// What every log line is made of: time stamps, brackets, key=value.
	for _, c := range []byte("0123456789") {
		t[c] = 230
	}
	for _, c := range []byte(" ") {
		t[c] = 255
	}
	for _, c := range []byte("-:[]=.") {
		t[c] = 200
	}
	for _, c := range []byte("IONFEWRACDBGUT") { // INFO, WARN, ERROR, CRIT, DEBUG, hex
		t[c] = 150
	}
	return t
}()

// foldRank is the rank of a lower-case pattern byte in a folded search:
// its own plus, for a letter, its upper case's.
func foldRank(c byte) int {
	r := int(byteRank[c])
	if 'a' <= c && c <= 'z' {
		r += int(byteRank[c-('a'-'A')])
	}
	return r
}

// foldFinder finds a lower-case ASCII pattern in text ignoring ASCII case.
type foldFinder struct {
	p      []byte // the pattern, lower case
	k      int    // index in p of the anchor byte
	lo, up byte   // the anchor in both cases (equal when not a letter)
}

func newFoldFinder(p []byte) foldFinder {
	f := foldFinder{p: p}
	if len(p) == 0 {
		return f
	}
	best := foldRank(p[0])
	for i := 1; i < len(p); i++ {
		if r := foldRank(p[i]); r < best {
			f.k, best = i, r
		}
	}
	f.lo, f.up = p[f.k], p[f.k]
	if 'a' <= f.lo && f.lo <= 'z' {
		f.up = f.lo - ('a' - 'A')
	}
	return f
}

// index returns the index of the first match of f's pattern in s, or -1.
func (f *foldFinder) index(s []byte) int {
	p := f.p
	if len(p) == 0 {
		return 0
	}
	last := len(s) - len(p)
	if last < 0 {
		return -1
	}
	// hay[j] is the anchor byte of a match starting at j.
	hay := s[f.k : last+f.k+1]
	if f.lo == f.up {
		for i := 0; i < len(hay); {
			j := bytes.IndexByte(hay[i:], f.lo)
			if j < 0 {
				return -1
			}
			j += i
			if equalFold(s[j:j+len(p)], p) {
				return j
			}
			i = j + 1
		}
		return -1
	}
	// Both cases are searched chunk by chunk, so that the second search
	// reads the chunk from the cache, not from memory again: a folded
	// search then costs about one pass over memory, as bytes.Index does.
	for start := 0; start < len(hay); start += foldChunk {
		w := hay[start:min(start+foldChunk, len(hay))]
		// The next position of each case, found once and kept until passed.
		lo, up := -1, -1
		for i := 0; i < len(w); {
			if lo < i {
				lo = indexByteFrom(w, i, f.lo)
			}
			if up < i {
				up = indexByteFrom(w, i, f.up)
			}
			j := min(lo, up)
			if j >= len(w) {
				break
			}
			if at := start + j; equalFold(s[at:at+len(p)], p) {
				return at
			}
			i = j + 1
		}
	}
	return -1
}

// foldChunk is how much of the text a folded search scans for one case of
// its anchor before the other: small enough to stay in the L1 cache.
const foldChunk = 8 << 10

// indexFold returns the index of the first match of the lower-case ASCII
// pattern p in s ignoring ASCII case, or -1.
func indexFold(s, p []byte) int {
	f := newFoldFinder(p)
	return f.index(s)
}
