//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/control"
	"github.com/aiotools-go/aiotools/control/client"
)

// SIGHUP re-reads the config (`kill -HUP`, as under systemd) whether
// NOTIFY_SOCKET is set or not: a service added to the file is loaded (as
// systemctl daemon-reload; "services boot" starts it), a
// file made invalid is reported and the good config kept; the program
// goes on. Before, without systemd, SIGHUP's default action killed it on
// the spot: no shutdown, a stale socket left behind.
func TestRunReloadsOnSIGHUPWithoutSystemd(t *testing.T) {
	bin := buildAiotools(t)
	dir := privateDir(t)
	cfg := filepath.Join(dir, "services.config")
	write := func(text string) {
		if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"first": {"exec": {"argv": ["sleep", "60"]}}, "watcher": {"enabled": false}}`)
	sock := filepath.Join(dir, "s.sock")
	out, err := os.Create(filepath.Join(dir, "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "run", "-c", cfg, "-socket", sock, "-error-log", "off")
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-done
	})
	status := func(name string) (string, error) {
		c, err := client.New(client.Options{Socket: sock})
		if err != nil {
			return "", err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res, err := c.ExecLine(ctx, "status "+name, control.Options{})
		if err != nil {
			return "", err
		}
		return res.Text, nil
	}
	// state is a check that name's status shows it in state.
	state := func(name, state string) func() error {
		return func() error {
			select {
			case err := <-done:
				done <- err
				return errors.New("aiotools run ended: " + fmt.Sprint(err))
			default:
			}
			text, err := status(name)
			if err != nil {
				return err
			}
			if !strings.Contains(text, "status: "+state) {
				return errors.New(text)
			}
			return nil
		}
	}
	pollUntil(t, 20*time.Second, "first.service running", state("first.service", "running"))

	write(`{"first": {"exec": {"argv": ["sleep", "60"]}}, "second": {"exec": {"argv": ["sleep", "60"]}}, "watcher": {"enabled": false}}`)
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, 20*time.Second, "second.service loaded after SIGHUP", state("second.service", "loaded"))

	write(`{"first": {"exec": {"argv": 5}}}`)
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, 20*time.Second, "the bad config reported", func() error {
		b, _ := os.ReadFile(out.Name())
		if !strings.Contains(string(b), "reload: "+cfg+":1:") {
			return errors.New(string(b))
		}
		return nil
	})
	if err := state("first.service", "running")(); err != nil {
		t.Fatalf("after a bad config: %v", err)
	}
}

// The demo's terminal closing (SIGHUP) stops it as Ctrl-C does: its
// services in reverse boot order, "all tasks stopped", exit 0, its socket
// removed. Before, SIGHUP's default action ended it on the spot.
func TestDemoStopsOnSIGHUP(t *testing.T) {
	bin := buildAiotools(t)
	dir := privateDir(t)
	sock := filepath.Join(dir, "demo.sock")
	out, err := os.Create(filepath.Join(dir, "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(bin, "demo", "-every", "1h", "-socket", sock, "-web", "off", "-error-log", "off")
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	pollUntil(t, 20*time.Second, "the demo's socket answers", func() error {
		c, err := client.New(client.Options{Socket: sock})
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err = c.ExecLine(ctx, "status blink", control.Options{})
		return err
	})
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		b, _ := os.ReadFile(out.Name())
		if err != nil || !strings.HasSuffix(string(b), "all tasks stopped\n") {
			t.Fatalf("after SIGHUP: %v\n%s", err, b)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("the demo did not stop on SIGHUP")
	}
	if _, err := os.Stat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket left behind: %v", err)
	}
}
