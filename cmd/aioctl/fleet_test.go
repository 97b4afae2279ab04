package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/aiomqtt/broker"
	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/api"
	"github.com/aiotools-go/aiotools/internal/fleettest"
)

// startFleet runs an embedded broker and n devices demo-1…demo-n, each
// with a task "blink", until the test ends; it returns the broker's URL.
func startFleet(t testing.TB, n int) string {
	t.Helper()
	url := fleettest.Broker(t)
	fleettest.Start(t, url, "demo-", n)
	return url
}

func aioctlRun(args ...string) (stdout, stderr string, code int) {
	var out, errs strings.Builder
	code = run(args, strings.NewReader(""), &out, &errs)
	return out.String(), errs.String(), code
}

func TestFleetLsListsDevices(t *testing.T) {
	url := startFleet(t, 2)
	out, errs, code := aioctlRun("--broker", url, "fleet", "ls")
	if code != 0 || !strings.Contains(out, "DEVICE") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	i1, i2 := strings.Index(out, "demo-1"), strings.Index(out, "demo-2")
	if i1 < 0 || i2 < i1 || strings.Count(out, "ONLINE") != 2 || !strings.Contains(out, "running 1") {
		t.Errorf("fleet ls:\n%s", out)
	}
	t.Setenv("AIOTOOLS_BROKER", url) // the environment instead of the flag
	out, errs, code = aioctlRun("-o", "json", "fleet", "ls")
	var devs []struct {
		ID, Status string
		Tasks      map[string]int
		Stats      *api.Stats // the device's stats document, as `aioctl stats -o json` has it
	}
	if err := json.Unmarshal([]byte(out), &devs); err != nil || code != 0 || len(devs) != 2 || devs[1].ID != "demo-2" || devs[1].Tasks["running"] != 1 {
		t.Fatalf("fleet ls -o json: exit %d, %v\n%s\n%s", code, err, out, errs)
	}
	if st := devs[1].Stats; st == nil || st.Goroutines == 0 || st.Memory.Sys == 0 || st.Tasks["blink"].Status != "running" || st.Log == nil {
		t.Errorf("fleet ls -o json: no stats document for demo-2\n%s", out)
	}
}

func TestDeviceVerbAnswersGroupedPerDevice(t *testing.T) {
	url := startFleet(t, 3)
	out, errs, code := aioctlRun("--broker", url, "--device", "demo-*", "is-active", "blink")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	a, b, c := strings.Index(out, "== demo-1 =="), strings.Index(out, "== demo-2 =="), strings.Index(out, "== demo-3 ==")
	if a < 0 || b < a || c < b || strings.Count(out, "active") != 3 {
		t.Errorf("answers not grouped in device order:\n%s", out)
	}
	// A verb that fails on the device: its exit status.
	out, errs, code = aioctlRun("--broker", url, "--device", "demo-2", "stop", "nosuch")
	if code != 4 || !strings.Contains(errs, "demo-2") {
		t.Errorf("stop nosuch: exit %d, want 4\n%s\n%s", code, out, errs)
	}
	// A device that says it is ready but does not answer (a stale
	// retained $state): named, exit 1. One unknown to the broker fails at
	// once (TestFleetDeviceNotOnline).
	publishRetained(t, url, map[string]string{"homie/5/ghost/$state": "ready"})
	out, errs, code = aioctlRun("--broker", url, "--device", "ghost", "--fleet-timeout", "300ms", "is-active", "blink")
	if code != 1 || !strings.Contains(errs, "no answer") || !strings.Contains(errs, "ghost") {
		t.Errorf("ghost: exit %d\n%s\n%s", code, out, errs)
	}
	// -o json: one object per device.
	out, _, code = aioctlRun("--broker", url, "--device", "demo-*", "-o", "json", "is-active", "blink")
	var all []struct {
		Device string
		Answer struct{ OK bool }
	}
	if err := json.Unmarshal([]byte(out), &all); err != nil || code != 0 || len(all) != 3 || !all[2].Answer.OK {
		t.Errorf("json: exit %d %v\n%s", code, err, out)
	}
}

