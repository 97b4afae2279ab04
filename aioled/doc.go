// Package aioled plays the seed's neopixel animations (mpy-aiotools'
// async_base_animations.py) on any strip of addressable LEDs, as aioctl
// tasks: start, stop, restart, status and "set args" work on them.
//
// # Pieces
//
//   - Strip is what an animation draws on: Len, Set/Get (RGB and, for
//     RGBW strips, W), SetBrightness, Show. Pixels (NewStrip) is the
//     Strip of this package: a frame buffer in front of a Driver, with
//     gamma correction (2.8, on by default) and a brightness cap
//     (WithMaxBrightness: current draw matters on real strips).
//   - A Driver gets the corrected frames: Memory records them (tests),
//     aioled/term draws them on a terminal, aioled/spidev sends them to a
//     WS2812/SK6812 strip on a Linux SPI port; a TinyGo ws2812.Device
//     fits behind a three-line Driver.
//   - An Animation is func(ctx, Strip, Options) error. The seed's are
//     here under its names (Names, Lookup): fill, clear, color_chase,
//     rainbow_cycle, as_rainbow, kr, random, fade_in, fade_out,
//     fade_colors, sunset_fade, breathe, pulse, random_walk_fill,
//     random_walk_breathe, random_walk_fade; Wheel is its colour wheel.
//   - Options are the seed's parameters, typed (colour, wait, loops,
//     length, beats, …); one type for all, so that "set args" can switch
//     animations. Defaults gives each animation's.
//   - Player.Play is an aioctl.Func running Options.Animation; Register
//     offers every animation as an aioctl kind ("add led_kr").
//
// # Semantics
//
// An animation shows a frame, then waits Options.Wait (the fades: a part
// of it, see each one) on the clock of its context: WithClock, else the
// clock of the aioctl group running it, else the real clock, so tests
// run frame by frame on clock.Fake. It runs Loops times (0: forever)
// and returns nil, leaving its last frame shown; cancelled, it shows the
// strip black and returns the context's error (aioctl reports the task
// stopped). Frames are at least MinFrameTime (1 ms) apart, and so are
// the starts of two loops, whatever the Wait: an endless animation with
// wait 0 yields the CPU between frames instead of spinning (a frame that
// comes sooner waits the rest on the clock first; a single frame, fill,
// waits nothing). Random animations take their numbers from Options.Seed (the
// same seed, the same frames) or, when 0, from the clock.
//
// Where the seed was ambiguous or broken, this package chose, and says
// so in each animation's doc: color_chase starts each loop dark, kr's
// tail follows its motion, fade_colors loops back and forth, the random
// walks leave white alone, a breathe with loops awaits its fades.
//
// The package follows the core's rule (Go 1.23, no os/exec, net or file
// access; see DESIGN.md) so that it builds under TinyGo for a board that
// drives a strip itself. Show, the terminal renderer and the SPI encoder
// allocate nothing per frame (Memory keeps a copy of each).
package aioled
