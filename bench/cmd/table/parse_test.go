package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The table reads go test's output: names lose their -GOMAXPROCS suffix
// (but not a sub-benchmark's own number), every value/unit pair is kept,
// and a value reported by several runs gives their median.
func TestParseTakesMediansPerNameAndUnit(t *testing.T) {
	out := `goos: linux
cpu: Intel(R) Xeon(R) Processor
BenchmarkTaskLifecycle-2   	 1000	  900 ns/op	 670 B/op	 8 allocs/op
BenchmarkTaskLifecycle-2   	 1000	  700 ns/op	 670 B/op	 8 allocs/op
BenchmarkTaskLifecycle-2   	 1000	  800 ns/op	 670 B/op	 8 allocs/op
BenchmarkBootOrder/services=1000/edges=4995-2 	 10	 300000 ns/op
BenchmarkGrep64MiB/bytes.Index-2 	 10	 5000000 ns/op	 13000.5 MB/s
BenchmarkSchedule10kEverySecondBurst-2   	
10000 schedules due every second
BenchmarkSchedule10kEverySecondBurst-2   	       1	28447264216 ns/op	         0.2010 aiosched-cpu-s	        89.97 aiosched-p99-ms
BenchmarkSchedule10kEverySecondBurst-2   	       1	28447264216 ns/op	         0.3010 aiosched-cpu-s	        79.97 aiosched-p99-ms
PASS
`
	r := results{}
	cpu, err := r.parse(strings.NewReader(out))
	if err != nil || cpu != "Intel(R) Xeon(R) Processor" {
		t.Fatalf("cpu %q, err %v", cpu, err)
	}
	for _, c := range []struct {
		name, unit string
		want       float64
	}{
		{"BenchmarkTaskLifecycle", "ns/op", 800},
		{"BenchmarkTaskLifecycle", "allocs/op", 8},
		{"BenchmarkBootOrder/services=1000/edges=4995", "ns/op", 300000},
		{"BenchmarkGrep64MiB/bytes.Index", "MB/s", 13000.5},
		{"BenchmarkSchedule10kEverySecondBurst", "aiosched-cpu-s", 0.251},
		{"BenchmarkSchedule10kEverySecondBurst", "aiosched-p99-ms", 84.97},
	} {
		got, ok := r.median(c.name, c.unit)
		if !ok || got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("median(%s, %s) = %v, %v; want %v", c.name, c.unit, got, ok, c.want)
		}
	}
	if _, ok := r.median("BenchmarkDelete10k", "ns/op"); ok {
		t.Error("a benchmark that did not run has a median")
	}
}

// -readme replaces what lies between the section's markers, and only that;
// a README without them is an error naming what is missing.
func TestSpliceReplacesTheSectionOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	before := "# x\n\n## Performance\n\n" + beginMark + "\nold table\n" + endMark + "\n\n## Testing\n"
	if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := splice(path, []byte("| new |\n")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "# x\n\n## Performance\n\n" + beginMark + "\n| new |\n" + endMark + "\n\n## Testing\n"
	if string(got) != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if err := os.WriteFile(path, []byte("# no section\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := splice(path, []byte("x")); err == nil || !strings.Contains(err.Error(), beginMark) {
		t.Fatalf("err = %v, want one naming the marker", err)
	}
}
