package aioweb

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pageAssets are the pages and what each loads.
var pageAssets = []string{"/static/app.js", "/static/style.css"}

// srcHref finds the addresses a page loads or links to.
var srcHref = regexp.MustCompile(`(?:src|href)="([^"]*)"`)

// pageWeight is the bytes a page costs a browser: its HTML and the
// assets it loads; external lists addresses outside the dashboard.
func pageWeight(t testing.TB, f *fixture, path string) (bytes int, external []string) {
	_, body := f.get(t, path)
	bytes = len(body)
	for _, m := range srcHref.FindAllStringSubmatch(body, -1) {
		if u := m[1]; !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") {
			external = append(external, u)
		}
	}
	for _, a := range pageAssets {
		_, b := f.get(t, a)
		bytes += len(b)
	}
	return bytes, external
}

// Each page, with its script and style, stays under 100 KB and loads
// nothing from elsewhere (the CSP would refuse it anyway).
func TestPageWeight(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/", "/task?name=blink", "/log", "/services"} {
		n, ext := pageWeight(t, f, p)
		if n > 100<<10 || len(ext) > 0 {
			t.Errorf("%s: %d bytes, external %q", p, n, ext)
		}
	}
}

// BenchmarkPageWeight reports the bytes of the overview with its assets
// (uncompressed) and the external addresses it names (0).
func BenchmarkPageWeight(b *testing.B) {
	f := newFixture(b)
	var n int
	var ext []string
	for b.Loop() {
		n, ext = pageWeight(b, f, "/")
	}
	b.ReportMetric(float64(n), "bytes/page")
	b.ReportMetric(float64(len(ext)), "external-requests")
}

// BenchmarkStateToDOM measures, in headless chromium, the time from a
// task's state change (stop or start of blink) to the overview's DOM
// showing it: the watcher, the status snapshot, the event stream, and the
// page's script. The page stamps each change of blink's dot with
// performance.timeOrigin+now() (the same wall clock as Go's time.Now), so
// the DevTools round trip of the wait is not counted. It reports the
// median and the 99th percentile.
func BenchmarkStateToDOM(b *testing.B) {
	f := newFixture(b)
	ctx := newBrowser(b)
	const stamp = `window.__marks = []; window.__last = "";
new MutationObserver(() => {
  const d = document.querySelector('#tasks tr[data-name="blink"] .dot');
  const c = d ? d.className : "";
  if (c !== window.__last) { window.__last = c; window.__marks.push([c, performance.timeOrigin + performance.now()]); }
}).observe(document.querySelector("#tasks"), {subtree: true, childList: true, attributes: true}); true`
	var ok bool
	if err := chromedp.Do(ctx, chromedp.Navigate(f.d.URL(f.srv)),
		waitJS(`document.body.dataset.snapshots > 0`), eval(stamp, &ok)); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	stop := true
	for b.Loop() {
		want := "st-green"
		t0 := time.Now()
		var err error
		if stop {
			want = "st-yellow"
			_, err = f.g.Stop(context.Background(), "blink")
		} else {
			_, err = f.g.Start("blink")
		}
		if err != nil {
			b.Fatal(err)
		}
		var at float64 // ms since the epoch
		if err := chromedp.Do(ctx,
			waitJS(`window.__last.includes("`+want+`")`),
			eval(`window.__marks.findLast(m => m[0].includes("`+want+`"))[1]`, &at)); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Duration(at*float64(time.Millisecond))-time.Duration(t0.UnixNano()))
		stop = !stop
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[(len(lat)*99)/100]), "p99-ms")
	b.ReportMetric(0, "ns/op") // the per-op time is the latency above
}

// BenchmarkStateToEvent measures the server's part of BenchmarkStateToDOM:
// from a state change to the status event carrying it, read by a Go
// client.
func BenchmarkStateToEvent(b *testing.B) {
	f := newFixture(b)
	s := f.stream(b, "/events", "")
	s.next(b)
	stop := true
	for b.Loop() {
		want := "running"
		var err error
		if stop {
			want = "stopped"
			_, err = f.g.Stop(context.Background(), "blink")
		} else {
			_, err = f.g.Start("blink")
		}
		if err != nil {
			b.Fatal(err)
		}
		for decodeStatus(b, s.next(b))["blink"].State != want {
		}
		stop = !stop
	}
}
