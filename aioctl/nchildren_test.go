//go:build !tinygo

package aioctl

// nChildren is how many contexts and AfterFuncs the run-context tests
// derive from one run (nchildren_tinygo_test.go: fewer on a 1 MB board).
const nChildren = 50
