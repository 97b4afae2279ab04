package aioweb

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "also write the browser test's screenshots to docs/img/")

// browserNames are the programs the browser tests drive, in order.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// newBrowser starts a headless browser for the test. Without one it
// skips, saying why, unless $AIOWEB_REQUIRE_BROWSER or $CI is set
// (./test.sh sets the first after installing chromium): then it fails.
func newBrowser(t testing.TB) context.Context {
	t.Helper()
	path := ""
	for _, n := range browserNames {
		if p, err := exec.LookPath(n); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		msg := "no browser found (" + strings.Join(browserNames, ", ") + " on $PATH): scripts/install-chromium.sh installs Debian's chromium"
		if os.Getenv("AIOWEB_REQUIRE_BROWSER") != "" || os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // as root on a CI machine
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 800),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// screenshotDir is where the browser test saves its screenshots: the
// directory $AIOWEB_SCREENSHOTS names (a CI artefact), else a temp dir.
func screenshotDir(t testing.TB) string {
	if d := os.Getenv("AIOWEB_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func screenshot(dir, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		buf, err := chromedp.CaptureScreenshot()(ctx, t) // a PNG of the window
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
			return err
		}
		if *updateScreenshots {
			return os.WriteFile(filepath.Join("..", "docs", "img", name), buf, 0o644)
		}
		return nil
	})
}

// waitJS waits, in the page, until the expression is true: a
// MutationObserver checks it after each change of the DOM, so the wait
// ends with the change, not at the next poll.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	js := `new Promise((resolve) => {
  const ok = () => { try { return !!(` + expr + `); } catch (e) { return false; } };
  if (ok()) { resolve(true); return; }
  const o = new MutationObserver(() => { if (ok()) { o.disconnect(); resolve(true); } });
  o.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})`
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)(ctx, t)
		return err
	})
}

// eval runs expr and stores its value in *v.
func eval[T any](expr string, v *T) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) (err error) {
		*v, err = chromedp.Evaluate[T](expr)(ctx, t)
		return err
	})
}

// get stores an action's value in *v.
func get[T any](a chromedp.Action[T], v *T) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) (err error) {
		*v, err = a(ctx, t)
		return err
	})
}

// TestDashboardInBrowser opens a running dashboard in headless chromium:
// it sees the tasks (a task named <script> as text), clicks stop on blink
// and sees its dot turn yellow without a reload, types a grep and sees
// only matching lines, and sets bad JSON as arguments and sees the error.
// No request leaves the dashboard's origin. Screenshots of each page go
// to screenshotDir (and docs/img with -update-screenshots).
func TestDashboardInBrowser(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t)
	dir := screenshotDir(t)

	var mu sync.Mutex
	var requests, dialogs []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *cdppage.EventJavascriptDialogOpening:
			dialogs = append(dialogs, e.Message)
		}
	}); err != nil {
		t.Fatal(err)
	}
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// The overview: the printed address, traded for a cookie.
	var url, evil string
	var nScripts int
	run("open the dashboard", chromedp.Navigate(f.d.URL(f.srv)),
		chromedp.WaitVisible(`#tasks tr[data-name="blink"]`),
		waitJS(`document.body.dataset.snapshots > 0`), // the stream's first snapshot is in
		get(chromedp.Location(), &url),
		get(chromedp.Text(`#tasks tr[data-name^="<script"] a`), &evil),
		eval(`document.querySelectorAll("script").length`, &nScripts))
	if strings.Contains(url, "token") || url != f.base+"/" {
		t.Errorf("address after the first visit: %s (the token must be gone)", url)
	}
	if evil != evilName || nScripts != 1 {
		t.Errorf("task %q shown as %q; %d scripts in the page", evilName, evil, nScripts)
	}

	// Stop blink: its dot turns yellow by the live stream, in the same page.
	var same bool
	run("stop blink",
		eval(`window.__noReload = true`, &same),
		chromedp.Click(`#tasks tr[data-name="blink"] button[data-verb="stop"]`),
		waitJS(`document.querySelector('#tasks tr[data-name="blink"] .dot').classList.contains("st-yellow")`),
		eval(`window.__noReload === true`, &same),
		screenshot(dir, "overview.png"))
	if !same {
		t.Error("the page reloaded")
	}
	if tk, _ := f.g.Get("blink"); tk.State().String() != "stopped" {
		t.Errorf("blink is %s after the click", tk.State())
	}
	run("start blink again", chromedp.Click(`#tasks tr[data-name="blink"] button[data-verb="start"]`),
		waitJS(`document.querySelector('#tasks tr[data-name="blink"] .dot').classList.contains("st-green")`))

	// The filter box hides what its * pattern does not match.
	var shown []string
	run("filter", chromedp.SendKeys(`#filter`, "b*"),
		waitJS(`document.querySelector('#tasks tr[data-name="answer"]').classList.contains("hidden")`),
		eval(`[...document.querySelectorAll("#tasks tr:not(.hidden)")].map(r => r.dataset.name)`, &shown))
	if strings.Join(shown, ",") != "blink" {
		t.Errorf("filter b*: rows %q, want blink", shown)
	}

	// The log page: a grep leaves only matching lines.
	var lines []string
	run("log page", chromedp.Navigate(f.base+"/log"),
		waitJS(`[...document.querySelectorAll("#lines li")].some(li => li.textContent.includes("division by zero"))`),
		chromedp.SendKeys(`#grep`, "LED"),
		waitJS(`(() => { const l = [...document.querySelectorAll("#lines li")];
		  return l.length > 0 && l.every(li => li.textContent.includes("LED")); })()`),
		eval(`[...document.querySelectorAll("#lines li")].map(li => li.textContent)`, &lines),
		screenshot(dir, "log.png"))
	for _, l := range lines {
		if !strings.Contains(l, "LED") {
			t.Errorf("grep LED shows %q", l)
		}
	}
	var html string
	run("HTML in a log line", chromedp.SetValue(`#grep`, "bol"), chromedp.SendKeys(`#grep`, "d"), // the key fires input
		waitJS(`[...document.querySelectorAll("#lines li")].some(li => li.textContent.includes("<b>bold</b>"))`),
		get(chromedp.InnerHTML(`#lines`), &html))
	if strings.Contains(html, "<b>") || strings.Contains(html, "<img") {
		t.Errorf("a log line's HTML became markup: %s", html)
	}

	// The task page: bad JSON as arguments gets the verb's error.
	var msg string
	run("bad args", chromedp.Navigate(f.base+"/task?name=blink"),
		chromedp.WaitVisible(`#args`),
		chromedp.SetValue(`#args`, `{"pin": `),
		chromedp.Click(`#args-form button[type=submit]`),
		chromedp.WaitVisible(`#args-error`),
		get(chromedp.Text(`#args-error`), &msg),
		screenshot(dir, "task.png"))
	if !strings.Contains(msg, "JSON") {
		t.Errorf("bad args: error %q", msg)
	}
	run("services page", chromedp.Navigate(f.base+"/services"), chromedp.WaitVisible(`#boot-order`),
		screenshot(dir, "services.png"))

	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		if !strings.HasPrefix(u, f.base+"/") {
			t.Errorf("a request left the dashboard: %s", u)
		}
	}
	if len(dialogs) > 0 {
		t.Errorf("script ran from untrusted text: dialogs %q", dialogs)
	}
	t.Logf("screenshots in %s", dir)
}
