//go:build aiotools_noregexp

package aiolog

// compileRegexp refuses: this build has no package regexp (build tag
// aiotools_noregexp). Substring and Glob patterns work as always.
func compileRegexp(string) (pattern, error) {
	return pattern{}, ErrNoRegexp
}
