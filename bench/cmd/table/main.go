// Command table runs the benchmarks of issue 13 — aiotools beside the
// libraries it is compared with — and prints one markdown table: measure,
// aiotools, its peers, the ratio, the goal (met or missed). Every figure
// is the median of -count runs in this one invocation, on this machine.
//
// Run it from the bench module (the repository root has `make bench`):
//
//	cd bench && go run ./cmd/table -count 6 > table.md
//	cd bench && go run ./cmd/table -readme ../README.md   # also rewrite README's section
//
// A row whose benchmark does not exist (or failed) prints n/a; the
// commands and their output go to stderr.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// run is one `go test -bench` invocation.
type run struct {
	module string // "" the library's, "bench" the bench module
	pkg    string
	bench  string
	args   []string
	env    []string
}

func main() {
	count := flag.Int("count", 6, "runs of each benchmark; the table shows medians")
	benchtime := flag.String("benchtime", "", "go test -benchtime for the timed benchmarks (default go's)")
	burst := flag.Int("burst-seconds", 5, "length of the 10k-schedules burst load, in seconds")
	from := flag.String("from", "", "read the benchmark output saved in this file (the table's stderr) instead of running")
	readme := flag.String("readme", "", "also write the table into this README, between its "+beginMark+" and "+endMark+" lines")
	flag.Parse()
	var out bytes.Buffer
	var err error
	if *from != "" {
		err = fromFile(&out, *from, *count, *burst)
	} else {
		err = mainErr(&out, *count, *benchtime, *burst)
	}
	if err == nil && *readme != "" {
		err = splice(*readme, out.Bytes())
	}
	os.Stdout.Write(out.Bytes())
	if err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(1)
	}
}

// The README's performance section is what lies between these lines.
const (
	beginMark = "<!-- BEGIN make bench -->"
	endMark   = "<!-- END make bench -->"
)

// splice replaces what lies between the markers of the file with table.
func splice(path string, table []byte) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	i := bytes.Index(b, []byte(beginMark+"\n"))
	j := bytes.Index(b, []byte(endMark))
	if i < 0 || j < i {
		return fmt.Errorf("%s: no %q line followed by a %q line", path, beginMark, endMark)
	}
	i += len(beginMark) + 1
	out := append(append(append([]byte{}, b[:i]...), table...), b[j:]...)
	return os.WriteFile(path, out, 0o644)
}

// fromFile prints the table of a saved run's output (what the table wrote
// to stderr): a new layout of the same figures without running them again.
func fromFile(w io.Writer, path string, count, burst int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	res := results{}
	cpu, err := res.parse(f)
	if err != nil {
		return err
	}
	header(w, st.ModTime(), cpu, count, 0, "")
	writeTable(w, rows(res, burst))
	fmt.Fprint(w, legend)
	return nil
}

// loadAverage is the machine's 1-minute load average ("" where unknown):
// on a shared machine it says how much the wall-clock rows were disturbed.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return ""
}

func header(w io.Writer, when time.Time, cpu string, count int, took time.Duration, load string) {
	goVersion := strings.TrimSpace(string(must(exec.Command("go", "env", "GOVERSION").Output())))
	if cpu == "" {
		cpu = "unknown CPU"
	}
	in := ""
	if took > 0 {
		in = ", " + took.Round(time.Second).String() + " in all"
	}
	if load != "" {
		in += ", load average " + load + " at the start"
	}
	fmt.Fprintf(w, "Measured %s on %s (%d CPUs, %s/%s), %s; medians of %d runs%s:\n\n",
		when.UTC().Format("2006-01-02"), cpu, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH,
		goVersion, count, in)
	fmt.Fprintf(w, "```\nmake bench    # cd bench && go run ./cmd/table -count %d\n```\n\n", count)
}

func mainErr(w io.Writer, count int, benchtime string, burst int) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	timed := []string{}
	if benchtime != "" {
		timed = append(timed, "-benchtime", benchtime)
	}
	runs := []run{
		{pkg: "./aioctl/", bench: "^(BenchmarkTaskLifecycle|BenchmarkRawGoroutine|BenchmarkDelete10k)$", args: timed},
		{pkg: "./aiolog/", bench: "^(BenchmarkGrep64MiB|BenchmarkFollowLatency)$", args: timed},
		{pkg: "./control/", bench: "^BenchmarkStatus100$/^text$", args: timed},
		{pkg: "./aioservice/", bench: "^BenchmarkBootOrder$", args: timed},
		{module: "bench", pkg: "./aiolog/", bench: "^(BenchmarkAiologDirect|BenchmarkAiolog|BenchmarkSlogTextDiscard|BenchmarkSlogJSONDiscard|BenchmarkZapProduction|BenchmarkZerolog)(Parallel)?$", args: timed},
		{module: "bench", pkg: "./aioschedule/", bench: "^(BenchmarkScheduleAddRemove10k|BenchmarkScheduleMemory10k)$", args: timed},
		{module: "bench", pkg: "./aioschedule/", bench: "^BenchmarkSchedule10kEverySecondBurst$", args: []string{"-benchtime", "1x"},
			env: []string{"AIOSCHEDULE_BENCH_N=10000", "AIOSCHEDULE_BENCH_SECONDS=" + strconv.Itoa(burst)}},
	}
	res := results{}
	cpu := ""
	load := loadAverage()
	start := time.Now()
	for _, r := range runs {
		c, err := r.exec(root, count, res)
		if err != nil {
			// The rows of a package that fails print n/a; the others stand.
			fmt.Fprintf(os.Stderr, "table: %s %s: %v\n", r.module, r.pkg, err)
		}
		if cpu == "" {
			cpu = c
		}
	}
	header(w, time.Now(), cpu, count, time.Since(start), load)
	writeTable(w, rows(res, burst))
	fmt.Fprint(w, legend)
	return nil
}

// legend says what the rows measure, under the table.
const legend = `
Peers run in the same process and load as ours (the bench module: slog, zap, zerolog, gocron v2,
robfig/cron v3). Memory per schedule is what scheduling adds to a task that exists already;
gocron's and robfig's figures are their whole job records. The burst row is 10,000 schedules due
every second at the same instant, on the real clock; lateness is each run's start against its
planned second. Goals are issue 13's; a row prints n/a when its benchmark did not run.
`

func must(b []byte, _ error) []byte { return b }

// exec runs r count times in one go test and adds its results to res.
func (r run) exec(root string, count int, res results) (string, error) {
	args := append([]string{"test", "-run", "^$", "-bench", r.bench, "-count", strconv.Itoa(count)}, r.args...)
	args = append(args, r.pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = filepath.Join(root, r.module)
	cmd.Env = append(os.Environ(), r.env...)
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, os.Stderr)
	cmd.Stderr = os.Stderr
	fmt.Fprintf(os.Stderr, "table: (cd %s && %s go %s)\n", cmd.Dir, strings.Join(r.env, " "), strings.Join(args, " "))
	err := cmd.Run()
	cpu, perr := res.parse(&out)
	if err == nil {
		err = perr
	}
	return cpu, err
}

// repoRoot is the directory above the bench module: found from the
// working directory (the repository root or anywhere inside it).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "bench", "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no bench/go.mod above %s: run inside the aiotools repository", dir)
		}
	}
}
