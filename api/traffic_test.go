package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"pgregory.net/rapid"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/contract"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// TestGeneratedTraffic generates requests from openapi.yaml, valid and invalid, for every
// operation, sends them to the real app listening on a loopback port, and checks that:
//
//   - no answer is a 5xx;
//   - a request the document allows is never refused for its shape: a 400/422 problem may name a
//     field only with a code of meaning (meaningCodes: an unknown country, a wrong password…);
//   - a request the document refuses is refused (4xx), and a 400/422 names the broken field;
//   - every response matches the document (internal/contract).
//
// Which request is schema-valid is judged by internal/contract, not by the generator. The seed
// is printed; GENERATED_SEED sets it, GENERATED_CASES the number of cases per operation (each
// operation gets as many valid as invalid ones). `make test` runs a few per operation, `make
// fuzz` many more.
func TestGeneratedTraffic(t *testing.T) {
	// A fixed seed by default, so that `make test` is the same run every time; `make fuzz` asks
	// for GENERATED_SEED=random to explore, and a printed seed replays any run.
	seed := int64(20261203)
	if s := os.Getenv("GENERATED_SEED"); s == "random" {
		seed = time.Now().UnixNano() % 1_000_000_000
	} else if s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("GENERATED_SEED=%q: %v", s, err)
		}
		seed = n
	}
	perOp := 10
	if s := os.Getenv("GENERATED_CASES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("GENERATED_CASES=%q: a positive number, please", s)
		}
		perOp = n
	}
	t.Logf("seed %d (set GENERATED_SEED=%d to replay), %d cases per operation", seed, seed, perOp)

	tr := newTraffic(t)
	ops := tr.operations()
	for i, op := range ops {
		for k := 0; k < perOp; k++ {
			caseSeed := int(seed) + i*10007 + k
			tr.run(op, k%2 == 1, caseSeed)
		}
	}
	tr.report(len(ops))
	// A run that judged nothing would pass on anything.
	if tr.requests < len(ops)*perOp*9/10 || tr.valid == 0 || tr.invalid == 0 || tr.namedRefusals == 0 {
		t.Errorf("too little was checked: %d requests (%d valid, %d invalid, %d refused naming the field) for %d operations × %d cases",
			tr.requests, tr.valid, tr.invalid, tr.namedRefusals, len(ops), perOp)
	}
	if len(ops) < 80 {
		t.Errorf("only %d operations read from openapi.yaml", len(ops))
	}
}

// meaningCodes are the field codes that refuse a value for what it means rather than for its
// shape: a schema-valid value may get them. (So may invalid_language on a body field: a
// well-formed tag of a language the API has no locale for, as a preference; and the pairs of
// meaningFields.)
var meaningCodes = map[string]string{
	"unknown_country":           "no such origin country in the catalogue",
	"unknown_region":            "no such region in that country",
	"unknown_organization":      "no such organization",
	"invalid_currency":          "no stored exchange rate for that currency",
	"min_greater_than_max":      "a range upside down",
	"invalid_cursor":            "a cursor not made by the server for this filter",
	"unsupported_language":      "a well-formed language the API does not support",
	"wrong_password":            "the current password is not that one",
	"password_common":           "a commonly leaked password",
	"password_is_email":         "the password is the e-mail",
	"same_password":             "the new password is the current one",
	"currency_mismatch":         "two amounts of one range in different currencies",
	"before_start":              "an end before its start",
	"lang_without_text":         "a language without text to write",
	"email_taken":               "an e-mail already registered",
	"not_a_member":              "no such member",
	"euro_rate_fixed":           "the euro's rate is 1",
	"other_country":             "an organization of another country",
	"organization_not_verified": "the organization is not verified",
	"date_in_future":            "a date not yet reached",
	"give_both":                 "a range sent with one bound",
	"account_not_found":         "no account with that e-mail",
	"no_such_translation":       "a language the item has no text in",
}

// meaningFields are field codes that, on these fields only, depend on who asks rather than on
// the value's shape (as openapi.yaml describes them).
var meaningFields = map[string]string{
	"organization_id required": "left out by a user who does not belong to exactly one organization of the country",
}

// meaningful tells whether a field error refuses a value for what it means.
func meaningful(in, name, code string) bool {
	if _, ok := meaningCodes[code]; ok {
		return true
	}
	if _, ok := meaningFields[name+" "+code]; ok {
		return true
	}
	return in == "body" && code == "invalid_language"
}

