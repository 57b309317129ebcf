package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// hostileCase is one request meant to hurt: the server must refuse or accept it with a 4xx or
// 2xx that openapi.yaml allows, never a 5xx nor an ERROR log line, and a 400 must name field.
type hostileCase struct {
	method, target string
	header         map[string]string
	body           []byte
	token          string
	field          string // the parameter or field a 400 must name; "" when none applies
	mustRefuse     bool   // a 2xx is a defect (NUL, broken UTF-8 … can never be accepted)
	null           bool   // field was set to null
}

// hostileJSONValues are raw JSON values put in place of a valid field value: encodings,
// invisible and control characters, numbers at the edges, wrong types, sizes.
var hostileJSONValues = []struct {
	raw        string
	mustRefuse bool // for a string field
}{
	// The first twelve are sent to every field; routes with room for more get the rest too.
	{`"a\u0000b"`, true}, {`"\ud800"`, true}, {"\"caf\xe9\"", true}, {`"\u001b[31mred"`, true}, {`"\u202eevil"`, false},
	{`"a\u200bb"`, false}, {`1e309`, false}, {`1234567890123456789012345678901234567890`, false}, {`null`, false},
	{`{"amount":{"AMOUNT":"1"}}`, false}, {`[[""]]`, false}, {`"` + strings.Repeat("é", 6000) + `"`, false},
	{`"\u0000"`, true}, {`"x\udfff"`, true}, {"\"\xff\xfe\xfd\"", true}, {`"\u0007"`, true}, {`"\u0085"`, true},
	{`"\u007f"`, true}, {`"x\u2066y\u2069"`, false}, {`"\ufeffbom"`, false}, {`""`, false}, {`"   "`, false},
	{`"<script>alert(1)</script>"`, false}, {`"'; DROP TABLE users; --"`, false}, {`"%00"`, false}, {`"\\u0000"`, false},
	{`-0`, false}, {`-1`, false}, {`0.5`, false}, {`true`, false}, {`[]`, false}, {`{}`, false},
}

// hostileQueryValues are percent-encoded query values.
var hostileQueryValues = []string{"%00", "a%00b", "%FF", "caf%E9", "%ED%A0%80", "%E2%80%AEx", "a%E2%80%8Bb", "%EF%BB%BF",
	"%1B%5B31m", "1e309", "-0", "1234567890123456789012345678901234567890", strings.Repeat("x", 3000), "",
	strings.Repeat("x,", 3000) + "x", "%25%30%30", "..%2F..%2Fetc%2Fpasswd"}

// mustRefuseQuery: query values that no parameter may accept.
func mustRefuseQuery(v string) bool {
	for _, bad := range []string{"%00", "%FF", "%E9", "%ED%A0", "%1B"} {
		if strings.Contains(v, bad) {
			return true
		}
	}
	return false
}

