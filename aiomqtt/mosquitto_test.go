package aiomqtt

// The same device against a broker nobody here wrote: Debian's mosquitto,
// driven by its own clients (mosquitto_sub, mosquitto_pub).
// scripts/install-mosquitto.sh installs them; under ./test.sh (and with
// $CI set) a missing one fails the test, elsewhere it skips, saying so.

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

// mosquittoBin finds mosquitto and its clients, or skips (fails when
// they are required).
func mosquittoBin(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		if _, e := os.Stat("/usr/sbin/mosquitto"); e == nil {
			bin, err = "/usr/sbin/mosquitto", nil
		}
	}
	if err == nil {
		_, err = exec.LookPath("mosquitto_sub")
	}
	if err == nil {
		_, err = exec.LookPath("mosquitto_pub")
	}
	if err != nil {
		msg := "mosquitto or its clients are missing (scripts/install-mosquitto.sh installs them): " + err.Error()
		if os.Getenv("CI") != "" || os.Getenv("AIOTOOLS_REQUIRE_MOSQUITTO") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return bin
}

// mosquitto is a private mosquitto on a loopback port.
type mosquitto struct {
	bin, conf, addr string
	cmd             *exec.Cmd
}

// startMosquitto runs mosquitto on a free loopback port with a temporary
// config (anonymous, no persistence) until the test ends.
func startMosquitto(t testing.TB) *mosquitto {
	t.Helper()
	bin := mosquittoBin(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	conf := filepath.Join(t.TempDir(), "mosquitto.conf")
	if err := os.WriteFile(conf, []byte("listener "+port+" 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := &mosquitto{bin: bin, conf: conf, addr: addr}
	m.start(t)
	t.Cleanup(m.stop)
	return m
}

func (m *mosquitto) url() string { return "mqtt://" + m.addr }

func (m *mosquitto) start(t testing.TB) {
	t.Helper()
	m.cmd = exec.Command(m.bin, "-c", m.conf)
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Bounded poll of an outside process: until it accepts.
	deadline := time.Now().Add(waitLimit)
	for {
		c, err := net.DialTimeout("tcp", m.addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("mosquitto does not listen on %s: %v", m.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (m *mosquitto) stop() {
	if m.cmd != nil && m.cmd.Process != nil {
		m.cmd.Process.Kill()
		m.cmd.Wait()
		m.cmd = nil
	}
}

func TestMosquittoSubSeesRetainedHomieTopics(t *testing.T) {
	m := startMosquitto(t)
	startDevice(t, m.url(), "dev", newGroup(t, "blink", "world_task"))
	_, port, _ := net.SplitHostPort(m.addr)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	out, err := exec.CommandContext(ctx, "mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-v", "-t", "homie/5/#",
		"--retained-only", "-W", "1").Output()
	if len(out) == 0 {
		t.Fatalf("mosquitto_sub printed nothing: %v", err) // -W ends it with status 27: expected
	}
	got := string(out)
	for _, want := range []string{"homie/5/dev/$state ready\n", "homie/5/dev/$description {", "homie/5/dev/blink/state running\n",
		"homie/5/dev/world-task/state running\n", "homie/5/dev/world-task/restarts 0\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("mosquitto_sub output lacks %q:\n%s", want, got)
		}
	}
}

func TestMosquittoPubActionRestartsTask(t *testing.T) {
	m := startMosquitto(t)
	g := newGroup(t, "blink")
	startDevice(t, m.url(), "dev", g)
	events := make(chan aioctl.Event, 16)
	defer g.Watch(func(e aioctl.Event) { events <- e })()
	_, port, _ := net.SplitHostPort(m.addr)
	if out, err := exec.Command("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t", "homie/5/dev/blink/action/set", "-m", "restart").CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_pub: %v\n%s", err, out)
	}
	var seen []string
	for {
		select {
		case e := <-events:
			seen = append(seen, fmt.Sprintf("%s→%s(%s)", e.From, e.To, e.Cause))
			if e.To == aioctl.Running && e.Cause == aioctl.CauseUser {
				return // stopped, then started again: restarted
			}
		case <-time.After(waitLimit):
			t.Fatalf("blink was not restarted; events %v", seen)
		}
	}
}

func TestMosquittoRequestReplyWillAndRestart(t *testing.T) {
	m := startMosquitto(t)
	d, _ := startDevice(t, m.url(), "dev", newGroup(t, "blink"))
	c := dial(t, m.url())
	if r := execOne(t, c, "dev", "is-active", "blink"); !r.OK || !strings.Contains(r.Text, "active") {
		t.Fatalf("request over mosquitto: %+v", r)
	}
	s := sniff(t, m.url(), "homie/5/dev/$state")
	s.waitFor(t, "homie/5/dev/$state", "ready")
	d.cm.Load().TerminateConnectionForTest()
	s.waitFor(t, "homie/5/dev/$state", "lost")
	s.waitFor(t, "homie/5/dev/$state", "ready")
	// A restart of mosquitto (without persistence: retained state gone).
	m.stop()
	m.start(t)
	s2 := sniff(t, m.url(), "homie/5/dev/#")
	s2.waitFor(t, "homie/5/dev/blink/state", "running")
}
