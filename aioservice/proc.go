package aioservice

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"
	"sync/atomic"
)

// ScopeEnv is the environment variable that every process of an exec
// service carries (RunCommand sets it, children inherit it), so that the
// service's processes can be found and ended even after they left its
// process group or session: its value is "TOKEN/N", TOKEN being random per
// program run and N counting the commands started.
const ScopeEnv = "AIOSERVICE_SCOPE"

// scopeToken is this program run's part of every ScopeEnv value.
var scopeToken = sync.OnceValue(func() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on a supported system
	return hex.EncodeToString(b[:])
})

var scopeSeq atomic.Uint64

// newScope returns the ScopeEnv value of a command about to start.
func newScope() string {
	return scopeToken() + "/" + strconv.FormatUint(scopeSeq.Add(1), 10)
}
