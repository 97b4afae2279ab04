package aioctl

import (
	"context"
	"io"
	"sync/atomic"
)

var defaultGroup atomic.Pointer[Group]

func init() { defaultGroup.Store(NewGroup()) }

// Default returns the default group, which the package-level functions use.
func Default() *Group { return defaultGroup.Load() }

// SetDefault makes g the default group.
func SetDefault(g *Group) { defaultGroup.Store(g) }

// Start starts the matching tasks of the default group; see Group.Start.
func Start(patterns ...string) ([]string, error) { return Default().Start(patterns...) }

// Stop stops the matching tasks of the default group; see Group.Stop.
func Stop(ctx context.Context, patterns ...string) ([]string, error) {
	return Default().Stop(ctx, patterns...)
}

// Delete stops and removes the matching tasks of the default group; see Group.Delete.
func Delete(ctx context.Context, patterns ...string) ([]string, error) {
	return Default().Delete(ctx, patterns...)
}

// Status returns a snapshot of the default group; see Group.Status.
func Status(patterns ...string) ([]TaskStatus, error) { return Default().Status(patterns...) }

// WriteStatus renders the default group's status; see Group.WriteStatus.
func WriteStatus(w io.Writer, color bool, patterns ...string) error {
	return Default().WriteStatus(w, color, patterns...)
}

// Wait waits for the default group's tasks; see Group.Wait.
func Wait(ctx context.Context) error { return Default().Wait(ctx) }
