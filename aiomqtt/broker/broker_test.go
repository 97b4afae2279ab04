package broker

import (
	"net"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestStartOnAFreePortAndRestartOnIt(t *testing.T) {
	b, err := Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.URL(), "mqtt://127.0.0.1:") || strings.HasSuffix(b.URL(), ":0") {
		t.Fatalf("URL %q", b.URL())
	}
	c, err := net.Dial("tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	addr := b.Addr()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil { // twice is fine
		t.Fatal(err)
	}
	b2, err := Start(addr, nil) // the port is free again at once
	if err != nil {
		t.Fatal(err)
	}
	b2.Close()
	if _, err := Start("127.0.0.1:99999", nil); err == nil {
		t.Error("a bad address started")
	}
}
