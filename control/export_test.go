package control

import "context"

// SetAllowUID replaces the peer uid check of c (the tests run as one user
// and cannot connect as another).
func SetAllowUID(c *Config, f func(uid uint32) bool) { c.allowUID = f }

// PanicVerbForTest runs a verb whose implementation panics.
func PanicVerbForTest(in *Interp) *Result {
	v := Verb{Name: "boom", MaxArgs: -1, run: func(context.Context, *Interp, *call) (*Result, error) { panic("boom") }}
	c := &call{verb: &v, flags: map[string]string{}}
	res, err := in.run(context.Background(), c)
	if res == nil {
		res = &Result{}
	}
	res.Err = asError(err)
	return res
}
