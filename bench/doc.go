// Package bench holds the benchmarks that compare aiotools with other
// libraries. It is a module of its own so that the library's go.mod does not
// carry the libraries it is compared with.
package bench
