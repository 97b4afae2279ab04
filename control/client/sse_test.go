package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aiotools-go/aiotools/control"
)

// encodeEvents writes events as the server does (control's handleStream).
func encodeEvents(evs []control.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		j, _ := json.Marshal(ev)
		fmt.Fprintf(&b, "data: %s\n\n", j)
	}
	return b.String()
}

func TestReadEvents(t *testing.T) {
	evs := []control.Event{{Seq: 1, Text: "a line", Task: "blink", Level: "INFO"}, {Lost: 3, Text: "lost"}, {Text: "x\ny\r\n"}}
	var got []control.Event
	in := ": a comment\r\n" + encodeEvents(evs) + "id: 7\nretry: 10\n\n"
	if err := readEvents(strings.NewReader(in), func(ev control.Event) error { got = append(got, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(evs) {
		t.Errorf("events %v, want %v", got, evs)
	}
	err := readEvents(strings.NewReader(encodeEvents(evs[:1])+"event: error\ndata: {\"code\":\"not_found\",\"message\":\"gone\"}\n\n"), func(control.Event) error { return nil })
	var ce *control.Error
	if !errors.As(err, &ce) || ce.Code != control.CodeNotFound {
		t.Errorf("error event: %v", err)
	}
	if err := readEvents(strings.NewReader("data: {nope\n\n"), func(control.Event) error { return nil }); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad event: %v", err)
	}
	if err := readEvents(strings.NewReader("data: "+strings.Repeat("x", MaxEventBytes)+"\n"), func(control.Event) error { return nil }); err == nil {
		t.Error("a line over MaxEventBytes: no error")
	}
}

// FuzzReadEvents: the event stream decoder never panics on what a server
// (or something else on its socket) sends; it hands on only events that
// came as data lines, stops at the first error; and what the server
// encodes comes back unchanged.
func FuzzReadEvents(f *testing.F) {
	f.Add([]byte(encodeEvents([]control.Event{{Seq: 1, Text: "LED toggled", Task: "blink", Level: "INFO"}, {Lost: 2}})), "hello")
	f.Add([]byte("event: error\ndata: {\"code\":\"bad_argument\",\"message\":\"x\"}\n\n"), "")
	f.Add([]byte("event: error\ndata: {}\n\ndata: {\"text\":\"after\"}\n\n"), "\x00")
	f.Add([]byte(": hi\r\nevent:x\r\ndata:{\"text\":\"no space\"}\r\n\r\n"), "ü\xff")
	f.Add([]byte("data: {\"seq\": -1}\n"), "\n\n")
	f.Add([]byte("data\ndata:\n\n"), "")
	f.Fuzz(func(t *testing.T, stream []byte, text string) {
		dataLines := strings.Count("\n"+string(stream), "\ndata")
		n := 0
		err := readEvents(strings.NewReader(string(stream)), func(control.Event) error { n++; return nil })
		if n > dataLines {
			t.Fatalf("%d events from %d data lines", n, dataLines)
		}
		var ce *control.Error
		if errors.As(err, &ce) && ce.Code == "" {
			t.Fatalf("error event without a code: %+v", ce)
		}
		// A round trip of what the server would send.
		want := []control.Event{{Seq: uint64(len(stream)), Text: text, Task: text, Level: "INFO"}, {Text: string(stream)}}
		var got []control.Event
		if err := readEvents(strings.NewReader(encodeEvents(want)), func(ev control.Event) error { got = append(got, ev); return nil }); err != nil {
			t.Fatalf("round trip: %v", err)
		}
		for i := range want { // invalid UTF-8 comes back as U+FFFD, as json.Marshal writes it
			a, _ := json.Marshal(want[i])
			json.Unmarshal(a, &want[i])
		}
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("round trip: got %+v, want %+v", got, want)
		}
	})
}
