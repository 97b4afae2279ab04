package control_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	osexec "os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aiotools-go/aiotools/aioservice"
	"github.com/aiotools-go/aiotools/control"
)

// svcModel is what the services should be after a sequence of verbs:
// which are loaded, which are enabled.
type svcModel struct {
	loaded  map[string]bool
	enabled map[string]bool
	inFile  map[string]bool // has an entry in the config file
}

// TestServicesVerbsModel drives random sequences of the service verbs
// (services list/load/unload/enable/disable/add/remove, start/stop/delete of their
// tasks, and time passing) on a runtime, a schedule, a core and an exec
// service, and checks after each step that the service table, the task
// group, the schedules and the config file agree, and that no verb
// answers internal. A failure prints the seed and the steps so far;
// AIOTOOLS_MODEL_SEED=N replays one seed.
func TestServicesVerbsModel(t *testing.T) {
	names := []string{"hello", "world", "network"}
	config := `{"hello": {"enabled": true}}`
	if _, err := osexec.LookPath("sleep"); err == nil {
		names = append(names, "ticker")
		config = `{"hello": {"enabled": true}, "ticker": {"exec": {"argv": ["sleep", "60"]}, "stop_timeout": "2s"}}`
	}
	seeds := []uint64{1, 2, 3, 4, 5, 6, 7, 8}
	if s := os.Getenv("AIOTOOLS_MODEL_SEED"); s != "" {
		var seed uint64
		if _, err := fmt.Sscan(s, &seed); err != nil {
			t.Fatalf("AIOTOOLS_MODEL_SEED=%q: %v", s, err)
		}
		seeds = []uint64{seed}
	}
	const steps = 40
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, seed))
			runModel(t, fmt.Sprint("seed ", seed), names, config, steps, rng.IntN)
		})
	}
}

// FuzzServicesVerbs is TestServicesVerbsModel driven by the fuzzer's
// bytes (one choice per byte) instead of a seeded generator, without the
// exec service (no process per input).
func FuzzServicesVerbs(f *testing.F) {
	f.Add([]byte{0x13, 0x08, 0x21, 0x07, 0x31, 0x02})
	f.Add([]byte("delete hello; load hello; start; unload world; load world"))
	f.Add([]byte{1, 8, 1, 1, 2, 3, 1, 5, 0, 2, 1, 6, 2, 9, 30})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 120 {
			data = data[:120]
		}
		pick := func(n int) int {
			if len(data) == 0 {
				return 0
			}
			b := data[0]
			data = data[1:]
			return int(b) % n
		}
		runModel(t, fmt.Sprintf("input %q", data), []string{"hello", "world", "network"}, `{"hello": {"enabled": true}}`, len(data)/2, pick)
	})
}

// runModel runs steps random steps (chosen by pick) on a fresh program
// with the services names and the config file config, checking the
// model after each; a failure names the run (what) and the steps so far.
func runModel(t *testing.T, what string, names []string, config string, steps int, pick func(int) int) {
	t.Helper()
	p := newSvcProgram(t, svcRegistry(), config)
	md := &svcModel{loaded: map[string]bool{}, enabled: map[string]bool{}, inFile: map[string]bool{}}
	for _, n := range names {
		md.loaded[n], md.enabled[n] = true, true
		md.inFile[n] = strings.Contains(config, `"`+n+`"`)
	}
	var done []string
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s, after the steps\n    %s\n%s", what, strings.Join(done, "\n    "), fmt.Sprintf(format, args...))
	}
	checkModel(t, p, md, names, fail)
	for range steps {
		line, want := nextStep(pick, md, names, p)
		done = append(done, line)
		r := p.run(t, line)
		if r.Err != nil && r.Err.Code == control.CodeInternal {
			fail("%s answered internal: %s", line, r.Err.Message)
		}
		if code := errCode(r); code != want {
			fail("%s answered %q (%v), want %q", line, code, r.Err, want)
		}
		checkModel(t, p, md, names, fail)
	}
}

func errCode(r *control.Result) control.Code {
	if r.Err == nil {
		return ""
	}
	return r.Err.Code
}

// nextStep picks a random step, applies it to the model, and returns its
// command line and the error code it must answer ("" for none). Time
// passing is done here (it is no verb) and returned as "services list".
// pick(n) returns a choice in [0, n).
func nextStep(pick func(int) int, md *svcModel, names []string, p *svcProgram) (string, control.Code) {
	n := names[pick(len(names))]
	tn := aioservice.TaskName(n)
	switch pick(12) {
	case 0:
		return "services list", ""
	case 1:
		if md.loaded[n] {
			return "services load " + n, "" // already loaded: it is started, or said to run
		}
		md.loaded[n] = true
		return "services load " + n, ""
	case 2:
		for _, x := range names {
			if md.enabled[x] {
				md.loaded[x] = true
			}
		}
		return "services load all", ""
	case 3:
		was := md.loaded[n]
		md.loaded[n] = false
		if !was {
			return "services unload " + n, control.CodeNotFound
		}
		return "services unload " + n, ""
	case 4:
		md.enabled[n], md.inFile[n] = true, true
		return "services enable " + n, ""
	case 5:
		md.enabled[n], md.inFile[n] = false, true
		return "services disable " + n, ""
	case 10:
		if n == "ticker" { // an exec service leaves the list when removed
			return "services list", ""
		}
		line := "services add " + n + ` '{"enabled": true}'`
		if md.loaded[n] { // a taken name, as for clone and add
			return line, control.CodeConflict
		}
		if md.inFile[n] { // the file's entry is named, at its line
			return line, control.CodeBadArgument
		}
		md.loaded[n], md.enabled[n], md.inFile[n] = true, true, true
		return line, ""
	case 11:
		if n == "ticker" {
			return "services list", ""
		}
		if !md.inFile[n] && !md.loaded[n] {
			return "services remove " + n, control.CodeNotFound
		}
		md.loaded[n], md.enabled[n], md.inFile[n] = false, true, false // its defaults again
		return "services remove " + n, ""
	case 6:
		if !md.loaded[n] {
			return "start " + tn, control.CodeNotFound
		}
		return "start " + tn, ""
	case 7:
		if !md.loaded[n] {
			return "stop " + tn, control.CodeNotFound
		}
		return "stop " + tn, ""
	case 8:
		was := md.loaded[n]
		md.loaded[n] = false
		if !was {
			return "delete " + tn, control.CodeNotFound
		}
		return "delete " + tn, ""
	default:
		p.fc.Advance(time.Duration(1+pick(60)) * time.Second) // schedules may fire
		return "services list", ""
	}
}

