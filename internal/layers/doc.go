// Package layers has no code of its own: its test states which packages
// each package of the module may import, and fails on any other import.
//
// The rules are the floor plan in layers_test.go, one line per package,
// lowest floor first, like the Go tree's own go/build/deps_test.go. The
// core (clock, internal/termsafe, aiolog, aioctl, aioschedule) imports only
// the standard library without os/exec, net and os/signal, plus, in
// aioschedule, the cron field parser github.com/robfig/cron/v3; nothing
// imports a package above it; control/api and control/sockdir import
// only the standard library; and cmd/aioctl and control/client link
// nothing of the server side.
//
// Adding a package to the module means adding its line to the floor plan:
// the test fails on any package it does not list, and says which line to
// add.
package layers
