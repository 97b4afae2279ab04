package aioservice

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/internal/termsafe"
)

var hostileTexts = []string{"\x1b]0;PWNED\x07\x1b[2J", "\u009b2J\u202eevil\u2066", "a\x00\x7f\r\xff", "x\n[ OK ] forged"}

// TestServiceOutputIsEscaped: the boot output, the services list, the
// load status lines, config errors naming a service and the watcher's
// report print untrusted strings (info, source, errors, names from the
// config file) escaped, one line per entry.
func TestServiceOutputIsEscaped(t *testing.T) {
	for _, h := range hostileTexts {
		check := func(what, s string, lines int) {
			t.Helper()
			if i := termsafe.FirstUnsafe(s, true); i >= 0 {
				t.Errorf("%s, %q: unescaped byte %#x at %d in %q", what, h, s[i], i, s)
			}
			if lines >= 0 && strings.Count(s, "\n") != lines {
				t.Errorf("%s, %q: want %d lines, got %q", what, h, lines, s)
			}
		}
		g := aioctl.NewGroup()
		reg := NewRegistry()
		reg.MustRegister(Define("evil", waitCtx, helloArgs{}, WithInfo(h), WithSource(h)))
		reg.MustRegister(Define("loadfail", waitCtx, helloArgs{}, WithSource(h),
			WithOnLoad(func(context.Context, helloArgs) error { return errors.New(h) })))
		reg.MustRegister(Define("once", func(context.Context, helloArgs) (string, error) { return h, nil }, helloArgs{}, WithType(Core)))
		var out strings.Builder
		m := NewManager(g, reg, WithOutput(&out))
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		m.Up(ctx) // loadfail fails
		check("boot output", out.String(), -1)
		var list strings.Builder
		m.WriteList(&list)
		check("services list", list.String(), 4) // the header row and 3 services
		var ls strings.Builder
		ls.WriteString(strings.Join(m.LoadStatus(), "\n") + "\n")
		check("load status", ls.String(), 3)
		m.Close(ctx)
		g.Close(ctx)
		cancel()

		key, _ := json.Marshal(h)
		if _, err := ParseConfig(h+"/services.config", []byte(`{`+string(key)+`: {}}`), nil); err == nil {
			t.Errorf("%q: a hostile service name in the config is accepted", h)
		} else {
			check("config error", err.Error(), 0)
		}

		w := NewWatcher()
		w.count(h, errors.New(h), time.Now())
		var rep strings.Builder
		w.Report(&rep)
		check("watcher report", rep.String(), -1)
	}
}
