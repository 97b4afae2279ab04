package aioservice

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/clock"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s--- want\n%s", name, got, want)
	}
}

func TestStatusGolden(t *testing.T) {
	fc := clock.NewFake(time.Date(2015, 1, 1, 0, 35, 0, 0, time.UTC))
	g := quietGroup(aioctl.WithClock(fc), aioctl.WithGroupName("demo"))
	r := NewRegistry()
	r.MustRegister(Define("hello", waitCtx, helloArgs{Pin: 3, Sleep: Duration(10 * time.Second)},
		WithInfo("Hello example runner v1.0"), WithSource("services/hello.go"),
		WithDocs("https://github.com/Carglglz/mpy-aiotools/blob/main/README.md"),
		WithShow(func() (string, string) { return "Stats", "Temp: 25.79 C   Loop info: exec time: 5 ms; # loops: 186" })))
	r.MustRegister(Define("network", func(context.Context, struct{}) (string, error) { return "WLAN: ENABLED", nil }, struct{}{},
		WithType(Core), WithInfo("Network up"), WithSource("services/network.go")))
	r.MustRegister(Define("sensor", func(context.Context, struct{}) (string, error) { return "", errors.New("no sensor on the bus") }, struct{}{},
		WithType(Core), WithSource("services/sensor.go"), WithAfter("network")))
	r.MustRegister(Define("time", nothing, struct{}{}, WithType(Core), WithRequires("network", "sensor"), WithSource("services/time.go")))
	r.MustRegister(Define("dofail", nothing, struct{}{}, WithSource("services/dofail.go"),
		WithOnLoad(func(context.Context, struct{}) error { return errors.New("division by zero") })))
	out := &syncBuffer{}
	m := NewManager(g, r, WithOutput(out))
	m.LoadAll(t.Context(), false)
	m.Boot(t.Context())
	m.Init(t.Context())
	golden(t, "boot.golden", out.String())

	fc.Advance(2*time.Minute + 31*time.Second)
	for _, debug := range []bool{false, true} {
		sts, _ := g.Snapshot(aioctl.SnapshotOptions{Debug: debug})
		var b strings.Builder
		aioctl.Render(&b, sts, aioctl.RenderOptions{Debug: debug, Now: fc.Now(), Location: time.UTC})
		name := "status.golden"
		if debug {
			name = "status_debug.golden"
		}
		golden(t, name, b.String())
	}
	var b strings.Builder
	m.WriteList(&b)
	golden(t, "list.golden", b.String())
	m.Close(t.Context())
}
