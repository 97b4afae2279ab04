package control

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// The status answer written by hand into a pooled buffer is the one the
// generic encoder writes, escapes included, and a second answer does not
// see the first one's bytes.
func TestStatusJSONAnswerMatchesGenericEncoding(t *testing.T) {
	at := time.Date(2015, 1, 1, 0, 0, 19, 0, time.UTC)
	sts := []aioctl.TaskStatus{
		{Name: "a<b>&c", Group: "g", State: aioctl.Running, Since: at, ResultText: "\x7f del \u0085 c1 \u202e bidi"},
		{Name: "svc.service", State: aioctl.Error, Ended: at, Error: "boom\n", Log: []string{"line \u2028"},
			Args: json.RawMessage(`{"a": "<x>"}`), Schedule: &aioctl.ScheduleInfo{Next: at, Skipped: 1}},
	}
	for round := 0; round < 2; round++ {
		got, err := encodeResult(&Result{Verb: "status", Data: sts})
		if err != nil {
			t.Fatal(err)
		}
		data, err := marshalData(sts)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := marshalSafe(Response{Verb: "status", OK: true})
		want = append(append(append(want[:len(want)-1], `,"data":`...), data...), '}', '\n')
		if string(got) != string(want) {
			t.Fatalf("round %d:\n got %s\nwant %s", round, got, want)
		}
		sts = sts[:1]
	}
}
