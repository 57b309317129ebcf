package api_test

// Tests of the trust defects: each reproduces an attack or a race that once succeeded.

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

// listen serves app on a loopback port, as the binary does, and returns its address. Unlike
// app.Test, a real listener reuses fasthttp's buffers across the requests of one connection,
// which is what a string kept past its request is overwritten by.
func listen(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	return ln.Addr().String()
}

// rawExchange sends raw HTTP/1.1 requests one after the other on one keep-alive connection and
// returns the responses, so that every request reuses the buffers of the one before.
func rawExchange(t *testing.T, addr string, requests []string) []*http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(conn)
	var out []*http.Response
	for _, raw := range requests {
		if _, err := io.WriteString(conn, raw); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(strings.NewReader(string(body)))
		out = append(out, resp)
	}
	return out
}

func bodyOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// /metrics stays readable after requests of different methods and lengths on one keep-alive
// connection: a label once kept c.Method() over the reused buffer ("GETCH", "DELET"), and
// Prometheus then refused to collect two series with the same labels (500 for good).
func TestMetricsSurviveKeepAlive(t *testing.T) {
	a := newAPI(t)
	addr := listen(t, a.app)
	var reqs []string
	for range 3 {
		reqs = append(reqs,
			"PUT /v1/me/profile HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
			"GET /v1/me/profile HTTP/1.1\r\nHost: x\r\n\r\n",
			"DELETE /v1/me HTTP/1.1\r\nHost: x\r\n\r\n",
			"PATCH /v1/me HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
			"GET /v1/countries HTTP/1.1\r\nHost: x\r\n\r\n",
			"OPTIONS /v1/countries HTTP/1.1\r\nHost: x\r\n\r\n",
			"TRACE /v1/countries HTTP/1.1\r\nHost: x\r\n\r\n")
	}
	reqs = append(reqs, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
	resps := rawExchange(t, addr, reqs)
	for _, resp := range resps[len(resps)-2:] {
		body := bodyOf(t, resp)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/metrics answered %d: %.300s", resp.StatusCode, body)
		}
		for _, m := range regexp.MustCompile(`method="([^"]*)"`).FindAllStringSubmatch(body, -1) {
			switch m[1] {
			case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other":
			default:
				t.Errorf("metric label method=%q", m[1])
			}
		}
		if !strings.Contains(body, `method="DELETE"`) || !strings.Contains(body, `method="other"`) {
			t.Errorf("the requests sent are not counted:\n%.2000s", body)
		}
	}
}

// A hostile Host (or X-Forwarded-Host from a client that is no trusted proxy) never reaches a
// shared answer: the Atom feed is read first by the attacker, then by anyone, through the
// cache, over a real connection.
func TestHostNeverReachesSharedAnswers(t *testing.T) {
	for _, publicURL := range []string{"", "https://invest.example.org"} {
		t.Run("PUBLIC_URL="+publicURL, func(t *testing.T) {
			cache := api.NewCache(1<<20, time.Minute)
			cache.Live(true)
			a := newAPIWith(t, func(c *api.Config) { c.Cache = cache; c.PublicURL = publicURL })
			addr := listen(t, a.app)
			feed := "/v1/countries/CV/opportunities.atom?lang=pt"
			list := "/v1/countries/CV/opportunities?limit=2"
			attack := rawExchange(t, addr, []string{
				"GET " + feed + " HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\n\r\n",
				"GET " + list + " HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\n\r\n",
			})
			reader := rawExchange(t, addr, []string{
				"GET " + feed + " HTTP/1.1\r\nHost: " + addr + "\r\n\r\n",
				"GET " + list + " HTTP/1.1\r\nHost: " + addr + "\r\n\r\n",
			})
			for i, resp := range append(attack, reader...) {
				body := bodyOf(t, resp)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("answer %d: %d %.300s", i, resp.StatusCode, body)
				}
				all := body + resp.Header.Get("Link")
				if strings.Contains(all, "evil.example") {
					t.Errorf("answer %d carries the attacker's host: %.500s", i, all)
				}
				if publicURL == "" && (strings.Contains(all, "http://") && !strings.Contains(all, "http://www.w3.org")) {
					t.Errorf("answer %d has an absolute link without PUBLIC_URL: %.500s", i, all)
				}
				if publicURL != "" && i%2 == 0 && !strings.Contains(body, `href="`+publicURL+`/v1/`) {
					t.Errorf("the feed's links do not start with PUBLIC_URL: %.800s", body)
				}
				if publicURL != "" && i%2 == 1 && !strings.HasPrefix(resp.Header.Get("Link"), "<"+publicURL+"/v1/") {
					t.Errorf("Link %q does not start with PUBLIC_URL", resp.Header.Get("Link"))
				}
			}
			if hits, _, _, _ := cache.Stats(); hits < 2 {
				t.Errorf("the reader was not served from the cache (%d hits): the test proves nothing", hits)
			}
		})
	}
}