// TestHostileInputs sends hundreds of hostile requests to the real binary over kept-alive
// connections and proves: no 5xx, no ERROR log line, every 400 a problem naming the field, no
// answer much larger than its request, quotas counted whatever the cache headers say (only a
// validator the server issued gets a free 304), and no shared cache entry that differs by Host,
// Authorization or X-Forwarded-*.
func TestHostileInputs(t *testing.T) {
	const adminEmail, adminPassword = "ops@example.org", "operator long passphrase 2026"
	s, cmd, logs := startServer(t, "ADMIN_EMAIL="+adminEmail, "ADMIN_PASSWORD="+adminPassword,
		"API_KEY_QUOTA=5", "ANONYMOUS_QUOTA=100000")

	// One client whose connections are kept alive; dials counts how many it opened.
	var dials atomic.Int64
	transport := &http.Transport{MaxIdleConnsPerHost: 8, IdleConnTimeout: time.Minute,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}
	defer transport.CloseIdleConnections()
	s.client = &http.Client{Transport: transport, Timeout: 15 * time.Second}

	must := func(r reply, status int) map[string]any {
		t.Helper()
		if r.status != status {
			t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
		}
		if len(r.body) == 0 {
			return nil
		}
		return r.object(t)
	}
	login := func(email, password string, register bool) string {
		t.Helper()
		if register {
			must(s.json(http.MethodPost, "/v1/auth/register", map[string]any{"email": email, "password": password}, ""), http.StatusCreated)
		}
		return must(s.json(http.MethodPost, "/v1/auth/login", map[string]any{"email": email, "password": password}, ""), http.StatusOK)["access_token"].(string)
	}
	admin := login(adminEmail, adminPassword, false)
	// Writes are limited per user (120 a minute): hostile writes take turns among several.
	var writers []string
	for i := range 12 {
		writers = append(writers, login(fmt.Sprintf("writer%d@example.org", i), "a long passphrase for writing", true))
	}
	founder := writers[0]
	org := must(s.json(http.MethodPost, "/v1/organizations", map[string]any{"name": "Agência Hostil", "country": "CV", "type": "ngo"}, founder), http.StatusCreated)["id"].(string)
	must(s.json(http.MethodPost, "/v1/organizations/"+org+"/verify", nil, admin), http.StatusOK)
	for _, w := range writers[1:] {
		// Every writer may post content in the organization's name: invited, they accept.
		inv := must(s.json(http.MethodPost, "/v1/organizations/"+org+"/invitations", map[string]any{"email": emailOf(t, s, w), "role": "member"}, founder), http.StatusCreated)
		must(s.json(http.MethodPost, "/v1/me/invitations/"+inv["id"].(string)+"/accept", nil, w), http.StatusOK)
	}
	draft := must(s.json(http.MethodPost, "/v1/opportunities", map[string]any{"country": "CV", "lang": "pt", "title": "Rascunho",
		"summary": "s", "description": "d", "sectors": []string{"ict"}}, founder), http.StatusCreated)["id"].(string)
	published := must(s.do(http.MethodGet, "/v1/countries/CV/opportunities?limit=1", nil, nil), http.StatusOK)["items"].([]any)[0].(map[string]any)["id"].(string)
	keyOwner := login("keys@example.org", "a long passphrase for keys", true)
	refresh := must(s.json(http.MethodPost, "/v1/auth/login", map[string]any{"email": "keys@example.org", "password": "a long passphrase for keys"}, ""), http.StatusOK)["refresh_token"].(string)

	var cases []hostileCase
	// Bodies: each field of a valid body of each write route replaced by each hostile value.
	type bodyRoute struct {
		method, target string
		base           map[string]any
		tokens         []string // "" for anonymous; several to share out the write limits
		fields         []string // the fields to replace; all of base when nil
		values         int      // how many hostile values per field (0: all)
	}
	money := map[string]any{"amount": "750000.00", "currency": "EUR"}
	routes := []bodyRoute{
		{http.MethodPost, "/v1/eligibility", map[string]any{"country": "CV", "investor_type": "diaspora", "residence_country": "FR",
			"sector": "tourism", "region": "boa_vista", "amount": money, "jobs": 10}, []string{""}, nil, 0},
		{http.MethodPost, "/v1/opportunities", map[string]any{"country": "CV", "lang": "pt", "title": "T", "summary": "s", "description": "d",
			"sectors": []string{"ict"}, "region": "sal", "instrument": "equity", "min_investment": money, "max_investment": money, "jobs": 3,
			"deadline": "2027-01-01", "investor_types": []string{"diaspora"}, "contact": map[string]any{"name": "Ana", "email": "ana@example.org"},
			"source": map[string]any{"title": "BO", "url": "https://example.org"}}, writers, nil, 12},
		{http.MethodPatch, "/v1/opportunities/" + draft, map[string]any{"title": "T2", "summary": "s2", "sectors": []string{"tourism"},
			"region": "maio", "min_investment": money, "max_investment": nil}, writers, nil, 12},
		{http.MethodPut, "/v1/opportunities/" + draft + "/translations/en", map[string]any{"title": "T", "summary": "s", "description": "d"}, writers, nil, 12},
		{http.MethodPost, "/v1/incentives", map[string]any{"country": "CV", "lang": "pt", "name": "N", "summary": "s", "description": "d", "type": "tax",
			"legal_instrument": "Lei", "legal_article": "Art. 1", "valid_from": "2026-01-01",
			"eligibility": map[string]any{"sectors": []string{"tourism"}, "min_investment": money, "min_jobs": 2},
			"benefits":    []map[string]any{{"kind": "tax_credit", "percent": "50"}}}, writers, nil, 12},
		{http.MethodPost, "/v1/programmes", map[string]any{"country": "CV", "lang": "pt", "name": "N", "summary": "s", "description": "d", "type": "grant",
			"how_to_apply": "online", "url": "https://example.org", "max_amount": money}, writers, nil, 10},
		{http.MethodPut, "/v1/me/profile", map[string]any{"display_name": "Zé", "origin_country": "CV", "residence_country": "PT",
			"languages": []string{"pt"}, "sectors": []string{"tourism"}, "regions": []string{"sal"}, "ticket_min": money, "ticket_max": money,
			"investor_type": "diaspora", "legal_form": "individual"}, writers, nil, 12},
		{http.MethodPatch, "/v1/me", map[string]any{"display_name": "Zé", "lang": "pt"}, writers, nil, 0},
		{http.MethodPost, "/v1/organizations", map[string]any{"name": "Org", "acronym": "O", "country": "CV", "type": "ngo",
			"website": "https://example.org"}, writers, nil, 12},
		{http.MethodPost, "/v1/organizations/" + org + "/invitations", map[string]any{"email": "invitee@example.org", "role": "member"},
			[]string{founder}, nil, 4}, // the founder's write budget serves the path cases too
		{http.MethodPost, "/v1/opportunities/" + published + "/interests", map[string]any{"message": "Interesse.", "amount": money,
			"share": []string{"email"}}, writers, nil, 12},
		{http.MethodPost, "/v1/me/api-keys", map[string]any{"name": "App", "scopes": []string{"catalogue:read"}, "expires_in_days": 30},
			[]string{keyOwner}, []string{"name", "scopes", "expires_in_days"}, 4},
		{http.MethodPut, "/v1/exchange-rates/USD", map[string]any{"per_eur": "1.1", "as_of": "2026-01-01", "source": "BCV"}, []string{admin}, nil, 20},
		{http.MethodPost, "/v1/me/password", map[string]any{"current_password": "not the password", "new_password": "another long passphrase"},
			writers, []string{"current_password"}, 0},
		{http.MethodPost, "/v1/auth/login", map[string]any{"email": "nobody@example.org", "password": "x"}, []string{""}, []string{"email"}, 14},
		{http.MethodPost, "/v1/auth/refresh", map[string]any{"refresh_token": refresh}, []string{""}, nil, 14},
		{http.MethodPost, "/v1/auth/register", map[string]any{"email": "new@example.org", "password": "a long passphrase here"}, []string{""}, []string{"email"}, 6},
	}
	turn := 0
	for _, r := range routes {
		fields := r.fields
		if fields == nil {
			for name := range r.base {
				fields = append(fields, name)
			}
			sort.Strings(fields)
		}
		for _, field := range fields {
			values := hostileJSONValues
			if r.values > 0 && r.values < len(values) {
				values = values[:r.values]
			}
			for _, v := range values {
				body := replaceField(t, r.base, field, v.raw)
				_, isString := r.base[field].(string)
				cases = append(cases, hostileCase{method: r.method, target: r.target, body: body, token: r.tokens[turn%len(r.tokens)],
					field: field, mustRefuse: v.mustRefuse && isString, null: v.raw == "null"})
				turn++
			}
		}
		if r.target == "/v1/auth/register" {
			continue // 20 registrations an hour per address: the suite keeps within it
		}
		// Whole bodies: not objects, broken, nested deep, huge, duplicated keys, another media type.
		for _, raw := range []string{``, `null`, `[]`, `"x"`, `{`, `{"a":`, strings.Repeat("[", 100000), `{"x":1}{"y":2}`,
			"{\"\x00\":1}", `{"` + strings.Repeat("k", 70000) + `":1}`} {
			cases = append(cases, hostileCase{method: r.method, target: r.target, body: []byte(raw), token: r.tokens[turn%len(r.tokens)]})
			turn++
		}
		cases = append(cases, hostileCase{method: r.method, target: r.target, body: bytes.Repeat([]byte("a"), 2<<20), token: r.tokens[turn%len(r.tokens)]},
			hostileCase{method: r.method, target: r.target, body: []byte(`{}`), header: map[string]string{"Content-Type": "text/plain"}, token: r.tokens[turn%len(r.tokens)]})
		turn++
	}

	// Query parameters of the lists, each with each hostile value; unknown and repeated ones.
	lists := map[string][]string{
		"/v1/opportunities":                     {"country", "sector", "region", "type", "investor_type", "min_amount", "max_amount", "currency", "q", "facets", "fields", "limit", "cursor", "lang"},
		"/v1/countries/CV/incentives":           {"sector", "region", "type", "investor_type", "q", "cursor", "limit"},
		"/v1/programmes":                        {"sector", "type", "min_amount", "currency", "cursor"},
		"/v1/organizations":                     {"cursor", "country", "type", "status", "limit"},
		"/v1/changes":                           {"cursor", "country", "limit"},
		"/v1/organizations/" + org + "/content": {"kind", "cursor", "limit"},
	}
	for path, params := range lists {
		for _, p := range params {
			for _, v := range hostileQueryValues {
				c := hostileCase{method: http.MethodGet, target: path + "?" + p + "=" + v, field: p, mustRefuse: mustRefuseQuery(v)}
				if strings.Contains(path, "/content") {
					c.token = founder
				}
				cases = append(cases, c)
			}
		}
		cases = append(cases, hostileCase{method: http.MethodGet, target: path + "?cuontry=CV", field: "cuontry", mustRefuse: true},
			hostileCase{method: http.MethodGet, target: path + "?page=2&" + strings.Repeat("junk=1&", 500), field: "page", mustRefuse: true},
			hostileCase{method: http.MethodGet, target: path + "?limit=1&limit=2", field: "limit", mustRefuse: true})
	}
	// Cursors: forged, of another list, with a NUL sort key, enormous.
	for _, cur := range []string{forgedCursor(`{"l":1,"t":"2026-01-01T00:00:00Z","i":"10156cb2-b362-5793-8d99-4e0d93fb2bda","k":"A\u0000"}`),
		forgedCursor(`{"l":1,"t":"2026-01-01T00:00:00Z","i":"10156cb2-b362-5793-8d99-4e0d93fb2bda","r":1e309}`),
		forgedCursor(`{"l":1,"t":"0001-01-01T00:00:00Z","i":"x"}`), forgedCursor(strings.Repeat("A", 3000)), "%00", "====", "a.b.c"} {
		for _, path := range []string{"/v1/opportunities", "/v1/organizations", "/v1/changes", "/v1/me/saved"} {
			cases = append(cases, hostileCase{method: http.MethodGet, target: path + "?cursor=" + cur, field: "cursor", token: map[bool]string{true: writers[1]}[path == "/v1/me/saved"]})
		}
	}
	// Path parameters.
	for _, p := range []string{"%00", "%FF", "%E2%80%AE", strings.Repeat("x", 5000), "%2e%2e", "-0", "1e309"} {
		for _, path := range []string{"/v1/opportunities/", "/v1/countries/", "/v1/organizations/", "/v1/interests/", "/v1/me/api-keys/"} {
			cases = append(cases, hostileCase{method: http.MethodGet, target: path + p, token: writers[2]})
		}
		cases = append(cases, hostileCase{method: http.MethodPut, target: "/v1/me/saved/" + p, token: writers[3]},
			hostileCase{method: http.MethodPut, target: "/v1/exchange-rates/" + p, body: []byte(`{"per_eur":"1","as_of":"2026-01-01","source":"x"}`), token: admin},
			hostileCase{method: http.MethodPut, target: "/v1/opportunities/" + draft + "/translations/" + p, body: []byte(`{"title":"t"}`), token: founder})
	}
	// Headers.
	for _, h := range []map[string]string{
		{"Accept-Language": strings.Repeat("pt-PT;q=0.9,", 80)}, {"Accept-Language": "\xff\xfe"}, {"Accept-Language": "*;q=2,en;q=-1"},
		{"Authorization": "Bearer \xff\xfe"}, {"Authorization": "Bearer " + strings.Repeat("a", 8000)}, {"Authorization": "Basic Og=="},
		{"Authorization": "Bearer a.b.c"}, {"X-API-Key": "\xff"}, {"X-API-Key": strings.Repeat("k", 5000)},
		{"If-None-Match": "*"}, {"If-None-Match": `W/"` + strings.Repeat("x", 4000) + `"`}, {"If-None-Match": "\xff"},
		{"X-Request-ID": "\xff\xfe"}, {"X-Request-ID": strings.Repeat("r", 4000)},
		{"X-Forwarded-For": "\xff, 999.1.1.1"}, {"X-Forwarded-Host": "evil.example"}, {"X-Forwarded-Proto": "gopher"},
		{"Accept-Encoding": "gzip;q=2, br;q=nan, *"}, {"Content-Type": "application/json; charset=\xff"},
	} {
		cases = append(cases, hostileCase{method: http.MethodGet, target: "/v1/countries/CV/opportunities?limit=2", header: h},
			hostileCase{method: http.MethodPost, target: "/v1/eligibility", header: h, body: []byte(`{"country":"CV"}`)})
	}
	for _, key := range []string{"\xff", "k\u202e", strings.Repeat("i", 300), "a\tb"} {
		cases = append(cases, hostileCase{method: http.MethodPost, target: "/v1/opportunities/" + published + "/interests",
			header: map[string]string{"Idempotency-Key": key}, body: []byte(`{"message":"x"}`), token: writers[4], field: "Idempotency-Key", mustRefuse: true})
	}

	// Send them all, from a few goroutines over the kept-alive connections.
	var (
		mu                         sync.Mutex
		fiveXX, refusals, accepted int
		problems                   []string
	)
	work := make(chan hostileCase)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				status, header, body, err := sendHostile(s, c)
				mu.Lock()
				switch {
				case err != nil && len(c.body) > 1<<20 && status == 0:
					// The server answers 413 and closes without reading a body over the limit:
					// the client may see its write fail first. Refused either way.
					refusals++
				case err != nil:
					problems = append(problems, fmt.Sprintf("%s %.120s: %v", c.method, c.target, err))
				case status >= 500:
					fiveXX++
					problems = append(problems, fmt.Sprintf("%s %.120s %.200q: %d %.300s", c.method, c.target, c.body, status, body))
				case status < 400:
					accepted++
					if c.mustRefuse {
						problems = append(problems, fmt.Sprintf("%s %.120s %.200q: accepted with %d", c.method, c.target, c.body, status))
					}
				default:
					refusals++
					if msg := checkRefusal(c, status, header, body); msg != "" {
						problems = append(problems, fmt.Sprintf("%s %.120s %.200q: %s", c.method, c.target, c.body, msg))
					}
				}
				mu.Unlock()
			}
		}()
	}
	started := time.Now()
	for _, c := range cases {
		work <- c
	}
	close(work)
	wg.Wait()
	elapsed := time.Since(started)

	// Raw requests a well-behaved client cannot send: bytes that are not UTF-8 or controls in
	// the request line, on one kept-alive connection.
	rawCount, rawFiveXX := rawHostile(t, s)
	fiveXX += rawFiveXX

	// Quotas: an API key's budget (5) is spent by every read but a revalidation the server can
	// answer with 304 because it issued the validator.
	keyID := must(s.json(http.MethodPost, "/v1/me/api-keys", map[string]any{"name": "Quota", "scopes": []string{"catalogue:read"}}, keyOwner), http.StatusCreated)["key"].(string)
	withKey := func(h map[string]string) map[string]string {
		h["X-API-Key"] = keyID
		return h
	}
	first := s.do(http.MethodGet, "/v1/sectors", nil, withKey(map[string]string{}))
	etag := first.header.Get("ETag")
	quotaChecks := []struct {
		name, inm string
		counts    bool
	}{{"If-None-Match: *", "*", true}, {"a random ETag", `W/"0123456789abcdef"`, true}, {"a real ETag", etag, false}}
	remaining := first.header.Get("RateLimit-Remaining")
	for _, q := range quotaChecks {
		r := s.do(http.MethodGet, "/v1/sectors", nil, withKey(map[string]string{"If-None-Match": q.inm}))
		got := r.header.Get("RateLimit-Remaining")
		before, _ := strconv.Atoi(remaining)
		after, _ := strconv.Atoi(got)
		if q.counts && after != before-1 {
			t.Errorf("quota: a read with %s (status %d) did not count: RateLimit-Remaining %s then %s", q.name, r.status, remaining, got)
		}
		if !q.counts && (r.status != http.StatusNotModified || after != before) {
			t.Errorf("quota: a revalidation with %s: status %d, RateLimit-Remaining %s then %s (want a free 304)", q.name, r.status, remaining, got)
		}
		remaining = got
	}

	// Shared cache: a response made for a hostile Host, forwarding headers or a signed-in
	// editor must not be served to a plain anonymous request of the same URL.
	hostile := []map[string]string{
		{"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"},
		{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "evil.example:8443"}, {"Forwarded": "host=evil.example;proto=http"},
	}
	for i, h := range hostile {
		for _, path := range []string{fmt.Sprintf("/v1/countries/CV/opportunities?limit=%d", 30+i), fmt.Sprintf("/v1/countries/CV/opportunities.atom?lang=%s", []string{"pt", "en", "fr", "pt-PT"}[i])} {
			status, _, _, err := sendHostile(s, hostileCase{method: http.MethodGet, target: path, header: h})
			if err != nil {
				t.Errorf("cache: %s with %v: %v", path, h, err)
			}
			plain := s.do(http.MethodGet, path, nil, nil)
			if plain.status != http.StatusOK {
				t.Errorf("cache: %s answered %d: the check proves nothing", path, plain.status)
			}
			if bytes.Contains(plain.body, []byte("evil.example")) || strings.Contains(plain.header.Get("Link"), "evil.example") {
				t.Errorf("cache: %s after a request with %v names the hostile host (status %d then %d)", path, h, status, plain.status)
			}
		}
	}
	editorView := s.do(http.MethodGet, "/v1/opportunities/"+draft, nil, map[string]string{"Authorization": "Bearer " + founder})
	if editorView.status != http.StatusOK {
		t.Errorf("the editor cannot read the draft: %d", editorView.status)
	}
	if r := s.do(http.MethodGet, "/v1/opportunities/"+draft, nil, nil); r.status != http.StatusNotFound {
		t.Errorf("cache: an anonymous read of a draft an editor just read: %d", r.status)
	}
	s.do(http.MethodGet, "/v1/opportunities/"+published, nil, map[string]string{"Authorization": "Bearer " + admin})
	if r := s.do(http.MethodGet, "/v1/opportunities/"+published, nil, nil); bytes.Contains(r.body, []byte(`"editorial"`)) || r.header.Get("Cache-Control") == "" {
		t.Errorf("cache: an anonymous read after an administrator's got %s / %.200s", r.header.Get("Cache-Control"), r.body)
	}

	// Stop the server, then read every log line it wrote.
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	errorLines := 0
	sc := bufio.NewScanner(bytes.NewReader(logs.Bytes()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if bytes.Contains(sc.Bytes(), []byte(`"level":"ERROR"`)) {
			errorLines++
			if errorLines <= 10 {
				t.Errorf("ERROR log line: %.500s", sc.Text())
			}
		}
	}
	total := len(cases) + rawCount
	for i, p := range problems {
		if i == 40 {
			t.Errorf("… and %d more", len(problems)-40)
			break
		}
		t.Error(p)
	}
	if total < 500 {
		t.Errorf("only %d hostile requests", total)
	}
	if fiveXX > 0 {
		t.Errorf("%d answers were 5xx", fiveXX)
	}
	// Answers that end a connection (a body over the limit, a broken request line) make the
	// client dial again, so the count varies a little from run to run: keep-alive is shown by
	// many requests per connection, not by an exact number.
	if n := dials.Load(); n > int64(len(cases)/25) {
		t.Errorf("%d connections opened for %d requests: not kept alive", n, len(cases))
	}
	t.Logf("hostile: %d requests (%d raw) in %v over %d connections, %d x 5xx, %d ERROR lines, %d refused, %d accepted, %d defects",
		total, rawCount, elapsed.Round(time.Millisecond), dials.Load(), fiveXX, errorLines, refusals, accepted, len(problems))
}

