// The module as TinyGo 0.34 sees it: it compiles against Go 1.19-1.23, so
// scripts/tinygo-test.sh passes this file with GOFLAGS=-modfile=go.tinygo.mod
// and go.mod stays at Go 1.26. It lists only what the core (clock,
// internal/termsafe, aiolog, aioctl, aioschedule) and examples/pico import,
// at the versions go.mod pins; its checksums are in go.tinygo.sum (the go
// command reads the .sum next to the -modfile), copied from go.sum.
module github.com/aiotools-go/aiotools

go 1.23

require (
	github.com/robfig/cron/v3 v3.0.1
	go.uber.org/goleak v1.3.0
)

// goleak parses runtime.Stack, which TinyGo leaves empty (it panics on
// that): under TinyGo the tests use a stand-in that checks nothing (see
// scripts/tinygo/goleak); the Go run checks leaks.
replace go.uber.org/goleak => ./scripts/tinygo/goleak