func TestFleetNeedsABroker(t *testing.T) {
	t.Setenv("AIOTOOLS_BROKER", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	_, errs, code := aioctlRun("fleet", "ls")
	if code != 2 || !strings.Contains(errs, "--broker") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// A fleet.json aioctl cannot use says where, as the services config's
// errors do (exit 2): an unknown key was ignored, a truncated file said
// "unexpected end of JSON input" with no file or place.
func TestFleetSettingsFileErrorsSayWhere(t *testing.T) {
	t.Setenv("AIOTOOLS_BROKER", "")
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	file := filepath.Join(cfg, "aiotools", "fleet.json")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"{\n  \"broker\": \"mqtt://127.0.0.1:1\",\n  \"passwrd_file\": \"pw\"\n}\n": file + `:3:3: passwrd_file: unknown key: did you mean "password_file"?`,
		"{\n  \"broker\": \"mqtt://127.0.0.1:1\",\n":                                file + ":3:1: invalid JSON: unexpected end of the file",
	} {
		if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"fleet", "ls"}, {"--broker", "mqtt://127.0.0.1:1", "--device", "d", "status"}} {
			_, errs, code := aioctlRun(args...)
			if code != 2 || !strings.Contains(errs, want) {
				t.Errorf("%q, aioctl %q: exit %d, want 2 and %q\n%s", text, args, code, want, errs)
			}
		}
	}
}

// BenchmarkFleetStatus100: `aioctl --broker URL --device '*' status`
// across 100 devices, the whole command (connect, list, ask, print), in
// process.
func BenchmarkFleetStatus100(b *testing.B) {
	url := startFleet(b, 100)
	for b.Loop() {
		out, errs, code := aioctlRun("--broker", url, "--device", "*", "status")
		if code != 0 || strings.Count(out, "== demo-") != 100 {
			b.Fatalf("exit %d: %d answers\n%s", code, strings.Count(out, "== demo-"), errs)
		}
	}
}

func TestFleetLogPrefixesDevices(t *testing.T) {
	url := startFleet(t, 2)
	out, errs, code := aioctlRun("--broker", url, "fleet", "log", "hello")
	if code != 0 || !strings.Contains(out, "hello from demo-1") || !strings.Contains(out, "hello from demo-2") {
		t.Fatalf("fleet log: exit %d\n%s\n%s", code, out, errs)
	}
}

// TestFleetLogFollow runs the binary: `fleet log -f` runs until Ctrl-C.
func TestFleetLogFollow(t *testing.T) {
	url := startFleet(t, 2)
	followFleet(t, []string{"--broker", url, "fleet", "log", "-f", "hello"}, "demo-1", "demo-2")
}

// TestFleetDeviceLogFollow: `--device ID log -f`, the verb as typed
// without fleet mode, follows that device's log (it was refused as a
// stream that does not run over MQTT).
func TestFleetDeviceLogFollow(t *testing.T) {
	url := startFleet(t, 2)
	followFleet(t, []string{"--broker", url, "--device", "demo-2", "log", "-f", "hello"}, "demo-2")
}

// followFleet runs the aioctl binary with args until it printed a line
// "DEV: … hello from DEV" for each of devices, then stops it with Ctrl-C.
func followFleet(t *testing.T, args []string, devices ...string) {
	t.Helper()
	cmd := exec.Command(buildAioctl(t), args...)
	stdout, _ := cmd.StdoutPipe()
	var errs strings.Builder
	cmd.Stderr = &errs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	kill := time.AfterFunc(20*time.Second, func() { cmd.Process.Kill() }) // bounded, whatever happens
	defer kill.Stop()
	seen := map[string]bool{}
	sc := bufio.NewScanner(stdout)
	for len(seen) < len(devices) && sc.Scan() {
		for _, d := range devices {
			if strings.HasPrefix(sc.Text(), d+": ") && strings.Contains(sc.Text(), "hello from "+d) {
				seen[d] = true
			}
		}
	}
	if len(seen) < len(devices) {
		t.Fatalf("saw %v; stderr %s", seen, errs.String())
	}
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Errorf("after Ctrl-C: %v; stderr %s", err, errs.String())
	}
}

