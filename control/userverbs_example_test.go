package control_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aiotools-go/aiotools/aioctl"
	"github.com/aiotools-go/aiotools/control"
)

// A program adds its own verb: its arguments are a struct's fields,
// typed; help lists it, and every front end runs it.
func ExampleInterp_Register() {
	in, _ := control.NewInterp(control.Components{Group: aioctl.NewGroup()})
	type rateArgs struct {
		Every time.Duration `arg:"EVERY" help:"time between two toggles"`
		Pin   int           `arg:"PIN,optional"`
	}
	err := in.Register(control.UserVerb{
		Name:     "blink-rate",
		Summary:  "how often the LED toggles",
		Examples: []string{"blink-rate 500ms  # twice a second"},
		Run: control.Func(func(ctx context.Context, a rateArgs) (string, error) {
			return fmt.Sprintf("pin %d toggles every %v", a.Pin, a.Every), nil
		}),
	})
	fmt.Println(err)
	ctx := context.Background()
	fmt.Print(in.ExecLine(ctx, "blink-rate 500ms 4", control.Options{}).Text)
	fmt.Print(in.ExecLine(ctx, "help blink-rate", control.Options{}).Text)
	bad := in.ExecLine(ctx, "blink-rate often", control.Options{})
	fmt.Println(bad.Err.Code, bad.Err.Message, "exit", bad.Exit)
	fmt.Println(in.Register(control.UserVerb{Name: "status", Run: control.Words("", func(context.Context, []string) (string, error) { return "", nil })}))
	// Output:
	// <nil>
	// pin 4 toggles every 500ms
	// usage: blink-rate EVERY [PIN]
	//   how often the LED toggles
	// arguments (or one JSON object):
	//   EVERY (duration)  time between two toggles
	//   PIN (int)
	// examples:
	//   blink-rate 500ms  # twice a second
	//   (a verb of this program)
	// bad_argument blink-rate: EVERY: "often" is not a duration exit 2
	// control: register "status": verb name taken: status is a built-in verb
}
