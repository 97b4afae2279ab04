package aioservice

import (
	"context"
	"testing"
)

// TestSetDefaultReplacesTheDefaultRegistry: the package-level Register and
// NewManager(g, nil) use whatever registry SetDefault installed, so the
// default is no global a user cannot replace.
func TestSetDefaultReplacesTheDefaultRegistry(t *testing.T) {
	old := Default()
	defer SetDefault(old)
	fresh := NewRegistry()
	SetDefault(fresh)
	if Default() != fresh {
		t.Fatal("Default() is not the registry SetDefault installed")
	}
	svc := Define("fresh", func(ctx context.Context, _ struct{}) (int, error) { return 0, nil }, struct{}{})
	if err := Register(svc); err != nil {
		t.Fatal(err)
	}
	if _, ok := fresh.services["fresh"]; !ok {
		t.Error("Register did not add to the installed default")
	}
	if _, ok := old.services["fresh"]; ok {
		t.Error("Register added to the old default")
	}
}
