package aioctl

import (
	"fmt"
	"strconv"
)

// Formatting that needs reflection lives here, off the paths a task runs.

func typeName(v any) string { return fmt.Sprintf("%T", v) }

func sprint(v any) string {
	if v == nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func itoa(n int) string { return strconv.Itoa(n) }
