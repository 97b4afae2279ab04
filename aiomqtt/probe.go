package aiomqtt

import (
	"context"
	"time"

	"github.com/aiotools-go/aiotools/aiomqtt/fleet"
)

// Probe connects to the broker at url once and disconnects: a broker that
// is down, or refuses the connection, is an error naming the cause
// (connection refused, not authorized…) within 10 s, where a Device would
// retry it in silence. Programs that start devices call it first.
func Probe(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := fleet.Dial(ctx, fleet.Settings{Broker: url})
	if err != nil {
		return err
	}
	c.Close()
	return nil
}
