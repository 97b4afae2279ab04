package aioctl

import "strings"

// Match reports whether name matches pattern. In a pattern, '*' matches any
// run of characters (also none) and every other character stands for itself;
// the pattern must match the whole name, as in the seed: "hello*",
// "*.service", "task_led_*".
func Match(pattern, name string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == name
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(name, p)
		if i < 0 {
			return false
		}
		name = name[i+len(p):]
	}
	return len(name) >= len(last) && strings.HasSuffix(name, last)
}

// IsPattern reports whether s holds a '*' wildcard.
func IsPattern(s string) bool { return strings.Contains(s, "*") }
