package fleet

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aiotools-go/aiotools/control/api"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The documented rule, by its examples.
func TestHomieIDRule(t *testing.T) {
	for name, want := range map[string]string{
		"hello.service": "hello-service", "LED_blink": "led-blink", "world_task": "world-task",
		"Kitchen Pi": "kitchen-pi", "--a..b--": "a-b", "": "x", "___": "x", "blink_1": "blink-1", "Ünï": "n",
	} {
		if got := HomieID(name); got != want {
			t.Errorf("HomieID(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestAssignIDsReportsCollisionsNeverMerges(t *testing.T) {
	ids, coll := AssignIDs([]string{"a_b", "a.b", "a-b-2", "A-B"})
	want := map[string]string{"a-b-2": "a-b-2", "A-B": "a-b", "a.b": "a-b-3", "a_b": "a-b-4"}
	for n, id := range want {
		if ids[n] != id {
			t.Errorf("%q → %q, want %q (all: %v)", n, ids[n], id, ids)
		}
	}
	if len(coll) != 2 || coll[0].Name != "a.b" || coll[0].With != "A-B" || coll[1].Name != "a_b" {
		t.Errorf("collisions %+v", coll)
	}
}

func TestTopicMatch(t *testing.T) {
	for _, c := range []struct {
		f, t string
		ok   bool
	}{
		{"homie/5/#", "homie/5/d/$state", true}, {"homie/5/+/$state", "homie/5/d/$state", true},
		{"homie/5/+/$state", "homie/5/d/n/state", false}, {"a/b", "a/b/c", false}, {"a/+/c", "a/b/c", true},
	} {
		if TopicMatch(c.f, c.t) != c.ok {
			t.Errorf("TopicMatch(%q, %q) != %v", c.f, c.t, c.ok)
		}
	}
}

func TestDecodeRequestForms(t *testing.T) {
	r, err := DecodeRequest([]byte(`set args blink {"pin": 3}`), "")
	if err != nil || !slices.Equal(r.Argv, []string{"set", "args", "blink", `{"pin": 3}`}) {
		t.Errorf("line: %q %v", r.Argv, err)
	}
	r, err = DecodeRequest(EncodeRequest([]string{"stop", "a b"}, api.Options{JSON: true}), ContentJSON)
	if err != nil || !slices.Equal(r.Argv, []string{"stop", "a b"}) || !r.Options.JSON {
		t.Errorf("json: %+v %v", r, err)
	}
	r, err = DecodeRequest(StopFollowRequest, "")
	if err != nil || !r.StopFollow {
		t.Errorf("stop: %+v %v", r, err)
	}
}

// A broker URL with a scheme MQTT does not speak is refused at once,
// naming the scheme, instead of a timeout.
func TestDialRefusesOtherSchemes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := Dial(ctx, Settings{Broker: "http://127.0.0.1:1"})
	if err == nil || !strings.Contains(err.Error(), `scheme "http"`) || !strings.Contains(err.Error(), "mqtt") {
		t.Fatalf("Dial http:// = %v, want an error naming the scheme", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("Dial http:// took %v", time.Since(start))
	}
}

// A broker URL Dial cannot use is ErrBrokerURL (the caller's mistake: aioctl
// exits 2), a broker that is down is not.
func TestDialBrokerURLErrors(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:1", "127.0.0.1:1883", "mqtt://\x1b[2J:1", ""} {
		if _, err := Dial(context.Background(), Settings{Broker: u}); !errors.Is(err, ErrBrokerURL) {
			t.Errorf("Dial %q = %v, want ErrBrokerURL", u, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := Dial(ctx, Settings{Broker: "mqtt://127.0.0.1:1"}); err == nil || errors.Is(err, ErrBrokerURL) {
		t.Errorf("Dial to a closed port = %v, want an error other than ErrBrokerURL", err)
	}
}

// A broker that is down: Dial says why (connection refused) before its
// context ends, not "context deadline exceeded".
func TestDialNamesTheConnectError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // a free port nobody listens on
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = Dial(ctx, Settings{Broker: "mqtt://" + addr})
	if err == nil || !strings.Contains(err.Error(), "refused") || !strings.Contains(err.Error(), addr) {
		t.Fatalf("Dial to a closed port = %v, want connection refused naming %s", err, addr)
	}
	if ctx.Err() != nil {
		t.Errorf("Dial waited for its context to end")
	}
}
