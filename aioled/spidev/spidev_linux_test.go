//go:build linux

package spidev

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenRefusesWhatIsNotSpidev: a file that is not an SPI device fails
// at its first ioctl, named; a frame beyond bufsiz fails before opening.
func TestOpenRefusesWhatIsNotSpidev(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spidev0.0")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path, WS2812, 10)
	var pe *os.PathError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "set SPI mode") || pe.Path != path {
		t.Errorf("got %v, want a PathError about the SPI mode", err)
	}
	if _, err := Open(path, WS2812, 100000); err == nil || !strings.Contains(err.Error(), "bufsiz") {
		t.Errorf("100000 pixels: %v", err)
	}
}
