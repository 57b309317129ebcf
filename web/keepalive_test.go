package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The site map, the country page's fact tables and a renewed session, over one keep-alive
// connection of a real listening server: fasthttp reuses a connection's buffers from one
// request to the next, so anything kept from a request past its end (a cache key, a remembered
// session) would show there, and never through app.Test.
func TestKeepAliveServesWhatItServedFirst(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	base := listen(t, app)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) string {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.Status + "\n" + string(b)
	}
	index := get("/sitemap.xml")
	paths := []string{"/sitemap.xml", "/fr/countries/CV", "/en/countries/CV"}
	for _, loc := range regexp.MustCompile(`<loc>([^<]+)</loc>`).FindAllStringSubmatch(index, 4) {
		paths = append(paths, loc[1])
	}
	first := map[string]string{}
	for round := range 3 {
		for _, p := range paths {
			body := get(p)
			if round == 0 {
				first[p] = body
			} else if body != first[p] {
				t.Fatalf("round %d: %s changed on a reused connection", round, p)
			}
		}
	}
	// A session renewed on this connection names its user on the next requests.
	resp, err := client.Get(base + "/en/signup")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(page))
	if token == nil {
		t.Fatal("no form token")
	}
	resp, err = client.PostForm(base+"/en/signup", url.Values{"csrf": {token[1]}, "email": {"keepalive@example.org"}, "password": {"a long passphrase of mine"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	u, _ := url.Parse(base)
	var kept []*http.Cookie
	for _, c := range jar.Cookies(u) {
		if c.Name != "dim_access" {
			kept = append(kept, c)
		}
	}
	fresh, _ := cookiejar.New(nil)
	fresh.SetCookies(u, kept) // the access cookie expired: the next request renews it
	client.Jar = fresh
	for range 3 {
		if body := get("/en/account"); !strings.HasPrefix(body, "200") || !strings.Contains(body, "keepalive@example.org") {
			t.Fatalf("the renewed session: %.200s", body)
		}
		get("/sitemap.xml")
	}
}