// sendHostile sends one case and checks the answer against openapi.yaml.
func sendHostile(s *server, c hostileCase) (int, http.Header, []byte, error) {
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, s.base+c.target, body)
	if err != nil {
		return 0, nil, nil, err
	}
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	if resp.Header.Get("Content-Encoding") == "" && resp.StatusCode != http.StatusTooManyRequests {
		if err := s.validate.CheckResponse(req, resp.StatusCode, resp.Header, b); err != nil {
			return resp.StatusCode, resp.Header, b, fmt.Errorf("against openapi.yaml: %v", err)
		}
	}
	return resp.StatusCode, resp.Header, b, nil
}

// checkRefusal says what is wrong with a refusal, "" when nothing: a problem, of a size close
// to the request's, and a 400 names the field it is about.
func checkRefusal(c hostileCase, status int, header http.Header, body []byte) string {
	if ct := header.Get("Content-Type"); ct != "application/problem+json" {
		return fmt.Sprintf("%d with Content-Type %q", status, ct)
	}
	if limit := 4*(len(c.target)+len(c.body)) + 4096; len(body) > limit {
		return fmt.Sprintf("a %d-byte problem for a %d-byte request", len(body), len(c.target)+len(c.body))
	}
	var p struct {
		Type   string `json:"type"`
		Detail string `json:"detail"`
		Errors []struct {
			Name string `json:"name"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return "not a JSON problem: " + err.Error()
	}
	if status == http.StatusTooManyRequests {
		return "429: the suite spent a budget, so this input was not tested"
	}
	if status != http.StatusBadRequest {
		return ""
	}
	names := []string{}
	for _, e := range p.Errors {
		if e.Name == "" {
			return "an error without a name"
		}
		names = append(names, e.Name)
	}
	if c.field == "" {
		if len(names) == 0 && p.Type != "/problems/malformed-json" && p.Detail == "" {
			return "a 400 that names nothing"
		}
		return ""
	}
	if slices.ContainsFunc(names, func(n string) bool { return n == c.field || strings.HasPrefix(n, c.field+".") }) ||
		strings.Contains(p.Detail, c.field) {
		return ""
	}
	if c.null && len(names) > 0 {
		return "" // a null may leave another field without what it depends on (regions without a country)
	}
	return fmt.Sprintf("%s, errors %v: %s not named", p.Type, names, c.field)
}

// replaceField returns base as JSON with field's value replaced by raw (which may be invalid
// UTF-8 or a number JSON cannot round-trip through Go).
func replaceField(t *testing.T, base map[string]any, field, raw string) []byte {
	t.Helper()
	names := make([]string, 0, len(base))
	for name := range base {
		names = append(names, name)
	}
	sort.Strings(names)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, name := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:", name)
		if name == field {
			b.WriteString(raw)
			continue
		}
		v, err := json.Marshal(base[name])
		if err != nil {
			t.Fatal(err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func forgedCursor(json string) string { return base64.RawURLEncoding.EncodeToString([]byte(json)) }

// emailOf reads the e-mail address of a signed-in user.
func emailOf(t *testing.T, s *server, token string) string {
	t.Helper()
	r := s.json(http.MethodGet, "/v1/me", nil, token)
	if r.status != http.StatusOK {
		t.Fatalf("GET /v1/me: %d %s", r.status, r.body)
	}
	return r.object(t)["email"].(string)
}

// rawHostile writes requests byte by byte on one kept-alive connection: request lines and
// headers with bytes that are not UTF-8, controls and NULs. It returns how many were sent and
// how many got a 5xx; the connection may be closed by the server after a malformed request,
// and is then opened again.
func rawHostile(t *testing.T, s *server) (sent, fiveXX int) {
	t.Helper()
	addr := strings.TrimPrefix(s.base, "http://")
	post := func(body string) string {
		return fmt.Sprintf("POST /v1/eligibility HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	}
	requests := []string{
		"GET /v1/opportunities/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /v1/opportunities?q=\xff HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /v1/opportunities?sector=tour\xe9ism HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /v1/countries/C\xc0V/opportunities HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /v1/organizations?cursor=\xed\xa0\x80 HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /v1/opportunities?q=\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /v1/opportunities HTTP/1.1\r\nHost: x\r\nAccept-Language: \xff\xfe\x00\r\n\r\n",
		"GET /v1/opportunities HTTP/1.1\r\nHost: \xff\r\n\r\n",
		"GET /v1/opportunities HTTP/1.1\r\nHost: x\r\nX-Forwarded-Host: evil\x00.example\r\n\r\n",
		post("{\"country\":\"C\xffV\"}"),
		post("{\"country\":\"CV\",\"region\":\"s\x00al\"}"),
		post("{\"a\":"),
		"POST /v1/eligibility HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n",
		"POST /v1/eligibility HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n0\r\n\r\n",
		"GET /v1/opportunities HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 20000) + "\r\n\r\n",
	}
	var conn net.Conn
	var rd *bufio.Reader
	for _, raw := range requests {
		if conn == nil {
			var err error
			if conn, err = net.DialTimeout("tcp", addr, 5*time.Second); err != nil {
				t.Fatal(err)
			}
			rd = bufio.NewReader(conn)
		}
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		sent++
		if _, err := conn.Write([]byte(raw)); err != nil {
			conn.Close()
			conn = nil
			continue
		}
		resp, err := http.ReadResponse(rd, nil)
		if err != nil {
			conn.Close()
			conn = nil
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			fiveXX++
			t.Errorf("raw %.80q: %d", raw, resp.StatusCode)
		}
		if resp.Close {
			conn.Close()
			conn = nil
		}
	}
	if conn != nil {
		conn.Close()
	}
	return sent, fiveXX
}