type traffic struct {
	t         *testing.T
	doc       *oasDoc
	validator *contract.Validator
	db        *sqlx.DB
	base      string
	client    *http.Client

	admin, investor account
	adminID, invID  string
	apiKey          string
	pools           map[string][]string // path parameter values by "param" or "prefix|param"
	sent            int

	// counts
	requests, valid, invalid, fiveXX, shapeRefusals, mismatches, acceptedInvalid int
	namedRefusals, otherRefusals, notJudged                                      int
	byStatus                                                                     map[int]int
	codesSeen                                                                    map[string]int
	notGenerated                                                                 map[string]int  // operations whose case could not be drawn
	succeeded                                                                    map[string]bool // operations answered 2xx at least once
	failures                                                                     []string
}

func newTraffic(t *testing.T) *traffic {
	t.Helper()
	db, _ := testdb.New(t)
	v, err := contract.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := loadOAS()
	if err != nil {
		t.Fatal(err)
	}
	cfg := api.DefaultConfig()
	cfg.APIKeyQuota, cfg.AnonymousQuota = 0, 0
	app := newApp(t, db, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	tr := &traffic{t: t, doc: doc, validator: v, db: db, base: "http://" + ln.Addr().String(),
		// Redirects are answers too (GET /docs/ is a 301): the client does not follow them.
		client:   &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		pools:    map[string][]string{},
		byStatus: map[int]int{}, codesSeen: map[string]int{}, notGenerated: map[string]int{}, succeeded: map[string]bool{}}
	tr.setUp()
	return tr
}

// call sends a set-up request and returns its status and JSON body.
func (tr *traffic) call(method, path string, body any, token string) (int, map[string]any, http.Header) {
	tr.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, tr.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := tr.client.Do(req)
	if err != nil {
		tr.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if resp.StatusCode >= 300 {
		tr.t.Fatalf("set-up %s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out, resp.Header
}

// signUp registers and signs in an investor.
func (tr *traffic) signUp(email string) (account, string) {
	tr.t.Helper()
	acc := account{email: email, password: "generated traffic of " + email}
	tr.call(http.MethodPost, "/v1/auth/register", map[string]any{"email": email, "password": acc.password}, "")
	_, tok, _ := tr.call(http.MethodPost, "/v1/auth/login", map[string]any{"email": email, "password": acc.password}, "")
	acc.access, acc.refresh = tok["access_token"].(string), tok["refresh_token"].(string)
	u, err := repository.New(tr.db).UserByEmail(context.Background(), email)
	if err != nil {
		tr.t.Fatal(err)
	}
	tr.resetLimits()
	return acc, u.ID
}

func (tr *traffic) resetLimits() {
	if _, err := tr.db.Exec(`DELETE FROM rate_limits`); err != nil {
		tr.t.Fatal(err)
	}
}

// setUp makes the accounts and content the generated requests point at: an administrator who
// owns a verified organization with a draft of each kind, an investor who is a member of it,
// has an expression of interest and an API key.
func (tr *traffic) setUp() {
	tr.admin, tr.adminID = tr.signUp("gen.admin@example.org")
	if err := repository.New(tr.db).MakeAdmin(context.Background(), tr.adminID); err != nil {
		tr.t.Fatal(err)
	}
	tr.investor, tr.invID = tr.signUp("gen.investor@example.org")
	a := tr.admin.access
	_, org, _ := tr.call(http.MethodPost, "/v1/organizations", map[string]any{"name": "Generated Agency", "country": "CV", "type": "investment_promotion_agency"}, a)
	orgID := org["id"].(string)
	tr.call(http.MethodPost, "/v1/organizations/"+orgID+"/verify", nil, a)
	// The investor joins by invitation; two more invitations stay open for the generated
	// accept, decline and withdraw requests to point at.
	_, joining, _ := tr.call(http.MethodPost, "/v1/organizations/"+orgID+"/invitations", map[string]any{"email": tr.investor.email}, a)
	tr.call(http.MethodPost, "/v1/me/invitations/"+joining["id"].(string)+"/accept", nil, tr.investor.access)
	_, pending, _ := tr.call(http.MethodPost, "/v1/organizations/"+orgID+"/invitations", map[string]any{"email": "gen.pending@example.org"}, a)
	_, other, _ := tr.call(http.MethodPost, "/v1/organizations", map[string]any{"name": "Generated Other Agency", "country": "CV", "type": "ngo"}, a)
	_, toInvestor, _ := tr.call(http.MethodPost, "/v1/organizations/"+other["id"].(string)+"/invitations", map[string]any{"email": tr.investor.email}, a)
	ids := map[string][]string{}
	for kind, body := range map[string]map[string]any{
		"opportunities": {"organization_id": orgID, "country": "CV", "lang": "pt", "title": "Projeto gerado", "summary": "Resumo.", "description": "Texto.", "sectors": []string{"tourism"}},
		"incentives":    {"organization_id": orgID, "country": "CV", "lang": "pt", "name": "Incentivo gerado", "summary": "Resumo.", "description": "Texto.", "type": "tax", "legal_instrument": "Lei n.º 1/2026"},
		"programmes":    {"organization_id": orgID, "country": "CV", "lang": "pt", "name": "Programa gerado", "summary": "Resumo.", "description": "Texto.", "type": "grant"},
	} {
		// Several drafts, so that some are still drafts when the workflow's operations come.
		for range 4 {
			_, item, _ := tr.call(http.MethodPost, "/v1/"+kind, body, a)
			ids[kind] = append(ids[kind], item["id"].(string))
		}
		_, list, _ := tr.call(http.MethodGet, "/v1/"+kind+"?limit=3", nil, "")
		for _, it := range list["items"].([]any) {
			m := it.(map[string]any)
			ids[kind] = append(ids[kind], m["id"].(string), m["slug"].(string))
		}
	}
	published := ids["opportunities"][4:]
	_, interest, _ := tr.call(http.MethodPost, "/v1/opportunities/"+published[0]+"/interests",
		map[string]any{"message": "Tenho interesse."}, tr.investor.access)
	_, key, _ := tr.call(http.MethodPost, "/v1/me/api-keys", map[string]any{"name": "generated", "scopes": []string{"catalogue:read", "profile:read", "profile:write", "saved:read", "saved:write"}}, tr.investor.access)
	tr.apiKey = key["key"].(string)
	tr.pools = map[string][]string{
		"code":                    {"CV", "cv", "SN"},
		"/v1/opportunities|id":    ids["opportunities"],
		"/v1/incentives|id":       ids["incentives"],
		"/v1/programmes|id":       ids["programmes"],
		"/v1/organizations|id":    {orgID},
		"/v1/interests|id":        {interest["id"].(string)},
		"/v1/me/api-keys|id":      {key["id"].(string)},
		"opportunity_id":          published,
		"user_id":                 {tr.invID, tr.adminID},
		"invitation_id":           {pending["id"].(string), toInvestor["id"].(string)},
		"lang":                    {"pt", "en", "fr"},
		"currency":                {"USD", "GBP", "CVE"},
		"/v1/me/saved|id":         published,
		"/v1/organizations|email": {tr.investor.email},
	}
	tr.doc.hints = map[string][]any{
		"country": {"CV", "cv"}, "origin_country": {"CV"}, "residence_country": {"PT", "FR", "CV"},
		"currency": {"EUR", "CVE", "USD"}, "region": {"sal", "boa_vista", "santiago"},
		"organization_id": {orgID}, "operator_id": {orgID}, "lang": {"pt", "en", "fr"},
		"languages": {"pt", "en", "kea"}, "sectors": {"tourism", "ict"}, "regions": {"sal", "santiago"},
		"amount": {"250000", "1500000.00"}, "email": {tr.investor.email}, "password": {tr.investor.password},
	}
	tr.resetLimits()
}

// genOp is one operation of the document.
type genOp struct {
	method, path string
	params       []map[string]any // resolved parameter objects
	body         map[string]any   // the JSON request schema, or nil
	bodyMedia    map[string]any   // its media type object (examples)
	bodyRequired bool
	bearer       bool // a bearer token may be sent
	anonymous    bool // it may be called without credentials
	apiKeyOnly   bool
}

func (tr *traffic) operations() []genOp {
	paths := tr.doc.root["paths"].(map[string]any)
	var ops []genOp
	for _, path := range sortedKeys(paths) {
		item := paths[path].(map[string]any)
		var shared []any
		if ps, ok := item["parameters"].([]any); ok {
			shared = ps
		}
		for _, method := range []string{"get", "put", "post", "patch", "delete"} {
			raw, ok := item[method].(map[string]any)
			if !ok {
				continue
			}
			op := genOp{method: strings.ToUpper(method), path: path}
			for _, p := range append(append([]any{}, shared...), asSlice(raw["parameters"])...) {
				op.params = append(op.params, tr.doc.deref(p))
			}
			if rb := tr.doc.deref(raw["requestBody"]); rb != nil {
				op.bodyRequired = rb["required"] == true
				if content, ok := rb["content"].(map[string]any); ok {
					if mt, ok := content["application/json"].(map[string]any); ok {
						op.body = tr.doc.deref(mt["schema"])
						op.bodyMedia = mt
					}
				}
			}
			sec, hasSec := raw["security"].([]any)
			if !hasSec || len(sec) == 0 {
				op.anonymous = true
			}
			for _, req := range sec {
				m := req.(map[string]any)
				if len(m) == 0 {
					op.anonymous = true
				}
				if _, ok := m["bearerAuth"]; ok {
					op.bearer = true
				}
			}
			op.apiKeyOnly = hasSec && !op.bearer && !op.anonymous
			ops = append(ops, op)
		}
	}
	return ops
}

// reqCase is one generated request.
type reqCase struct {
	path    string
	query   url.Values
	header  http.Header
	body    []byte
	hasBody bool
	field   string // the field broken on purpose ("" for a valid case)
	in      string // where it is: query, path, header, body
	breaks  string
	auth    string // admin, investor, throwaway, key, none
}

// destructive operations are sent with a throwaway account's token.
var destructive = map[string]bool{"DELETE /v1/me": true, "POST /v1/me/password": true}

func (tr *traffic) caseGen(op genOp, wantInvalid bool) *rapid.Generator[reqCase] {
	return rapid.Custom(func(rt *rapid.T) reqCase {
		g := &gen{d: tr.doc, t: rt}
		c := reqCase{query: url.Values{}, header: http.Header{}}
		_ = rapid.Bool().Draw(rt, "start") // rapid wants every case to draw something
		// What to break: one parameter or the body.
		var targets []string
		for _, p := range op.params {
			if p["in"] == "cookie" {
				continue
			}
			targets = append(targets, p["in"].(string)+":"+p["name"].(string))
		}
		if op.body != nil {
			targets = append(targets, "body")
		}
		target := ""
		if wantInvalid && len(targets) > 0 {
			target = rapid.SampledFrom(targets).Draw(rt, "target")
		}
		path := op.path
		for _, p := range op.params {
			name, in := p["name"].(string), p["in"].(string)
			schema := tr.doc.deref(p["schema"])
			if target == in+":"+name {
				bad, ok := g.invalid(schema, name, 0)
				// Parameters travel as text: a "wrong type" for a text parameter is still text.
				textual := slices.Contains(types(g.d.flatten(schema)), "string")
				if ok && !(in == "path" && paramString(bad.v) == "") && !(bad.breaks == "type" && textual) {
					c.field, c.in, c.breaks = name, in, bad.breaks
					tr.setParam(&c, &path, in, name, paramString(bad.v))
					continue
				}
			}
			if in != "path" && p["required"] != true && !g.chance("send "+name, 40) {
				continue
			}
			var v string
			if pool := tr.pool(op.path, name); in == "path" && len(pool) > 0 && g.chance("pool "+name, 85) {
				v = rapid.SampledFrom(pool).Draw(rt, "pool "+name)
			} else {
				v = paramString(g.valid(schema, name, 0))
			}
			if in == "path" && v == "" {
				v = "x"
			}
			tr.setParam(&c, &path, in, name, v)
		}
		c.path = path
		if op.body != nil && (op.bodyRequired || g.chance("send body", 70) || target == "body") {
			var v any
			if target == "body" {
				bad, ok := g.invalid(op.body, "", 0)
				if ok {
					v, c.field, c.in, c.breaks = bad.v, bad.field, "body", bad.breaks
				}
			}
			if c.in != "body" {
				v = g.valid(op.body, "", 0)
			}
			c.body, _ = json.Marshal(v)
			c.hasBody = true
		}
		key := op.method + " " + op.path
		switch {
		case destructive[key]:
			c.auth = "throwaway"
		case op.apiKeyOnly:
			c.auth = "key"
		case op.bearer && op.anonymous:
			c.auth = rapid.SampledFrom([]string{"none", "none", "admin", "investor"}).Draw(rt, "auth")
		case op.bearer:
			c.auth = rapid.SampledFrom([]string{"admin", "admin", "investor"}).Draw(rt, "auth")
		default:
			c.auth = "none"
		}
		return c
	})
}

func (tr *traffic) setParam(c *reqCase, path *string, in, name, v string) {
	switch in {
	case "path":
		*path = strings.Replace(*path, "{"+name+"}", url.PathEscape(v), 1)
	case "query":
		c.query.Set(name, v)
	case "header":
		c.header.Set(name, v)
	}
}

func (tr *traffic) pool(path, name string) []string {
	best := ""
	for k := range tr.pools {
		prefix, param, ok := strings.Cut(k, "|")
		if ok && param == name && strings.HasPrefix(path, prefix) && len(prefix) > len(best) {
			best = prefix
		}
	}
	if best != "" {
		return tr.pools[best+"|"+name]
	}
	return tr.pools[name]
}

func (tr *traffic) failf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	tr.failures = append(tr.failures, msg)
	tr.t.Error(msg)
}

// run generates one case of op and checks the answer.
func (tr *traffic) run(op genOp, wantInvalid bool, seed int) {
	var c reqCase
	func() {
		defer func() {
			if r := recover(); r != nil {
				tr.notJudged++
				tr.notGenerated[op.method+" "+op.path]++
				c.path = ""
			}
		}()
		c = tr.caseGen(op, wantInvalid).Example(seed)
	}()
	if c.path == "" {
		return
	}
	tr.send(op, c, fmt.Sprintf("seed %d", seed), false)
}

// send sends one case and checks the answer; with mustBeValid, the document must also accept
// the request (an example of the document's own).
func (tr *traffic) send(op genOp, c reqCase, label string, mustBeValid bool) {
	if tr.sent++; tr.sent%10 == 0 {
		tr.resetLimits()
	}
	target := tr.base + c.path
	if len(c.query) > 0 {
		target += "?" + c.query.Encode()
	}
	var body io.Reader
	if c.hasBody {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequest(op.method, target, body)
	if err != nil {
		tr.notJudged++
		return
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	if c.hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	switch c.auth {
	case "admin":
		req.Header.Set("Authorization", "Bearer "+tr.admin.access)
	case "investor":
		req.Header.Set("Authorization", "Bearer "+tr.investor.access)
	case "key":
		req.Header.Set("X-API-Key", tr.apiKey)
	case "throwaway":
		acc, _ := tr.signUp(fmt.Sprintf("gen.%d@example.org", tr.sent))
		req.Header.Set("Authorization", "Bearer "+acc.access)
	}
	schemaErr := tr.validator.CheckRequest(req)
	if mustBeValid && schemaErr != nil {
		tr.failf("%s: %s %s: openapi.yaml refuses its own example: %v", label, op.method, c.path, schemaErr)
	}
	resp, err := tr.client.Do(req)
	if err != nil {
		tr.failf("%s: %s %s: %v", label, op.method, target, err)
		return
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	tr.requests++
	tr.byStatus[resp.StatusCode]++
	if resp.StatusCode < 300 {
		tr.succeeded[op.method+" "+op.path] = true
	}
	what := fmt.Sprintf("%s: %s %s (auth %s, body %s)", label, op.method, strings.TrimPrefix(target, tr.base), c.auth, clip(string(c.body)))
	// The request as the server saw it, for the contract check (the body was consumed).
	req2, _ := http.NewRequest(op.method, target, bytes.NewReader(c.body))
	req2.Header = req.Header
	if !c.hasBody {
		req2, _ = http.NewRequest(op.method, target, nil)
		req2.Header = req.Header
	}
	if err := tr.validator.CheckResponse(req2, resp.StatusCode, resp.Header, raw); err != nil {
		tr.mismatches++
		tr.failf("%s: %d, response does not match openapi.yaml: %v", what, resp.StatusCode, err)
	}
	if resp.StatusCode >= 500 {
		tr.fiveXX++
		tr.failf("%s: %d %s", what, resp.StatusCode, clip(string(raw)))
		return
	}
	var problem struct {
		Type   string `json:"type"`
		Errors []struct{ Name, In, Code string }
	}
	_ = json.Unmarshal(raw, &problem)
	for _, e := range problem.Errors {
		tr.codesSeen[e.Code]++
	}
	refusedShape := resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnprocessableEntity
	if schemaErr == nil {
		tr.valid++
		if !refusedShape || problem.Type == "/problems/idempotency-key-reused" {
			return
		}
		var shape []string
		for _, e := range problem.Errors {
			if !meaningful(e.In, e.Name, e.Code) {
				shape = append(shape, e.In+" "+e.Name+": "+e.Code)
			}
		}
		if len(problem.Errors) == 0 || len(shape) > 0 {
			tr.shapeRefusals++
			tr.failf("%s: schema-valid, but refused for its shape (%d %s %v): %s", what, resp.StatusCode, problem.Type, shape, clip(string(raw)))
		}
		return
	}
	tr.invalid++
	if resp.StatusCode < 400 {
		tr.acceptedInvalid++ // the contract check reports it too
		tr.failf("%s: the document refuses this request (%v), but the server answered %d", what, schemaErr, resp.StatusCode)
		return
	}
	if !refusedShape {
		// Refused before its shape was looked at: no such item (404), no right (401/403),
		// a state or version conflict (409/412). A path parameter of the wrong shape names no
		// resource, so 404 is its answer.
		tr.otherRefusals++
		return
	}
	if c.field == "" {
		tr.namedRefusals++ // broken by accident of generation: refused, no field known to expect
		return
	}
	allMeaning := len(problem.Errors) > 0
	for _, e := range problem.Errors {
		allMeaning = allMeaning && meaningful(e.In, e.Name, e.Code)
	}
	if allMeaning && !related(problem.Errors[0].Name, c.field) {
		// Refused first for what another value means (a translation language the API does
		// not support), before the broken field was read: refused all the same.
		tr.otherRefusals++
		return
	}
	var found string
	if re, ok := schemaErr.(*contract.RequestError); ok {
		found = strings.Join(re.Problems, "\n")
	}
	for _, e := range problem.Errors {
		// The broken field, or another that the document also refuses in this request (the
		// generator may break more than it meant to).
		if related(e.Name, c.field) || (e.Name != "" && strings.Contains(normPath(found), normPath(e.Name))) {
			tr.namedRefusals++
			return
		}
	}
	if len(problem.Errors) == 0 && problem.Type == "/problems/malformed-json" {
		tr.failf("%s: malformed-json for well-formed JSON", what)
		return
	}
	tr.failf("%s: refused (%d), but no error names %s %q (broken: %s) nor anything the document refuses (%s): %s",
		what, resp.StatusCode, c.in, c.field, c.breaks, found, clip(string(raw)))
}

// related tells whether a problem's field name and the broken field are the same, or one is
// inside the other ("ticket_min" and "ticket_min.amount", "sectors" and "sectors[2]").
func related(name, field string) bool {
	norm := func(s string) string {
		s = strings.NewReplacer("[", ".", "]", "").Replace(s)
		return strings.ToLower(strings.Trim(s, "."))
	}
	a, b := norm(name), norm(field)
	return a == b || strings.HasPrefix(a, b+".") || strings.HasPrefix(b, a+".")
}

// normPath writes field paths one way: "$.benefits[1].amount" and "benefits.1.amount" both as
// "benefits.1.amount".
func normPath(s string) string {
	return strings.NewReplacer("$.", "", "[", ".", "]", "").Replace(s)
}

func clip(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

func (tr *traffic) report(ops int) {
	var statuses []string
	for _, s := range sortedInts(tr.byStatus) {
		statuses = append(statuses, fmt.Sprintf("%d×%d", tr.byStatus[s], s))
	}
	var codes []string
	for _, k := range sortedKeys(tr.codesSeen) {
		codes = append(codes, fmt.Sprintf("%s×%d", k, tr.codesSeen[k]))
	}
	tr.t.Logf("%d operations, %d generated requests (%d schema-valid, %d schema-invalid; %d cases not generated): "+
		"%d × 5xx, %d shape refusals of schema-valid input, %d schema-invalid accepted, %d responses not matching the document; "+
		"invalid ones refused naming the field %d, refused otherwise (401/403/404/409/412) %d",
		ops, tr.requests, tr.valid, tr.invalid, tr.notJudged, tr.fiveXX, tr.shapeRefusals, tr.acceptedInvalid, tr.mismatches,
		tr.namedRefusals, tr.otherRefusals)
	tr.t.Logf("statuses: %s", strings.Join(statuses, " "))
	var never []string
	for _, op := range tr.operations() {
		if key := op.method + " " + op.path; !tr.succeeded[key] {
			never = append(never, key)
		}
	}
	tr.t.Logf("%d of %d operations answered a generated request with success; never: %v", ops-len(never), ops, never)
	if len(tr.notGenerated) > 0 {
		tr.t.Logf("cases not generated, by operation: %v", tr.notGenerated)
	}
	tr.t.Logf("field codes: %s", strings.Join(codes, " "))
	if len(tr.failures) > 0 {
		tr.t.Logf("%d findings", len(tr.failures))
	}
}

func sortedInts(m map[int]int) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
