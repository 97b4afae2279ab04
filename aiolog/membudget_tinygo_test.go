//go:build tinygo

package aiolog

// memTestBudget is TestMemStatsBounded's ring budget: riscv-qemu has 1 MB
// of RAM, and TinyGo's non-moving collector cannot always find 256 KB in
// one piece after the other tests.
const memTestBudget = 32 << 10
