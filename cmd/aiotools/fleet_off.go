//go:build aiotools_nofleet

package main

import (
	"context"
	"errors"
	"io"

	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

var errNoFleet = errors.New("this aiotools was built with -tags aiotools_nofleet: no MQTT fleet mode")

func runBroker([]string, io.Writer, io.Writer) error { return errNoFleet }

func runFleetDemo(context.Context, int, string, io.Writer) error { return errNoFleet }

func fleetServices(*aioservice.Registry, *control.Interp) {}
