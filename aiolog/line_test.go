package aiolog

import (
	"encoding/json"
	"testing"
	"time"
)

// Line's JSON is the log verb's wire form (control's LogLine): lower-case
// names, the level as the handler prints it, a lost-lines notice with text
// and count only.
func TestLineJSON(t *testing.T) {
	ts := time.Date(2015, 1, 1, 0, 0, 19, 5, time.UTC)
	for _, c := range []struct {
		l    Line
		want string
	}{
		{Line{Seq: 3, Time: ts, Level: LevelCrit, Task: "net", Text: "a \"b\""},
			`{"seq":3,"time":"2015-01-01T00:00:19.000000005Z","level":"CRIT","task":"net","text":"a \"b\""}`},
		{Line{Seq: 1, Time: ts, Level: 0, Text: "x"},
			`{"seq":1,"time":"2015-01-01T00:00:19.000000005Z","level":"INFO","text":"x"}`},
		{Line{Text: LostText(7), Lost: 7},
			`{"time":"0001-01-01T00:00:00Z","text":"-- 7 lines lost --","lost":7}`},
	} {
		b, err := json.Marshal(c.l)
		if err != nil || string(b) != c.want {
			t.Errorf("json.Marshal(%+v) = %s, %v\nwant %s", c.l, b, err, c.want)
			continue
		}
		var back Line
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("json.Unmarshal(%s): %v", b, err)
			continue
		}
		if !back.Time.Equal(c.l.Time) || back.Seq != c.l.Seq || back.Level != c.l.Level ||
			back.Task != c.l.Task || back.Text != c.l.Text || back.Lost != c.l.Lost {
			t.Errorf("round trip of %s = %+v, want %+v", b, back, c.l)
		}
	}
	var l Line
	if err := json.Unmarshal([]byte(`{"level":"LOUD","text":"x"}`), &l); err == nil {
		t.Errorf("json.Unmarshal with level LOUD: no error")
	}
}
