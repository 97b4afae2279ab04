// Package aioweb is a live web dashboard for a program that aiotools
// steers: one call, Mount, puts it on the control server's HTTP handler.
//
//	cfg := control.Config{Components: c, Addr: "127.0.0.1:8080"}
//	d, err := aioweb.Mount(&cfg)      // before NewServer
//	srv, err := control.NewServer(cfg)
//	fmt.Println("dashboard:", d.URL(srv)) // http://127.0.0.1:8080/?token=…
//
// `aiotools demo` serves it by default (-web 127.0.0.1:0, "off" for none)
// and `aiotools run -web 127.0.0.1:8080` on request; both print the
// address. Building aiotools with -tags aiotools_noweb leaves it out.
//
// # Pages
//
// Server-rendered html/template pages with one small script and one style
// sheet, embedded in the binary (no build step, no framework, about 20 KB a
// page):
//
//   - / — every task with a state dot coloured as status colours it in a
//     terminal (green running; yellow stopped, stopping, restarting; red
//     error, gave-up; cyan scheduled; grey done), since or done-at, result,
//     next scheduled run, restarts, the start/stop/restart/delete buttons,
//     the count of tasks per state, and a filter box (a pattern with '*'
//     matches whole names as the verbs' patterns do; other text matches
//     names that contain it).
//   - /task?name=NAME — the task's debug status, its arguments as JSON to
//     edit (set args validates them; its error shows under the editor),
//     the traceback, the schedule with its next runs, its log lines, live.
//     NAME is a task's name: a '*' pattern gets 400 (the task list's
//     filter shows what it matches), a name that is no task 404, and
//     neither gets buttons or an editor.
//   - /log — the ring log as log -f shows it, live, with a grep box (text,
//     a '*' pattern, or a regular expression; smart case as the log verb),
//     a level filter, and "N lines lost" when the view fell behind the ring.
//   - /services — every service with an enable/disable toggle, its config
//     entry to edit (saved with services config, whose validation errors
//     show under it; a key taken out is deleted), and the boot order.
//
// Every button is a verb of the one command table (control/api): the page
// posts the command's words to /exec and the server's interpreter runs it,
// with the checks and messages aioctl gets. aioweb implements no verb.
// The body is one JSON object, {"argv": ["stop", "blink"], "json": false}:
// data after it (a second command), an unknown field or a value of the
// wrong JSON type is refused with 400 (bad_request), runs nothing, and the
// message names the field and the JSON type it wants, or quotes the data
// after the object.
//
// A page asked with a method it does not take (DELETE /, POST /log, GET
// /exec) answers 405 with an Allow header; a path that is no page nor
// endpoint (/favicon.ico) 404 with a message naming the pages and the
// API's endpoints. Both are JSON errors with the API's stable codes
// (method_not_allowed, no_endpoint), the path quoted in Go syntax.
//
// # Live updates
//
// The pages follow Server-Sent Events, without polling. /events sends the
// status verb's JSON once, then after every state change of a task (the
// group's watcher wakes it; a burst of changes gives one snapshot). Its ids
// count the changes, so a browser reconnecting with Last-Event-ID gets no
// snapshot it already shows. /log/events is the follow verb's stream, its
// ids the lines' sequence numbers: a browser reconnecting gets the lines
// after its last one, and a "lines lost" event for those the ring
// overwrote meanwhile. Ids carry a random epoch, so the ids of a program
// that restarted are not taken for this one's.
//
// # Security
//
//   - The same token as the control server's TCP API (given, or generated
//     and kept in the token file). The printed address carries it as
//     ?token=; the first visit trades it for a cookie (HttpOnly,
//     SameSite=Strict, one per port, holding an HMAC of the token rather
//     than the token) and redirects to the same address without it. A
//     request with neither gets 401. Comparisons are constant-time. The
//     cookie never opens /v1/, which wants the bearer token.
//   - Every mutating request (POST /exec) needs the page's CSRF token in
//     X-CSRF-Token and must not be cross-site (net/http's
//     CrossOriginProtection: Sec-Fetch-Site, Origin); otherwise 403.
//   - Content-Security-Policy: default-src 'none', script, style and
//     connections from the page's own origin only, no inline script or
//     style, no frames. Task names, results and log lines are untrusted:
//     the templates escape them, the script puts them in the page as text
//     only, and the event streams carry them as JSON (<, > and & escaped).
//     JSON shown to edit or read (arguments, config entries) is JSON as a
//     user writes it ("<b> & x", not "\u003cb\u003e \u0026 x"): the
//     page's escaping is html/template's.
//   - Without TLS the server listens on loopback only (the control server
//     refuses anything else) and the dashboard answers only to a loopback
//     Host (127.0.0.1, ::1, localhost), which keeps DNS rebinding out.
//     With control.Config.TLS the cookie is Secure.
//
// # Tests
//
// The handler tests cover each page and call, escaping, 401 and cross-site
// POSTs. TestDashboardInBrowser drives headless chromium with chromedp:
// scripts/install-chromium.sh installs Debian's; outside ./test.sh the
// test skips, saying so, when no browser is found. Its screenshots go to
// $AIOWEB_SCREENSHOTS (or a temporary directory); -update-screenshots also
// writes docs/img/*.png.
package aioweb
