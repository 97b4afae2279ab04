package aiolog

import "fmt"

// anyString formats an attribute value of kind Any: an error's message, a
// Stringer's String, a []byte as text, else fmt's %+v. It is the only use of
// fmt in the package and is off the path of string, number, bool and time
// attributes.
func anyString(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	case []byte:
		return string(x)
	}
	return fmt.Sprintf("%+v", v)
}