// The served document's server is where it is served: "/" without PUBLIC_URL (Swagger UI's
// "Try it out" then calls the page's own origin, whatever the port), PUBLIC_URL with it.
func TestServedDocumentServers(t *testing.T) {
	a := newAPI(t)
	if body := string(a.get("/openapi.yaml").body); !strings.Contains(body, "servers:\n  - url: /\n") {
		t.Errorf("servers of the served document: %.300s", body[strings.Index(body, "servers:"):])
	}
	a = newAPIWith(t, func(c *api.Config) { c.PublicURL = "https://invest.example.org" })
	if body := string(a.get("/openapi.yaml").body); !strings.Contains(body, "servers:\n  - url: https://invest.example.org\n") {
		t.Errorf("servers with PUBLIC_URL: %.300s", body[strings.Index(body, "servers:"):])
	}
}

func TestPublicURLAndSecretChecks(t *testing.T) {
	for raw, want := range map[string]string{
		"https://invest.example.org/":     "https://invest.example.org",
		"http://127.0.0.1:8080":           "http://127.0.0.1:8080",
		"invest.example.org":              "",
		"https://invest.example.org?x=1":  "",
		"ftp://invest.example.org":        "",
		"https://user@invest.example.org": "",
	} {
		got, err := api.ParsePublicURL(raw)
		if (err == nil) != (want != "") || got != want {
			t.Errorf("ParsePublicURL(%q) = %q, %v", raw, got, err)
		}
	}
	for secret, ok := range map[string]bool{
		strings.Repeat(" ", 34):                  false,
		strings.Repeat("a", 40):                  false,
		"short":                                  false,
		"abababababababababababababababababab":   false,
		"kP3v9QxR2mT7wZ1yL8nB4cF6hJ0sD5gA":       true,
		"crash-test-secret-of-at-least-32-bytes": true,
	} {
		if err := api.CheckSecret(secret); (err == nil) != ok {
			t.Errorf("CheckSecret(%q): %v", secret, err)
		}
	}
}

