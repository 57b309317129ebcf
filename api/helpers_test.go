package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/contract"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// testSecret signs the tokens of the handler tests.
var testSecret = []byte("test-secret-of-at-least-32-bytes-for-hs256")

var (
	validatorOnce sync.Once
	validator     *contract.Validator
	validatorErr  error
)

// testAPI is the real Fiber app over a fresh seeded database; every response it gives is
// checked against openapi.yaml.
type testAPI struct {
	t   *testing.T
	app *fiber.App
	db  *sqlx.DB
}

func newAPI(t *testing.T) *testAPI {
	t.Helper()
	db, _ := testdb.New(t)
	validatorOnce.Do(func() { validator, validatorErr = contract.NewValidator() })
	if validatorErr != nil {
		t.Fatalf("load openapi.yaml: %v", validatorErr)
	}
	// The seed's sample listings are examples: the suite reads them with SHOW_EXAMPLES on;
	// examples_test.go checks the public default, which hides them.
	cfg := api.DefaultConfig()
	cfg.ShowExamples = true
	return &testAPI{t: t, app: newApp(t, db, cfg), db: db}
}

// newApp builds the real app over db with cfg (signed with testSecret unless cfg says
// otherwise), logging nowhere.
func newApp(tb testing.TB, db *sqlx.DB, cfg api.Config) *fiber.App {
	tb.Helper()
	langs, err := api.LoadLanguages("en")
	if err != nil {
		tb.Fatal(err)
	}
	if cfg.JWTSecret == nil {
		cfg.JWTSecret = testSecret
	}
	return api.New(cfg, repository.New(db), langs, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

func (r response) items(t *testing.T) []map[string]any {
	t.Helper()
	raw, ok := r.json(t)["items"].([]any)
	if !ok {
		t.Fatalf("no items in %s", r.body)
	}
	out := make([]map[string]any, len(raw))
	for i, it := range raw {
		out[i] = it.(map[string]any)
	}
	return out
}

// do sends a request through the app and checks the response against the contract.
func (a *testAPI) do(method, target string, header map[string]string) response {
	a.t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return a.exchange(req)
}

// exchange runs req through the app, reads the whole answer and checks it against the contract.
func (a *testAPI) exchange(req *http.Request) response {
	a.t.Helper()
	resp, err := a.app.Test(req, -1)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	if err := validator.CheckResponse(req, resp.StatusCode, resp.Header, body); err != nil {
		a.t.Errorf("%s %s: response does not match openapi.yaml: %v", req.Method, req.URL, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func (a *testAPI) get(target string, header ...string) response {
	a.t.Helper()
	h := map[string]string{}
	for i := 0; i+1 < len(header); i += 2 {
		h[header[i]] = header[i+1]
	}
	return a.do(http.MethodGet, target, h)
}

// expect fails the test unless the response has the status.
func expect(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
}

// problemOf checks a problem response and returns it.
func problemOf(t *testing.T, r response, status int, typ string) map[string]any {
	t.Helper()
	expect(t, r, status)
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q", ct)
	}
	p := r.json(t)
	if p["type"] != typ {
		t.Errorf("type %v, want %s", p["type"], typ)
	}
	if p["title"] == "" || p["detail"] == "" || p["request_id"] == "" {
		t.Errorf("incomplete problem %s", r.body)
	}
	return p
}

func fieldErrors(p map[string]any) map[string]string {
	out := map[string]string{}
	list, _ := p["errors"].([]any)
	for _, e := range list {
		m := e.(map[string]any)
		out[m["name"].(string)] = m["code"].(string)
	}
	return out
}
