package aioweb

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

// The dashboard opens only with the token; the first visit trades it for
// a cookie (HttpOnly, SameSite=Strict) and drops it from the address.
func TestTokenForCookie(t *testing.T) {
	f := newFixture(t)
	anon := noRedirect(t, nil)
	for _, path := range []string{"/", "/task?name=blink", "/log", "/services", "/events", "/log/events", "/static/app.js",
		"/?token=wrong-token-wrong-token-wrong", "/?token="} {
		resp, err := anon.Get(f.base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s without the cookie: %s, want 401", path, resp.Status)
		}
	}

	jar, _ := cookiejar.New(nil)
	c := noRedirect(t, jar)
	resp, err := c.Get(f.base + "/services?token=" + testToken + "&x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/services?x=1" {
		t.Fatalf("first visit: %s to %q, want 303 to /services?x=1", resp.Status, resp.Header.Get("Location"))
	}
	sc := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %s", sc, want)
		}
	}
	if strings.Contains(sc, testToken) {
		t.Errorf("the cookie holds the token itself: %q", sc)
	}
	resp, err = c.Get(f.base + "/services?x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("with the cookie: %s", resp.Status)
	}

	// The redirect stays on this host, whatever the path.
	for _, path := range []string{"//evil.example/x", "/\\evil.example"} {
		req, _ := http.NewRequest(http.MethodGet, f.base+"/", nil)
		req.URL.Path = path
		req.URL.RawQuery = "token=" + testToken
		resp, err := noRedirect(t, nil).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Errorf("first visit at %q: redirect to %q, want /", path, loc)
		}
	}

	// A forged cookie is refused.
	req, _ := http.NewRequest(http.MethodGet, f.base+"/", nil)
	req.AddCookie(&http.Cookie{Name: cookieName(req.URL.Host), Value: strings.Repeat("0", 64)})
	if got := status(t, anon, req); got != http.StatusUnauthorized {
		t.Errorf("forged cookie: %d, want 401", got)
	}

	// The cookie is no key to the API: /v1/ wants the bearer token.
	req, _ = http.NewRequest(http.MethodPost, f.base+"/v1/exec", strings.NewReader(`{"argv": ["stop", "blink"]}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST /v1/exec with the cookie: %s, want 401", resp.Status)
	}
	// …and the API still takes the bearer token.
	req, _ = http.NewRequest(http.MethodGet, f.base+"/v1/health", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	if got := status(t, anon, req); got != http.StatusOK {
		t.Errorf("GET /v1/health with the token: %d", got)
	}
}

// A page that reaches the loopback server under another host name (DNS
// rebinding) is refused, even with the token.
func TestForeignHostRefused(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest(http.MethodGet, tokenURL(f.base, testToken), nil)
	req.Host = "evil.example:80"
	resp, err := noRedirect(t, nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("Host evil.example: %s, want 403", resp.Status)
	}
}

// Every mutating request needs the page's CSRF token, and a cross-site
// one is refused even with it.
func TestCrossSitePostRefused(t *testing.T) {
	f := newFixture(t)
	post := func(hdr map[string]string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, f.base+"/exec", strings.NewReader(`{"argv": ["stop", "blink"]}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := f.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for name, hdr := range map[string]map[string]string{
		"no CSRF token":         {},
		"wrong CSRF token":      {csrfHeader: strings.Repeat("a", len(f.d.csrf))},
		"cross-site, with it":   {csrfHeader: f.d.csrf, "Sec-Fetch-Site": "cross-site"},
		"foreign Origin, with":  {csrfHeader: f.d.csrf, "Origin": "http://evil.example"},
		"same-site, other port": {csrfHeader: f.d.csrf, "Sec-Fetch-Site": "same-site"},
	} {
		if got := post(hdr); got != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, got)
		}
	}
	if tk, _ := f.g.Get("blink"); tk.State().String() != "running" {
		t.Fatalf("a refused POST stopped blink: %s", tk.State())
	}
	if got := post(map[string]string{csrfHeader: f.d.csrf, "Sec-Fetch-Site": "same-origin"}); got != http.StatusOK {
		t.Errorf("same-origin with the CSRF token: %d, want 200", got)
	}
}

// Every answer carries the strict policy: no inline script, nothing from
// elsewhere.
func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/", "/task?name=blink", "/log", "/services", "/static/app.js", "/static/style.css"} {
		resp, _ := f.get(t, path)
		if got := resp.Header.Get("Content-Security-Policy"); got != csp {
			t.Errorf("%s: CSP %q", path, got)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
	}
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP is not strict: %s", csp)
	}
}

// status sends req and returns the answer's status code.
func status(t testing.TB, c *http.Client, req *http.Request) int {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