// A refresh racing the erasure of its account answers 200 (it came first) or 401 (the account
// is gone), never a 500: the user is read inside the rotating transaction.
func TestRefreshRacingErasure(t *testing.T) {
	a := newAPI(t)
	store := repository.New(a.db)
	hash, err := domain.HashPassword(context.Background(), "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	for trial := range 40 {
		// Accounts made in the database: 40 sign-ups would spend the address's budget.
		email := fmt.Sprintf("racer%d@example.org", trial)
		if _, err := store.CreateUser(context.Background(), email, hash, "", nil); err != nil {
			t.Fatal(err)
		}
		var acc account
		acc.access, acc.refresh = a.login(email, "correct horse battery staple")
		var wg sync.WaitGroup
		var refreshStatus, eraseStatus int
		wg.Add(2)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest(http.MethodPost, "/v1/auth/refresh", strings.NewReader(`{"refresh_token":"`+acc.refresh+`"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := a.app.Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			refreshStatus = resp.StatusCode
		}()
		go func() {
			defer wg.Done()
			req := httptest.NewRequest(http.MethodDelete, "/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+acc.access)
			resp, err := a.app.Test(req, -1)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			eraseStatus = resp.StatusCode
		}()
		wg.Wait()
		if eraseStatus != http.StatusNoContent {
			t.Fatalf("trial %d: erasure answered %d", trial, eraseStatus)
		}
		if refreshStatus != http.StatusOK && refreshStatus != http.StatusUnauthorized {
			t.Fatalf("trial %d: a refresh racing erasure answered %d, want 200 or 401", trial, refreshStatus)
		}
	}
}

// Only a validator the server issued makes a 304 free. `If-None-Match: *` and made-up tags
// count like any read, with a cache or without, for an address and for an API key.
func TestQuotasCountUnderEveryCacheHeader(t *testing.T) {
	for _, cached := range []bool{false, true} {
		t.Run(fmt.Sprintf("cache=%v", cached), func(t *testing.T) {
			a := newAPIWith(t, func(c *api.Config) {
				c.APIKeyQuota, c.AnonymousQuota = 4, 4
				c.QuotaWindow = time.Hour // windows are fixed: a minute boundary mid-test would reset the count
				if cached {
					c.Cache = api.NewCache(1<<20, time.Minute)
					c.Cache.Live(true)
				}
			})
			ana := a.signUp("ana.wildcard@example.org")
			_, key := a.createKey(ana, "catalogue:read")
			target := "/v1/opportunities?q=turismo&facets=sector"
			for _, who := range [][]string{nil, withKey(key)} {
				first := a.get(target, who...)
				expect(t, first, http.StatusOK)
				// The real validator revalidates for free, again and again.
				for range 3 {
					r := a.get(target, append([]string{"If-None-Match", first.header.Get("ETag")}, who...)...)
					expect(t, r, http.StatusNotModified)
					if r.header.Get("RateLimit-Remaining") != "3" {
						t.Fatalf("a real revalidation was counted: RateLimit-Remaining %q", r.header.Get("RateLimit-Remaining"))
					}
				}
				// Anything else spends the budget, 304 or not.
				for i, inm := range []string{"*", `W/"made-up"`, `"x", *`} {
					r := a.get(target, append([]string{"If-None-Match", inm}, who...)...)
					if want := strconv.Itoa(2 - i); r.header.Get("RateLimit-Remaining") != want {
						t.Fatalf("If-None-Match %s: status %d, RateLimit-Remaining %q, want %s", inm, r.status, r.header.Get("RateLimit-Remaining"), want)
					}
				}
				problemOf(t, a.get(target, append([]string{"If-None-Match", "*"}, who...)...), http.StatusTooManyRequests, "/problems/too-many-requests")
			}
		})
	}
}

// join invites member to owner's organization and has them accept.
func (a *testAPI) join(owner, member agent, role string) {
	a.t.Helper()
	body := map[string]any{"email": member.email}
	if role != "" {
		body["role"] = role
	}
	r := a.send(http.MethodPost, "/v1/organizations/"+owner.org+"/invitations", body, bearer(owner.access)...)
	expect(a.t, r, http.StatusCreated)
	inv := r.json(a.t)
	expect(a.t, a.send(http.MethodPost, "/v1/me/invitations/"+inv["id"].(string)+"/accept", nil, bearer(member.access)...), http.StatusOK)
}

// Nobody becomes a member without accepting, inviting tells nothing about accounts, and
// invitations can be declined, withdrawn and expire.
func TestInvitations(t *testing.T) {
	a := newAPI(t)
	ana := a.founder("ana.invites@agency.cv", "Agência Convites")
	bia := a.user("bia.invited@example.org")
	admin := a.admin("admin.invited@example.org")
	invitations := "/v1/organizations/" + ana.org + "/invitations"
	members := "/v1/organizations/" + ana.org + "/members"
	memberIDs := func() []string {
		var ids []string
		for _, m := range a.get(members, bearer(ana.access)...).items(t) {
			ids = append(ids, m["user_id"].(string))
		}
		return ids
	}

	// An account and an unknown address get the same answer, and neither becomes a member.
	known := a.send(http.MethodPost, invitations, map[string]any{"email": "BIA.invited@example.org"}, bearer(ana.access)...)
	unknown := a.send(http.MethodPost, invitations, map[string]any{"email": "nobody.here@example.org"}, bearer(ana.access)...)
	expect(t, known, http.StatusCreated)
	expect(t, unknown, http.StatusCreated)
	k, u := known.json(t), unknown.json(t)
	if k["status"].(map[string]any)["code"] != "pending" || u["status"].(map[string]any)["code"] != "pending" ||
		len(k) != len(u) || k["email"] != "bia.invited@example.org" {
		t.Errorf("invitations differ by account: %s / %s", known.body, unknown.body)
	}
	if !strings.HasSuffix(known.header.Get("Location"), "/invitations/"+k["id"].(string)) {
		t.Errorf("Location %q", known.header.Get("Location"))
	}
	// The administrator is not made a member by being invited either.
	expect(t, a.send(http.MethodPost, invitations, map[string]any{"email": admin.email}, bearer(ana.access)...), http.StatusCreated)
	if ids := memberIDs(); len(ids) != 1 {
		t.Fatalf("members before any answer: %v", ids)
	}

	// Bia sees hers only; nobody else can answer it; an API key cannot see or answer it.
	mine := a.get("/v1/me/invitations", bearer(bia.access)...).items(t)
	if len(mine) != 1 || mine[0]["id"] != k["id"] || mine[0]["organization"].(map[string]any)["id"] != ana.org {
		t.Fatalf("bia's invitations %v", mine)
	}
	if others := a.get("/v1/me/invitations", bearer(admin.access)...).items(t); len(others) != 1 || others[0]["id"] == k["id"] {
		t.Errorf("the administrator sees %v", others)
	}
	problemOf(t, a.send(http.MethodPost, "/v1/me/invitations/"+k["id"].(string)+"/accept", nil, bearer(admin.access)...), http.StatusNotFound, "/problems/not-found")
	_, key := a.createKey(bia.account, "profile:read", "profile:write")
	problemOf(t, a.get("/v1/me/invitations", withKey(key)...), http.StatusForbidden, "/problems/insufficient-scope")
	problemOf(t, a.send(http.MethodPost, "/v1/me/invitations/"+k["id"].(string)+"/accept", nil, withKey(key)...), http.StatusForbidden, "/problems/insufficient-scope")

	// Declined: not a member, and it cannot be accepted afterwards.
	expect(t, a.send(http.MethodPost, "/v1/me/invitations/"+k["id"].(string)+"/decline", nil, bearer(bia.access)...), http.StatusNoContent)
	problemOf(t, a.send(http.MethodPost, "/v1/me/invitations/"+k["id"].(string)+"/accept", nil, bearer(bia.access)...), http.StatusNotFound, "/problems/not-found")
	if slices.Contains(memberIDs(), bia.id) {
		t.Fatal("a declined invitation made a member")
	}
	// Invited again, as owner this time: accepted, she is an owner.
	a.join(ana, bia, "owner")
	list := a.get(members, bearer(ana.access)...).items(t)
	if len(list) != 2 || list[1]["user_id"] != bia.id || list[1]["role"].(map[string]any)["code"] != "owner" {
		t.Errorf("members %v", list)
	}
	// Withdrawn: gone from the invitee's list; expired: cannot be accepted.
	caio := a.user("caio.invited@example.org")
	r := a.send(http.MethodPost, invitations, map[string]any{"email": caio.email}, bearer(ana.access)...)
	expect(t, r, http.StatusCreated)
	id := r.json(t)["id"].(string)
	expect(t, a.send(http.MethodDelete, invitations+"/"+id, nil, bearer(ana.access)...), http.StatusNoContent)
	if l := a.get("/v1/me/invitations", bearer(caio.access)...).items(t); len(l) != 0 {
		t.Errorf("a withdrawn invitation is still shown: %v", l)
	}
	problemOf(t, a.send(http.MethodDelete, invitations+"/"+id, nil, bearer(ana.access)...), http.StatusNotFound, "/problems/not-found")
	r = a.send(http.MethodPost, invitations, map[string]any{"email": caio.email}, bearer(ana.access)...)
	id = r.json(t)["id"].(string)
	a.exec(`UPDATE organization_invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, id)
	problemOf(t, a.send(http.MethodPost, "/v1/me/invitations/"+id+"/accept", nil, bearer(caio.access)...), http.StatusNotFound, "/problems/not-found")
	var statuses []string
	for _, inv := range a.get(invitations, bearer(ana.access)...).items(t) {
		statuses = append(statuses, inv["status"].(map[string]any)["code"].(string))
	}
	if !slices.Equal(statuses, []string{"expired", "revoked", "accepted", "pending", "pending", "declined"}) {
		t.Errorf("statuses seen by the owner: %v", statuses)
	}
	// A plain member cannot list the invitations.
	a.join(ana, caio, "")
	problemOf(t, a.get(invitations, bearer(caio.access)...), http.StatusForbidden, "/problems/forbidden")
}

// A verified organization's identity is changed by an administrator only, and never into
// another verified organization's name or acronym in the same country.
func TestVerifiedIdentity(t *testing.T) {
	a := newAPI(t)
	admin := a.admin("admin.identity@example.org")
	ana := a.founder("ana.identity@agency.cv", "Agência Honesta")
	a.verify(admin, ana.org)
	path := "/v1/organizations/" + ana.org
	// A real, verified agency of the seed, with an acronym.
	var regulator, acronym string
	if err := a.db.QueryRow(`SELECT name, acronym FROM organizations WHERE verified AND country_code = 'CV' AND acronym IS NOT NULL ORDER BY name LIMIT 1`).Scan(&regulator, &acronym); err != nil {
		t.Fatal(err)
	}

	for _, body := range []map[string]any{{"name": regulator}, {"acronym": acronym}, {"website": "https://www.bcv.cv"}, {"name": "Outra Agência"}} {
		p := problemOf(t, a.send(http.MethodPatch, path, body, bearer(ana.access)...), http.StatusForbidden, "/problems/forbidden")
		if !strings.Contains(p["detail"].(string), "administrator") {
			t.Errorf("detail %q", p["detail"])
		}
	}
	org := a.get(path, bearer(ana.access)...).json(t)
	if org["name"] != "Agência Honesta" || org["verified"] != true {
		t.Fatalf("after refused renames: %v", org)
	}
	// An unchanged PATCH changes nothing and is allowed.
	expect(t, a.send(http.MethodPatch, path, map[string]any{"name": "Agência Honesta"}, bearer(ana.access)...), http.StatusOK)
	// The administrator may rename it, but not into the regulator.
	problemOf(t, a.send(http.MethodPatch, path, map[string]any{"name": asciiUpper(regulator)}, bearer(admin.access)...), http.StatusConflict, "/problems/conflict")
	problemOf(t, a.send(http.MethodPatch, path, map[string]any{"acronym": strings.ToLower(acronym)}, bearer(admin.access)...), http.StatusConflict, "/problems/conflict")
	r := a.send(http.MethodPatch, path, map[string]any{"name": "Agência Honesta de Cabo Verde"}, bearer(admin.access)...)
	expect(t, r, http.StatusOK)
	if o := r.json(t); o["verified"] != true || o["name"] != "Agência Honesta de Cabo Verde" {
		t.Errorf("after the administrator's rename %v", o)
	}
	// An unverified organization named like a verified one cannot be verified.
	eve := a.founder("eve.identity@example.org", regulator)
	problemOf(t, a.send(http.MethodPost, "/v1/organizations/"+eve.org+"/verify", nil, bearer(admin.access)...), http.StatusConflict, "/problems/conflict")
	// The refused renames left no trace; the administrator's did.
	var actions []string
	for _, e := range a.get(path+"/history?limit=100", bearer(ana.access)...).items(t) {
		actions = append(actions, e["action"].(map[string]any)["code"].(string))
	}
	if !slices.Equal(actions, []string{"create", "verify", "update"}) {
		t.Errorf("history %v", actions)
	}
}

// asciiUpper upper-cases ASCII letters only: the database's lower() folds those whatever the
// cluster's locale.
func asciiUpper(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// Headers past the limit are a 431 problem (once a 400 with instance "/"), and answers the
// server gives before any middleware runs (431, 413) are logged and counted like the others.
func TestRefusedBeforeRoutingAreCounted(t *testing.T) {
	a := newAPI(t)
	addr := listen(t, a.app)
	huge := "GET /v1/countries HTTP/1.1\r\nHost: x\r\nX-Padding: " + strings.Repeat("a", 40<<10) + "\r\n\r\n"
	resp := rawExchange(t, addr, []string{huge})[0]
	body := bodyOf(t, resp)
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge || !strings.Contains(body, `"type":"/problems/header-too-large"`) {
		t.Fatalf("40 KB of headers: %d %s", resp.StatusCode, body)
	}
	big := "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n" + strings.Repeat(" ", 2000000)
	resp = rawExchange(t, addr, []string{big})[0]
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("2 MB body: %d %s", resp.StatusCode, bodyOf(t, resp))
	}
	metrics := bodyOf(t, rawExchange(t, addr, []string{"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"})[0])
	for _, status := range []string{"431", "413"} {
		if !strings.Contains(metrics, `route="unmatched",status="`+status+`"`) {
			t.Errorf("no %s counted in /metrics", status)
		}
	}
}

// A PATCH of one end of the validity window is checked against the stored other end (found by
// generated traffic: the table's CHECK answered with a 500).
func TestValidityWindowAgainstStoredEnd(t *testing.T) {
	a := newAPI(t)
	admin := a.admin("admin.window@example.org")
	var id string
	if err := a.db.Get(&id, `SELECT id::text FROM incentives WHERE valid_from IS NOT NULL ORDER BY slug LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	p := problemOf(t, a.send(http.MethodPatch, "/v1/incentives/"+id, map[string]any{"valid_until": "1901-01-01"}, bearer(admin.access)...),
		http.StatusBadRequest, "/problems/invalid-body")
	if fieldErrors(p)["valid_until"] != "before_start" {
		t.Errorf("errors %v", fieldErrors(p))
	}
	expect(t, a.send(http.MethodPatch, "/v1/incentives/"+id, map[string]any{"valid_until": "2999-01-01"}, bearer(admin.access)...), http.StatusOK)
}

// Cached catalogue reads of different paths, one after the other on one keep-alive connection,
// first from the database and then from memory (plain and gzip), each answer what its own path
// asks for: a cache key or header kept over Fiber's reused buffers would serve one path's
// answer for another's, which app.Test cannot show.
func TestCachedReadsSurviveKeepAlive(t *testing.T) {
	cache := api.NewCache(1<<20, time.Minute) // not live yet: the expected answers are read without it
	a := newAPIWith(t, func(c *api.Config) { c.Cache = cache })
	addr := listen(t, a.app)
	paths := []string{"/v1/countries/CV", "/v1/opportunities?limit=3", "/v1/countries",
		"/v1/incentives?country=CV&limit=2", "/v1/exchange-rates", "/v1/programmes?limit=1"}
	wants := make([]response, len(paths))
	for i, p := range paths {
		wants[i] = a.get(p)
	}
	cache.Live(true)
	var plain, gzipped []string
	for range 2 {
		for _, p := range paths {
			plain = append(plain, "GET "+p+" HTTP/1.1\r\nHost: x\r\n\r\n")
			gzipped = append(gzipped, "GET "+p+" HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")
		}
	}
	resps := rawExchange(t, addr, append(plain, gzipped...))
	for i, resp := range resps {
		path := paths[i%len(paths)]
		body := bodyOf(t, resp)
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(strings.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			unzipped, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			body = string(unzipped)
		}
		want := wants[i%len(paths)]
		if resp.StatusCode != http.StatusOK || body != string(want.body) {
			t.Errorf("answer %d, %s: %d, not the path's own answer:\n%.200s\nwant:\n%.200s", i, path, resp.StatusCode, body, want.body)
		}
		if resp.Header.Get("ETag") != want.header.Get("ETag") || resp.Header.Get("Content-Language") != want.header.Get("Content-Language") {
			t.Errorf("answer %d, %s: ETag %q and language %q, want %q and %q", i, path, resp.Header.Get("ETag"),
				resp.Header.Get("Content-Language"), want.header.Get("ETag"), want.header.Get("Content-Language"))
		}
	}
	hits, _, _, _ := cache.Stats()
	if hits < uint64(len(resps)-len(paths)) {
		t.Errorf("%d answers from memory, want at least %d: the test did not read the cache", hits, len(resps)-len(paths))
	}
	// On another connection (other buffers) every path is still found: a key that pointed into
	// the first connection's buffer would now hold another request's bytes, and miss.
	rawExchange(t, addr, plain[:len(paths)])
	if after, _, _, _ := cache.Stats(); after-hits != uint64(len(paths)) {
		t.Errorf("another connection found %d of the %d kept answers", after-hits, len(paths))
	}
}
