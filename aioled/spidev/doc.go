// Package spidev drives WS2812 ("NeoPixel") and SK6812 LED strips from a
// Linux board's SPI port (/dev/spidevB.C), as an aioled.Driver. The
// strip's one-wire protocol is made of SPI bits: at 2.4 MHz each LED bit
// is 3 SPI bits (110 for a 1, 100 for a 0), at 3.2 MHz 4 bits (1100,
// 1000), so the SPI hardware keeps the timing, with no CPU bit-banging
// and no root-only PWM/DMA tricks. The Encoder is pure Go and tested
// against each chip's datasheet timing (see Chip); Open is Linux only.
//
// # Wiring (Raspberry Pi)
//
//   - Enable SPI: dtparam=spi=on in /boot/firmware/config.txt (or
//     raspi-config → Interface Options → SPI), reboot; /dev/spidev0.0
//     appears. Add the user to the spi group to open it without root.
//   - Data: the strip's DIN to MOSI, GPIO 10 (pin 19 of the header), best
//     through a 300–500 Ω resistor close to the strip. Only MOSI is used:
//     SCLK and CE0 stay unconnected.
//   - Level: the Pi's GPIO is 3.3 V and a WS2812 powered at 5 V wants
//     0.7·VDD = 3.5 V for a high. Put a level shifter between MOSI and
//     DIN (a 74AHCT125 or 74HCT245 powered at 5 V); short strips often
//     work without one, long ones and cold ones fail at random.
//   - Power: the strip from its own 5 V supply, never from the Pi's 5 V
//     pin beyond a few pixels: a pixel draws up to 60 mA at full white, so
//     60 pixels need 3.6 A (aioled.WithMaxBrightness caps it). Join the
//     grounds of the supply, the strip and the Pi. A 1000 µF capacitor
//     across the strip's power input protects the first pixel.
//   - Frame size: spidev sends at most bufsiz bytes (4096 by default) in
//     one transfer, and a pause between transfers latches the strip half
//     drawn. A WS2812 pixel takes 9 bytes (SK6812 RGBW 16), so beyond about
//     440 WS2812 pixels raise it: spidev.bufsiz=65536 on the kernel
//     command line (/boot/firmware/cmdline.txt). Open refuses a strip
//     whose frame does not fit and says so.
//   - On a Pi 3 / Zero the SPI clock follows the core clock: set
//     core_freq=250 (or core_freq_min=500 on a Pi 4) so that the clock
//     does not change under a frame.
//
// # Use
//
//	dev, err := spidev.Open("/dev/spidev0.0", spidev.WS2812, 60)
//	if err != nil { … }
//	defer dev.Close()
//	strip := aioled.NewStrip(60, dev, aioled.WithMaxBrightness(64))
//	player := &aioled.Player{Strip: strip}
//	aioctl.Add(g, player.Play, aioled.Options{Animation: "kr", Color: aioled.Red, Wait: 50 * time.Millisecond, Length: 4})
//
// On a microcontroller under TinyGo, use tinygo.org/x/drivers/ws2812
// instead: an aioled.Driver whose Write converts the frame to
// []color.RGBA and calls the device's WriteColors.
package spidev
