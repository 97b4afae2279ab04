package aioctl

import "testing"

func TestMatch(t *testing.T) {
	cases := []struct {
		p, n string
		ok   bool
	}{
		{"hello*", "hello_task", true},
		{"hello*", "hello", true},
		{"hello*", "xhello", false},
		{"*.service", "world.service", true},
		{"*.service", "world.service.child", false},
		{"task_*_1", "task_led_1", true},
		{"task_*_1", "task_led_2", false},
		{"*", "", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "acb", false},
		{"ab*ba", "aba", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
		{"?", "a", false},
	}
	for _, c := range cases {
		if got := Match(c.p, c.n); got != c.ok {
			t.Errorf("Match(%q, %q) = %v, want %v", c.p, c.n, got, c.ok)
		}
	}
}