// checkModel checks the invariants: the service table says what the model
// says; every loaded service has exactly one task in the group and an
// unloaded one none; enabled in the list is what the config file says; a
// loaded schedule service is in the scheduler and an unloaded one is not.
func checkModel(t *testing.T, p *svcProgram, md *svcModel, names []string, fail func(string, ...any)) {
	t.Helper()
	r := p.run(t, "services list")
	if r.Err != nil {
		fail("services list: %v", r.Err)
	}
	list := map[string]aioservice.Info{}
	for _, in := range r.Data.([]aioservice.Info) {
		list[in.Name] = in
	}
	file := readEnabled(t, p.cfg)
	groupNames := p.g.Names()
	for _, n := range names {
		in, ok := list[n]
		if !ok {
			fail("services list lacks %s", n)
		}
		tn := aioservice.TaskName(n)
		if loaded := in.Load == aioservice.Loaded; loaded != md.loaded[n] {
			fail("%s: load state %v, want loaded=%v", n, in.Load, md.loaded[n])
		}
		if in.Load == aioservice.Failed {
			fail("%s failed to load: %s", n, in.Error)
		}
		tasks := 0
		for _, g := range groupNames {
			if g == tn || strings.HasPrefix(g, tn+"_") {
				tasks++
			}
		}
		if want := map[bool]int{true: 1, false: 0}[md.loaded[n]]; tasks != want {
			fail("%s: %d tasks in the group (%v), want %d", n, tasks, groupNames, want)
		}
		if md.loaded[n] && in.Task != tn {
			fail("%s: list says its task is %q", n, in.Task)
		}
		wantEnabled := md.enabled[n]
		if fe, ok := file[n]; ok && fe != wantEnabled {
			fail("%s: the config file says enabled=%v, the model %v", n, fe, wantEnabled)
		}
		if in.Enabled != wantEnabled {
			fail("%s: services list says enabled=%v, the config %v", n, in.Enabled, wantEnabled)
		}
		if in.Type == aioservice.Schedule && scheduled(p, tn) != md.loaded[n] {
			fail("%s: in the scheduler: %v, loaded: %v (schedule list %+v)", n, scheduled(p, tn), md.loaded[n], p.sched.List())
		}
	}
}

// readEnabled returns the "enabled" of each entry of the config file that
// has one.
func readEnabled(t *testing.T, path string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var entries map[string]struct {
		Enabled *bool `json:"enabled"`
	}
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatalf("the config file is not JSON: %v\n%s", err, b)
	}
	out := map[string]bool{}
	for n, e := range entries {
		if e.Enabled != nil {
			out[n] = *e.Enabled
		}
	}
	return out
}

// TestServicesVerbsConcurrent runs the service verbs from several
// goroutines at once; whatever order they ran in, no verb answers
// internal, and once they are over the table, the group and the
// schedules agree.
func TestServicesVerbsConcurrent(t *testing.T) {
	names := []string{"hello", "world"}
	p := newSvcProgram(t, svcRegistry(), `{"hello": {"enabled": true}}`)
	verbs := []string{"services load %s", "services unload %s", "delete %s.service", "start %s.service",
		"stop %s.service", "services list", "services enable %s", "services disable %s"}
	errs := make(chan string, 4)
	for w := range 4 {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			var bad string
			for range 30 {
				line := verbs[rng.IntN(len(verbs))]
				if strings.Contains(line, "%s") {
					line = fmt.Sprintf(line, names[rng.IntN(len(names))])
				}
				if r := p.run(t, line); r.Err != nil && r.Err.Code == control.CodeInternal && bad == "" {
					bad = line + " answered internal: " + r.Err.Message
				}
			}
			errs <- bad
		}()
	}
	for range 4 {
		if bad := <-errs; bad != "" {
			t.Error(bad)
		}
	}
	list := map[string]aioservice.Info{}
	for _, in := range p.run(t, "services list").Data.([]aioservice.Info) {
		list[in.Name] = in
	}
	for _, n := range names {
		tn := aioservice.TaskName(n)
		loaded := list[n].Load == aioservice.Loaded
		if _, inGroup := p.g.Get(tn); inGroup != loaded {
			t.Errorf("%s: loaded %v, task in the group %v", n, loaded, inGroup)
		}
		if n == "world" && scheduled(p, tn) != loaded {
			t.Errorf("%s: loaded %v, scheduled %v", n, loaded, scheduled(p, tn))
		}
	}
}
