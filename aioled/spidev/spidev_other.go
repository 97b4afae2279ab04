//go:build !linux

package spidev

import (
	"errors"

	"github.com/aiotools-go/aiotools/aioled"
)

// ErrFrameTooLarge: a frame is larger than spidev sends in one transfer.
var ErrFrameTooLarge = errors.New("frame larger than spidev's bufsiz")

// Device is a strip on an SPI port; spidev exists on Linux only.
type Device struct{}

// Open fails: spidev exists on Linux only.
func Open(path string, chip Chip, n int) (*Device, error) {
	return nil, errors.ErrUnsupported
}

// Write fails: spidev exists on Linux only.
func (d *Device) Write(frame []aioled.Color) error { return errors.ErrUnsupported }

// Close does nothing.
func (d *Device) Close() error { return nil }
