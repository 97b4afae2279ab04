package main

import (
	"fmt"
	"io"
	"strings"
)

// row is one line of the table.
type row struct{ measure, ours, peers, ratio, goal string }

const na = "n/a"

// sig formats v with about three significant digits.
func sig(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// dur formats nanoseconds.
func dur(ns float64) string {
	switch {
	case ns < 1e3:
		return sig(ns) + " ns"
	case ns < 1e6:
		return sig(ns/1e3) + " µs"
	case ns < 1e9:
		return sig(ns/1e6) + " ms"
	}
	return sig(ns/1e9) + " s"
}

// verdict appends whether the goal is met, when it could be judged.
func verdict(goal string, judged, met bool) string {
	switch {
	case !judged:
		return goal
	case met:
		return goal + " — **met**"
	}
	return goal + " — **missed**"
}

// getter reads medians from one result set.
type getter struct{ r results }

func (g getter) v(name, unit string) (float64, bool) { return g.r.median(name, unit) }

// ns is a benchmark's ns/op with its allocations when it reports them.
func (g getter) ns(name string) (string, float64, bool) {
	v, ok := g.v(name, "ns/op")
	if !ok {
		return na, 0, false
	}
	s := dur(v)
	if a, ok := g.v(name, "allocs/op"); ok {
		s += fmt.Sprintf(", %.0f allocs", a)
		if b, ok := g.v(name, "B/op"); ok {
			s += fmt.Sprintf(", %.0f B", b)
		}
	}
	return s, v, true
}

// peers lists "label value" for each benchmark of a peer that ran.
func peers(list ...string) string {
	var out []string
	for i := 0; i+1 < len(list); i += 2 {
		out = append(out, list[i]+" "+list[i+1])
	}
	return strings.Join(out, "; ")
}

// times formats a/b as a factor, n/a when either is missing.
func times(a, b float64, ok bool) string {
	if !ok || b == 0 {
		return na
	}
	return sig(a/b) + "×"
}

// faster says how ours compares with a peer's time: "3.2× faster than
// slog text" or "1.5× slower than slog text".
func faster(oursNs, peerNs float64, ok bool, peer string) string {
	if !ok || oursNs == 0 || peerNs == 0 {
		return na + " vs " + peer
	}
	if peerNs >= oursNs {
		return sig(peerNs/oursNs) + "× faster than " + peer
	}
	return sig(oursNs/peerNs) + "× slower than " + peer
}

func rows(r results, burst int) []row {
	g := getter{r}
	var out []row

	// 1. The task lifecycle.
	life, lifeNs, ok1 := g.ns("BenchmarkTaskLifecycle")
	raw, rawNs, ok2 := g.ns("BenchmarkRawGoroutine")
	out = append(out, row{"task lifecycle (add, run, end, keep record)", life, peers("raw goroutine", raw),
		times(lifeNs, rawNs, ok1 && ok2) + " raw goroutine",
		verdict("≤ 2× raw goroutine", ok1 && ok2, lifeNs <= 2*rawNs)})

	// 2. Log writes: the direct API beside slog, zap, zerolog.
	for _, par := range []string{"", "Parallel"} {
		mode := "serial"
		if par != "" {
			mode = "parallel"
		}
		ours, oursNs, okO := g.ns("BenchmarkAiologDirect" + par)
		text, textNs, okT := g.ns("BenchmarkSlogTextDiscard" + par)
		jsonS, _, _ := g.ns("BenchmarkSlogJSONDiscard" + par)
		zap, _, _ := g.ns("BenchmarkZapProduction" + par)
		zl, zlNs, okZ := g.ns("BenchmarkZerolog" + par)
		ratio := faster(oursNs, textNs, okO && okT, "slog text") + "; " + faster(oursNs, zlNs, okO && okZ, "zerolog")
		goal := "—"
		if par == "" {
			allocs, okA := g.v("BenchmarkAiologDirect", "allocs/op")
			goal = verdict("≥ 3× faster than slog text, 0 allocs, ≤ 1.5× zerolog", okO && okT && okZ && okA,
				textNs >= 3*oursNs && allocs == 0 && oursNs <= 1.5*zlNs)
		}
		out = append(out, row{"log write, direct API (" + mode + ")", ours,
			peers("slog text", text, "slog JSON", jsonS, "zap", zap, "zerolog", zl), ratio, goal})
	}
	viaSlog, viaNs, okV := g.ns("BenchmarkAiolog")
	text, textNs, okT := g.ns("BenchmarkSlogTextDiscard")
	out = append(out, row{"log write through slog.Logger", viaSlog, peers("slog text", text),
		faster(viaNs, textNs, okV && okT, "slog text"), "—"})

	// 3. Grep.
	idx, idxNs, okI := g.ns("BenchmarkGrep64MiB/bytes.Index")
	ring, ringNs, okR := g.ns("BenchmarkGrep64MiB/ring")
	out = append(out, row{"grep 64 MiB ring, exact case", ring, peers("bytes.Index", idx),
		times(ringNs, idxNs, okR && okI) + " bytes.Index", "—"})
	sc, scNs, okS := g.ns("BenchmarkGrep64MiB/ring-smartcase")
	out = append(out, row{"grep 64 MiB ring, smart case", sc, peers("bytes.Index", idx),
		times(scNs, idxNs, okS && okI) + " bytes.Index", verdict("≤ 2× bytes.Index", okS && okI, scNs <= 2*idxNs)})

	// 4. Status over the socket.
	p50, ok50 := g.v("BenchmarkStatus100/text", "p50-µs")
	p99, ok99 := g.v("BenchmarkStatus100/text", "p99-µs")
	st := na
	if ok50 && ok99 {
		st = "p50 " + dur(p50*1e3) + ", p99 " + dur(p99*1e3)
	}
	out = append(out, row{"`status` of 100 tasks over the unix socket", st, "—", "—", verdict("p99 < 2 ms", ok99, p99 < 2000)})

	// 5. Costs that must not grow with the group.
	del, delNs, okD := g.ns("BenchmarkDelete10k")
	out = append(out, row{"Group.Delete with 10k tasks", del, "—", "—", verdict("O(1): µs, not a 325 µs scan", okD, delNs < 20e3)})
	ar, arNs, okA := g.ns("BenchmarkScheduleAddRemove10k/aioschedule")
	arG, arGNs, okG := g.ns("BenchmarkScheduleAddRemove10k/gocron")
	arR, _, _ := g.ns("BenchmarkScheduleAddRemove10k/robfig")
	out = append(out, row{"add + remove a schedule, 10k present", ar, peers("gocron v2", arG, "robfig/cron v3", arR),
		faster(arNs, arGNs, okA && okG, "gocron"), verdict("≤ 2 µs", okA, arNs <= 2000)})
	mem := func(name string) (string, float64, bool) {
		v, ok := g.v(name, "B/schedule")
		if !ok {
			return na, 0, false
		}
		return fmt.Sprintf("%.0f B", v), v, true
	}
	m, mV, okM := mem("BenchmarkScheduleMemory10k/aioschedule")
	mR, mRV, okMR := mem("BenchmarkScheduleMemory10k/robfig")
	mG, _, _ := mem("BenchmarkScheduleMemory10k/gocron")
	out = append(out, row{"memory per schedule (beyond its task), 10k", m, peers("robfig/cron v3", mR, "gocron v2", mG),
		times(mV, mRV, okM && okMR) + " robfig", verdict("≤ 300 B", okM, mV <= 300)})

	// 6. The burst: 10k schedules due at one instant, every second.
	const bn = "BenchmarkSchedule10kEverySecondBurst"
	secs := func(unit string) (string, float64, bool) {
		v, ok := g.v(bn, unit)
		if !ok {
			return na, 0, false
		}
		return dur(v * 1e9), v, true
	}
	c, cV, okC := secs("aiosched-cpu-s")
	cR, cRV, okCR := secs("robfig-cpu-s")
	cG, _, _ := secs("gocron-cpu-s")
	out = append(out, row{fmt.Sprintf("10k schedules due at one instant: CPU for %d s", burst), c,
		peers("robfig/cron v3", cR, "gocron v2", cG), times(cV, cRV, okC && okCR) + " robfig",
		verdict("≤ robfig", okC && okCR, cV <= cRV)})
	ms := func(unit string) (string, float64, bool) {
		v, ok := g.v(bn, unit)
		if !ok {
			return na, 0, false
		}
		return dur(v * 1e6), v, true
	}
	l, lV, okL := ms("aiosched-p99-ms")
	lR, lRV, okLR := ms("robfig-p99-ms")
	lG, _, _ := ms("gocron-p99-ms")
	out = append(out, row{"10k schedules due at one instant: p99 lateness", l,
		peers("robfig/cron v3", lR, "gocron v2", lG), times(lV, lRV, okL && okLR) + " robfig",
		verdict("< robfig", okL && okLR, lV < lRV)})

	// 7. Boot order: steps read from CPU time when the benchmark reports
	// it (a busy machine disturbs it less than wall time).
	var sizes, steps []string
	prev, okP, worst := 0.0, false, 0.0
	allSteps := true
	unit := "ns/op"
	if _, ok := g.v("BenchmarkBootOrder/services=1000/edges=4995", "cpu-ns/op"); ok {
		unit = "cpu-ns/op"
	}
	for _, n := range []struct{ label, name string }{
		{"1k", "BenchmarkBootOrder/services=1000/edges=4995"},
		{"10k", "BenchmarkBootOrder/services=10000/edges=49995"},
		{"100k", "BenchmarkBootOrder/services=100000/edges=499995"},
	} {
		v, ok := g.v(n.name, unit)
		if !ok {
			sizes = append(sizes, n.label+" n/a")
			allSteps, okP = false, false
			continue
		}
		sizes = append(sizes, n.label+" "+dur(v))
		if okP {
			steps = append(steps, sig(v/prev)+"×")
			worst = max(worst, v/prev)
		}
		prev, okP = v, true
	}
	stepText := na
	if len(steps) > 0 {
		stepText = strings.Join(steps, ", ") + " per 10× step"
	}
	measure := "boot order of 1k / 10k / 100k services (5 deps each)"
	if unit == "cpu-ns/op" {
		measure += ", CPU time"
	}
	out = append(out, row{measure, strings.Join(sizes, "; "), "—",
		stepText, verdict("≤ 12× per step", allSteps && len(steps) == 2, worst <= 12)})

	// 8. Follow.
	f50, okF50 := g.v("BenchmarkFollowLatency", "p50-µs")
	f99, okF99 := g.v("BenchmarkFollowLatency", "p99-µs")
	fl := na
	if okF50 && okF99 {
		fl = "p50 " + dur(f50*1e3) + ", p99 " + dur(f99*1e3)
	}
	out = append(out, row{"follow: write to a blocked follower's wake-up", fl, "—", "—", "—"})
	return out
}

func writeTable(w io.Writer, rs []row) {
	fmt.Fprintln(w, "| measure | aiotools | peers | ratio | goal |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range rs {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", r.measure, r.ours, r.peers, r.ratio, r.goal)
	}
}
