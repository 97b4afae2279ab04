//go:build !tinygo

package aiolog

// memTestBudget is TestMemStatsBounded's ring budget.
const memTestBudget = 256 << 10
