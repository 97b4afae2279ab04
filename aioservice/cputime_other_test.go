//go:build !unix

package aioservice

import "time"

func cpuTime() (time.Duration, bool) { return 0, false }
