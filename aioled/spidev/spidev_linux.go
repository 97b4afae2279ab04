//go:build linux

package spidev

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"github.com/aiotools-go/aiotools/aioled"
	"golang.org/x/sys/unix"
)

// The spidev ioctls (linux/spi/spidev.h): _IOW('k', nr, size).
const (
	spiIOCWrMode        = 0x40016b01 // __u8
	spiIOCWrBitsPerWord = 0x40016b03 // __u8
	spiIOCWrMaxSpeedHz  = 0x40046b04 // __u32
)

// ErrFrameTooLarge: a frame is larger than spidev sends in one transfer.
var ErrFrameTooLarge = errors.New("frame larger than spidev's bufsiz (raise spidev.bufsiz on the kernel command line)")

// Device is a strip on an SPI port: an aioled.Driver.
type Device struct {
	f   *os.File
	enc *Encoder
	n   int
}

// Open opens the SPI device at path (/dev/spidev0.0) for a strip of n
// pixels of chip, in SPI mode 0, 8 bits a word, at the chip's speed. It
// refuses a frame larger than the driver's bufsiz.
func Open(path string, chip Chip, n int) (*Device, error) {
	enc, err := NewEncoder(chip)
	if err != nil {
		return nil, err
	}
	if size, limit := enc.Len(n), bufsiz(); size > limit {
		return nil, &os.PathError{Op: "open", Path: path, Err: errors.New(strconv.Itoa(n) + " " + chip.Name + " pixels make " +
			strconv.Itoa(size) + "-byte frames, above bufsiz " + strconv.Itoa(limit) + ": " + ErrFrameTooLarge.Error())}
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	mode, bits, speed := uint8(0), uint8(8), chip.SpeedHz
	for _, s := range []struct {
		req uintptr
		p   unsafe.Pointer
		n   string
	}{{spiIOCWrMode, unsafe.Pointer(&mode), "mode"}, {spiIOCWrBitsPerWord, unsafe.Pointer(&bits), "bits per word"}, {spiIOCWrMaxSpeedHz, unsafe.Pointer(&speed), "speed"}} {
		if _, _, errno := unix.Syscall(unix.SYS_IOCTL, f.Fd(), s.req, uintptr(s.p)); errno != 0 {
			f.Close()
			return nil, &os.PathError{Op: "set SPI " + s.n, Path: path, Err: errno}
		}
	}
	return &Device{f: f, enc: enc, n: n}, nil
}

// Write sends frame to the strip in one SPI transfer.
func (d *Device) Write(frame []aioled.Color) error {
	_, err := d.f.Write(d.enc.Encode(frame))
	return err
}

// Close closes the SPI device (it does not clear the strip: show it
// black first if it should go dark).
func (d *Device) Close() error { return d.f.Close() }

// bufsiz is spidev's largest transfer (the module parameter, 4096 when it
// cannot be read).
func bufsiz() int {
	b, err := os.ReadFile("/sys/module/spidev/parameters/bufsiz")
	if err != nil {
		return 4096
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || n <= 0 {
		return 4096
	}
	return n
}