// publishRetained publishes each topic's payload retained on the broker
// at url, as some other client would.
func publishRetained(t *testing.T, url string, msgs map[string]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u, _ := neturl.Parse(url)
	cm, err := autopaho.NewConnection(ctx, autopaho.ClientConfig{ServerUrls: []*neturl.URL{u}, KeepAlive: 30,
		ClientConfig: paho.ClientConfig{ClientID: "publisher"}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cm.Disconnect(context.Background()); <-cm.Done() }()
	if err := cm.AwaitConnection(ctx); err != nil {
		t.Fatal(err)
	}
	for topic, v := range msgs {
		if _, err := cm.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Retain: true, Payload: []byte(v)}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFleetLsUptimeIsNow: UPTIME is how long an online device has been
// up now, not its uptime in its last stats (0s for the first 30 s of
// every demo); a device that is not online has none.
func TestFleetLsUptimeIsNow(t *testing.T) {
	url := startFleet(t, 0)
	sent := time.Now().Add(-90 * time.Second).UTC().Format(time.RFC3339Nano)
	publishRetained(t, url, map[string]string{
		"homie/5/old-1/$state": "ready", "aiotools/old-1/stats": `{"time": "` + sent + `", "uptime_s": 10}`,
		"homie/5/old-2/$state": "lost", "aiotools/old-2/stats": `{"time": "` + sent + `", "uptime_s": 10}`,
	})
	out, errs, code := aioctlRun("--broker", url, "fleet", "ls")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		switch {
		case f[0] == "old-1" && !strings.HasPrefix(f[4], "1m4"): // DEVICE STATE 1m30s ago UPTIME
			t.Errorf("online device up for 100 s shows uptime %q:\n%s", f[4], out)
		case f[0] == "old-2" && f[4] != "-":
			t.Errorf("lost device shows uptime %q:\n%s", f[4], out)
		}
	}
}

// TestFleetPrintsNothingRaw: ids and states come from whoever can publish
// on the broker; escapes in them never reach the terminal.
func TestFleetPrintsNothingRaw(t *testing.T) {
	url := startFleet(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u, _ := neturl.Parse(url)
	cm, err := autopaho.NewConnection(ctx, autopaho.ClientConfig{ServerUrls: []*neturl.URL{u}, KeepAlive: 30,
		ClientConfig: paho.ClientConfig{ClientID: "hostile"}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cm.Disconnect(context.Background()); <-cm.Done() }()
	if err := cm.AwaitConnection(ctx); err != nil {
		t.Fatal(err)
	}
	for topic, v := range map[string]string{
		"homie/5/evil\x1b[2J/$state":         "ready\x1b]0;pwned\a",
		"homie/5/evil\x1b[2J/n/state":        "running\x1b[31m",
		"aiotools/evil\x1b[2J/stats":         `{"time": "2026-01-01T00:00:00Z"}`,
		"homie/5/demo-1/blink\u009b2J/state": "x\u202e",
	} {
		if _, err := cm.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Retain: true, Payload: []byte(v)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"fleet", "ls"}, {"-o", "json", "fleet", "ls"}} {
		out, errs, _ := aioctlRun(append([]string{"--broker", url}, args...)...)
		if strings.ContainsAny(out+errs, "\x1b\a\u009b\u202e") {
			t.Errorf("%v printed a raw control: %q", args, out+errs)
		}
		if !strings.Contains(out, "evil") {
			t.Errorf("%v: the hostile device is not listed (escaped): %q", args, out)
		}
	}
}

// TestFleetDeviceNotOnline: a --device that names no online device is an
// error at once saying what the broker knows (nothing, LOST, OFFLINE), not
// "no answer within 5s" after the timeout; a bad pattern says so.
func TestFleetDeviceNotOnline(t *testing.T) {
	url := startFleet(t, 1)
	publishRetained(t, url, map[string]string{"homie/5/gone-1/$state": "lost", "homie/5/gone-2/$state": "disconnected"})
	for _, c := range []struct {
		device, want string
		code         int
	}{
		{"nosuch", `no device "nosuch" on this broker`, 4},
		{"gone-1", "no online device: gone-1 LOST", 4},
		{"gone-*", "no online device: gone-1 LOST, gone-2 OFFLINE", 4},
		{"zz*", `no device matches "zz*"`, 4},
		{"[", `--device "[": bad pattern`, 2},
	} {
		start := time.Now()
		_, errs, code := aioctlRun("--broker", url, "--fleet-timeout", "30s", "--device", c.device, "status")
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("--device %s: exit %d, stderr %q; want %d and %q", c.device, code, errs, c.code, c.want)
		}
		if time.Since(start) > 20*time.Second {
			t.Errorf("--device %s: waited for the timeout", c.device)
		}
	}
	if out, errs, code := aioctlRun("--broker", url, "--device", "demo-1", "status"); code != 0 || !strings.Contains(out, "blink") {
		t.Errorf("--device demo-1 status: exit %d\n%s\n%s", code, out, errs)
	}
}

// TestFleetLogFollowSaysBrokerLost: `fleet log -f` says on stderr that
// the broker went away and that it is back (it went silent, for good).
func TestFleetLogFollowSaysBrokerLost(t *testing.T) {
	b, err := broker.Start("127.0.0.1:0", nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := b.Addr()
	fleettest.Start(t, b.URL(), "demo-", 1)
	cmd := exec.Command(buildAioctl(t), "--broker", b.URL(), "fleet", "log", "-f")
	stderr, _ := cmd.StderrPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	kill := time.AfterFunc(20*time.Second, func() { cmd.Process.Kill() }) // bounded, whatever happens
	defer kill.Stop()
	out := bufio.NewScanner(stdout)
	if !out.Scan() { // following: the device's first line came
		t.Fatal("no log line")
	}
	go io.Copy(io.Discard, stdout)
	sc := bufio.NewScanner(stderr)
	var b2 *broker.Broker
	b.Close()
	for _, want := range []string{"connection to the broker lost", "back on the broker"} {
		found := false
		for !found && sc.Scan() {
			found = strings.Contains(sc.Text(), want)
		}
		if !found {
			t.Fatalf("stderr never said %q", want)
		}
		if b2 == nil {
			if b2, err = broker.Start(addr, nil); err != nil {
				t.Fatal(err)
			}
			defer b2.Close()
		}
	}
}

// TestFleetLogLinesAfterDeviceID: `fleet log` (without -f) prints each
// line after its device's id, as its help and -f do, so that a grep of
// it still says which device a line came from.
func TestFleetLogLinesAfterDeviceID(t *testing.T) {
	url := startFleet(t, 2)
	out, errs, code := aioctlRun("--broker", url, "fleet", "log", "hello")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, d := range []string{"demo-1", "demo-2"} {
		found := false
		for line := range strings.Lines(out) {
			found = found || strings.HasPrefix(line, d+": ") && strings.Contains(line, "hello from "+d)
		}
		if !found {
			t.Errorf("no line %q:\n%s", d+": … hello from "+d, out)
		}
	}
	if strings.Contains(out, "==") {
		t.Errorf("headers instead of prefixes:\n%s", out)
	}
}

type blinkRateArgs struct {
	Every string `arg:"EVERY" help:"how often the LED toggles"`
}

// TestDeviceForwardsWordsAioctlDoesNotKnow: `--device ID WORDS…` sends
// any words to the devices, so a verb a device's program registered (the
// demo's blink-rate), which this binary was built without, runs there;
// words no device knows get the device's own usage error, per device.
func TestDeviceForwardsWordsAioctlDoesNotKnow(t *testing.T) {
	url := fleettest.Broker(t)
	for _, d := range fleettest.Start(t, url, "demo-", 2) {
		err := d.Interp.Register(control.UserVerb{Name: "blink-rate", Summary: "set how often blink toggles",
			Run: control.Func(func(_ context.Context, a blinkRateArgs) (string, error) { return "every " + a.Every, nil })})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		args        []string
		out, errOut string
		exit        int
	}{
		{[]string{"--device", "demo-*", "blink-rate", "2s"}, "== demo-1 ==\nevery 2s\n== demo-2 ==\nevery 2s\n", "", 0},
		{[]string{"--device", "demo-1", "blink-rate"}, "", "demo-1: blink-rate: takes 1 argument, got 0; usage: blink-rate EVERY", 2},
		{[]string{"--device", "demo-1", "blink-ratee", "2s"}, "", `demo-1: unknown verb "blink-ratee": did you mean "blink-rate"?`, 2},
		{[]string{"--device", "demo-1", "frobnicate"}, "", `demo-1: unknown verb "frobnicate"`, 2},
		// aioctl parses flags before it sends anything: after --, words
		// that look like flags go to the device as typed too.
		{[]string{"--device", "demo-1", "blink-rate", "--fast"}, "", "unknown flag: --fast\nwords after -- go to the program as typed: aioctl --device ID -- VERB --flag", 2},
		{[]string{"--device", "demo-1", "--", "blink-rate", "--fast"}, "every --fast\n", "", 0},
		{[]string{"--device", "demo-1", "schedule", "frob"}, "", `demo-1: unknown verb "schedule frob"`, 2},
	} {
		out, errOut, code := aioctlRun(append([]string{"--broker", url}, c.args...)...)
		if !strings.Contains(out, c.out) || !strings.Contains(errOut, c.errOut) || code != c.exit {
			t.Errorf("aioctl %q: exit %d\nstdout: %q\nstderr: %q\nwant exit %d, %q, %q", c.args, code, out, errOut, c.exit, c.out, c.errOut)
		}
	}
}

// With --device, help X is the device's: its own verbs, its kinds (help
// add) and its did-you-mean. aioctl answered from its built-in table, or
// from a program on the local socket: no kinds, a device's verb unknown,
// help nosuch the whole help with exit 0.
func TestDeviceHelpIsTheDevices(t *testing.T) {
	t.Setenv("AIOCTL_SOCKET", t.TempDir()+"/none.sock") // no local program to answer instead
	url := fleettest.Broker(t)
	for _, d := range fleettest.Start(t, url, "demo-", 1) {
		err := d.Interp.Register(control.UserVerb{Name: "blink-rate", Summary: "set how often blink toggles",
			Run: control.Func(func(_ context.Context, a blinkRateArgs) (string, error) { return "every " + a.Every, nil })})
		if err != nil {
			t.Fatal(err)
		}
		if err := aioctl.Register(d.Group, "led", func(ctx context.Context, a pinArgs) (int, error) { return a.Pin, nil }, pinArgs{Pin: 7}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		args        []string
		out, errOut string
		exit        int
	}{
		{[]string{"help", "blink-rate"}, "usage: blink-rate EVERY\n  set how often blink toggles", "", 0},
		{[]string{"help", "add"}, "    led pin int = 7\n", "", 0},
		{[]string{"help", "blink-ratee"}, "", `demo-1: help: unknown verb "blink-ratee"`, 2},
		{[]string{"help", "status"}, "usage: status [--debug] [--lines N] [PATTERN...] [debug]", "", 0},
	} {
		out, errOut, code := aioctlRun(append([]string{"--broker", url, "--device", "demo-1"}, c.args...)...)
		if !strings.Contains(out, c.out) || !strings.Contains(errOut, c.errOut) || code != c.exit {
			t.Errorf("aioctl --device demo-1 %q: exit %d\nstdout: %q\nstderr: %q\nwant exit %d, %q, %q", c.args, code, out, errOut, c.exit, c.out, c.errOut)
		}
	}
}

// An empty --device (a variable that was not set: --device "$DEV") is a
// usage error; it ran the verb on the local program instead, as if no
// --device had been given.
func TestDeviceEmptyIsAUsageError(t *testing.T) {
	p := startProgram(t, control.Config{})
	t.Setenv("AIOCTL_SOCKET", p.sock) // a local program that must not answer
	for _, args := range [][]string{{"--device", "", "status"}, {"--device=", "stop", "*"}, {"--device", "", "fleet", "ls"}} {
		out, errOut, code := aioctlRun(args...)
		if code != 2 || out != "" || !strings.Contains(errOut, "--device: empty") {
			t.Errorf("aioctl %q: exit %d\nstdout: %q\nstderr: %q\nwant exit 2 and --device: empty", args, code, out, errOut)
		}
	}
}

// A follow every device refuses (a bad flag value: the device's usage
// error) ends with that error and its exit status; it printed the error
// and then waited for lines that could not come, until Ctrl-C.
func TestDeviceFollowRefusedEnds(t *testing.T) {
	url := startFleet(t, 2)
	for _, args := range [][]string{{"--device", "demo-1", "log", "-f", "-n", "abc"}, {"--device", "demo-*", "log", "-f", "-n", "abc"}} {
		type result struct {
			out, errOut string
			code        int
		}
		done := make(chan result, 1)
		go func() {
			out, errOut, code := aioctlRun(append([]string{"--broker", url}, args...)...)
			done <- result{out, errOut, code}
		}()
		select {
		case r := <-done:
			if r.code != 2 || !strings.Contains(r.errOut, `demo-1: log: --lines: want a count of 0 or more, got "abc"`) {
				t.Errorf("aioctl %q: exit %d\nstdout: %q\nstderr: %q\nwant exit 2 and the device's error", args, r.code, r.out, r.errOut)
			}
		case <-time.After(20 * time.Second): // bounds a hang, synchronises nothing
			t.Fatalf("aioctl %q: still following after the devices refused it", args)
		}
	}
}
