//go:build !aiotools_noregexp

package aiolog

import "regexp"

// compileRegexp compiles a Regexp-mode pattern with package regexp. The
// build tag aiotools_noregexp leaves regexp out (match_noregexp.go): on a
// microcontroller it and the Unicode tables it pulls in are ~80 KB of
// flash and ~48 KB of RAM.
func compileRegexp(p string) (pattern, error) {
	re, err := regexp.Compile(p)
	if err != nil {
		return pattern{}, err
	}
	return pattern{match: re.Match}, nil
}
