package aioled

import (
	"errors"
	"sort"
	"time"
)

// Options are an animation's parameters, the seed's keyword arguments.
// One type serves every animation, so that a task's arguments can switch
// from one animation to another ("set args" with {"animation": "kr"});
// each animation reads the fields its doc names and ignores the others.
// As task arguments they are JSON: colours as [r, g, b] or "#rrggbb",
// durations as seconds (1.5) or Go durations ("50ms").
type Options struct {
	// Animation names the animation Player.Play runs (see Names).
	Animation string `json:"animation"`
	// Color is the animation's colour; Color2 the second one of the
	// fades between two colours (fade_colors, random_walk_fade).
	Color  Color `json:"color"`
	Color2 Color `json:"color2"`
	// Wait is the time between frames; for the fades (fade_in, fade_out,
	// fade_colors, breathe, sunset_fade and the random walks that fade)
	// the time one whole fade takes; for pulse the pause after the beats.
	Wait time.Duration `json:"wait"`
	// Loops is how many times the animation runs; 0 is forever. For the
	// random walks it counts steps.
	Loops int `json:"loops"`
	// Length is the length of the Knight Rider (kr) scanner's light (at
	// most the strip's: a longer one lights the whole strip).
	Length int `json:"length"`
	// Beats is how many beats a pulse has; BeatWait how long a beat is on
	// and then off.
	Beats    int           `json:"beats"`
	BeatWait time.Duration `json:"beat_wait"`
	// Clear makes random clear the strip before each new pixel.
	Clear bool `json:"clear"`
	// Steps is how many frames a two-colour fade takes (0: 255, the seed's).
	Steps int `json:"steps"`
	// Cycle, RandomCycle and BF are fade_colors' modes: instead of filling
	// the strip, each step colours the next pixel (Cycle), a random pixel
	// (RandomCycle), or the next pixel back and forth (Cycle and BF).
	Cycle       bool `json:"cycle"`
	RandomCycle bool `json:"random_cycle"`
	BF          bool `json:"bf"`
	// MaxStep is how far a random walk moves each channel per step (at
	// most, when RandStep; exactly, otherwise). TimeWalk ends a random walk
	// after this long (0: Loops decides).
	MaxStep  int           `json:"max_step"`
	RandStep bool          `json:"rand_step"`
	TimeWalk time.Duration `json:"time_walk"`
	// Seed seeds the random animations: the same seed gives the same
	// frames. 0 takes a seed from the clock.
	Seed uint64 `json:"seed"`
}

// Errors of the options; test for them with errors.Is.
var (
	// ErrUnknownAnimation: Options.Animation names no animation.
	ErrUnknownAnimation = errors.New("no such animation (see aioled.Names)")
	// ErrBadOption: an option is out of its range.
	ErrBadOption = errors.New("bad animation option")
	// ErrEmptyStrip: the strip has no pixels.
	ErrEmptyStrip = errors.New("the strip has no pixels")
)

// OptionError names the option that is wrong and why.
type OptionError struct {
	Field string // the JSON name
	Msg   string
	Err   error // ErrBadOption or ErrUnknownAnimation
}

// Error names the field and says what is wrong.
func (e *OptionError) Error() string { return "option " + e.Field + ": " + e.Msg }

// Unwrap returns ErrBadOption or ErrUnknownAnimation.
func (e *OptionError) Unwrap() error { return e.Err }

// Validate checks the options: the animation's name and the values
// every animation would refuse.
func (o Options) Validate() error {
	if _, ok := animations[o.Animation]; !ok {
		return &OptionError{Field: "animation", Msg: "unknown animation " + quote(o.Animation) + "; one of " + joinNames(), Err: ErrUnknownAnimation}
	}
	return o.validateValues()
}

// validateValues checks the values, whatever the animation.
func (o Options) validateValues() error {
	bad := func(field, msg string) error { return &OptionError{Field: field, Msg: msg, Err: ErrBadOption} }
	switch {
	case o.Wait < 0:
		return bad("wait", "must not be negative")
	case o.BeatWait < 0:
		return bad("beat_wait", "must not be negative")
	case o.TimeWalk < 0:
		return bad("time_walk", "must not be negative")
	case o.Loops < 0:
		return bad("loops", "must be 0 (forever) or more")
	case o.Length < 0:
		return bad("length", "must be 0 or more (0 counts as 1)")
	case o.Beats < 0:
		return bad("beats", "must be 0 or more")
	case o.Steps < 0 || o.Steps > 65535:
		return bad("steps", "must be 0 (255) to 65535")
	case o.MaxStep < 0 || o.MaxStep > 255:
		return bad("max_step", "must be 0 to 255")
	}
	return nil
}

// Defaults returns the options an animation starts with when nothing is
// given: the seed's defaults where it had them, and a visible colour and
// pace where it had none. ok is false for an unknown name.
func Defaults(name string) (o Options, ok bool) {
	a, ok := animations[name]
	if !ok {
		return Options{}, false
	}
	o = a.defaults
	o.Animation = name
	return o, true
}

// Names returns the animations' names, sorted.
func Names() []string {
	out := make([]string, 0, len(animations))
	for n := range animations {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func joinNames() string {
	s := ""
	for i, n := range Names() {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}

// quote quotes s for an error message, escaping what is not printable
// ASCII (the name may come from a user).
func quote(s string) string {
	const hexdigits = "0123456789abcdef"
	b := []byte{'"'}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20 || c >= 0x7f:
			b = append(b, '\\', 'x', hexdigits[c>>4], hexdigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return string(append(b, '"'))
}
