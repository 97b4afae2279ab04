package aioservice

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
)

type helloArgs struct {
	Pin   int      `json:"pin"`
	Sleep Duration `json:"sleep"`
	Name  string   `json:"name,omitempty"`
}

func waitCtx(ctx context.Context, _ helloArgs) (int, error) {
	<-ctx.Done()
	return 0, ctx.Err()
}

func nothing(ctx context.Context, _ struct{}) (string, error) { return "", nil }

// testRegistry has hello (runtime), world (schedule), network and time
// (core, time requires network).
func testRegistry() *Registry {
	r := NewRegistry()
	r.MustRegister(Define("hello", waitCtx, helloArgs{Pin: 2, Sleep: Duration(5 * time.Second)}, WithInfo("Hello example runner v1.0")))
	r.MustRegister(Define("world", nothing, struct{}{}, WithType(Schedule), WithSchedule(`{"start_in": 20, "repeat": 90}`)))
	r.MustRegister(Define("network", nothing, struct{}{}, WithType(Core)))
	r.MustRegister(Define("time", nothing, struct{}{}, WithType(Core), WithRequires("network")))
	return r
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Lines() []string {
	return strings.Split(strings.TrimRight(s.String(), "\n"), "\n")
}

func noEnv(string) (string, bool) { return "", false }

func writeFile(t interface {
	Helper()
	Fatal(...any)
}, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// quietGroup is a group whose tasks log nowhere.
func quietGroup(opts ...aioctl.GroupOption) *aioctl.Group {
	return aioctl.NewGroup(append([]aioctl.GroupOption{aioctl.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
}
