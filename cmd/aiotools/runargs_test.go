package main

import (
	"io"
	"strings"
	"testing"
)

// TestRunRefusesAPositionalConfig: "aiotools run my.config" is refused,
// naming the word and -c, instead of quietly running services.config.
func TestRunRefusesAPositionalConfig(t *testing.T) {
	err := run([]string{"run", "my.config"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `"my.config"`) || !strings.Contains(err.Error(), "-c FILE") {
		t.Fatalf("aiotools run my.config: %v; want an error naming the argument and -c FILE", err)
	}
}
