package api_test

import (
	"fmt"

	"github.com/aiotools-go/aiotools/control/api"
)

// Parse a command line as a front end does before it sends it: the verb,
// its arguments and flags, and whether it streams.
func ExampleParse() {
	argv, err := api.ParseLine(`log -n 5 --follow "door open"`)
	if err != nil {
		panic(err)
	}
	c, err := api.Parse(argv)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Verb.Name, c.Args, c.Flags["lines"], c.Streams())

	// status takes "debug" as its last word too.
	c, _ = api.Parse([]string{"status", "hello*", "debug"})
	fmt.Println(c.Verb.Name, c.Args, c.Flags["debug"], c.Streams(), c.Verb.ExitCodes[2].Code)

	// Errors have a stable code.
	_, err = api.Parse([]string{"stop"})
	fmt.Println(err.(*api.Error).Code, err)
	// Output:
	// log [door open] 5 true
	// status [hello*] true false 4
	// bad_argument stop: takes at least 1 argument, got 0; usage: stop PATTERN...
}

// ParseLine keeps the JSON argument of set args whole, as typed.
func ExampleParseLine() {
	argv, _ := api.ParseLine(`set args blink {"pin": 3, "sleep": "1s"}`)
	fmt.Printf("%q\n", argv)
	// Output:
	// ["set" "args" "blink" "{\"pin\": 3, \"sleep\": \"1s\"}"]
}
