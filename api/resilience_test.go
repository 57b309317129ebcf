package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// With the database out of reach, reads answer 503 problems with Retry-After (the client may
// retry), and /readyz says so, instead of 500s.
func TestDatabaseDownIsA503(t *testing.T) {
	db, err := sqlx.Open("postgres", "postgres://nobody:nothing@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	app := newApp(t, db, api.DefaultConfig())
	for _, target := range []string{"/v1/opportunities", "/v1/countries/CV", "/readyz"} {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s: %d %s", target, resp.StatusCode, body)
		}
	}
	expectOK := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	if resp, err := app.Test(expectOK, -1); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("healthz depends on the database: %v", err)
	}
}

// FuzzCatalogueQuery sends arbitrary query strings and language headers to a list route: no
// input may give a 500 or a panic. `make test` runs the seed corpus; run it longer with
// `go test ./api -run '^$' -fuzz FuzzCatalogueQuery -fuzztime 60s` under `bin/pgrun`.
func FuzzCatalogueQuery(f *testing.F) {
	for _, seed := range []string{"sector=tourism,ict&limit=5", "q=energia%20renov%C3%A1vel", "cursor=%%%", "lang=!!",
		"min_amount=1e9&currency=eur", "region=sal&region=maio", "q=%00", "facets=sector,region,type,x", "limit=-1",
		"country=cv&investor_type=diaspora&max_amount=100000.99"} {
		f.Add(seed, "pt-BR,pt;q=0.9")
	}
	f.Add("", ";;;q=abc,*")
	db, _ := testdb.New(f)
	app := newApp(f, db, api.DefaultConfig())
	f.Fuzz(func(t *testing.T, query, acceptLanguage string) {
		req := httptest.NewRequest(http.MethodGet, "/v1/opportunities", nil)
		req.URL.RawQuery = query
		req.Header.Set("Accept-Language", acceptLanguage)
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Skip() // the request could not even be written (invalid header bytes)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 500 {
			t.Errorf("?%s with Accept-Language %q: %d %s", query, acceptLanguage, resp.StatusCode, body)
		}
	})
}

// A statement that outlives statement_timeout ends the request with a 503 timeout problem.
// Another transaction holds a lock the query needs, so the query is sure to wait.
func TestSlowQueryIsA503Timeout(t *testing.T) {
	locker, dbURL := testdb.New(t)
	db, err := repository.Open(t.Context(), dbURL, repository.PoolOptions{MaxOpen: 2, StatementTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := locker.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// Public lists read the read model (migration 00040), so that is what is held.
	if _, err := tx.Exec(`LOCK TABLE incentives, read_items, read_keys IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	app := newApp(t, db, api.DefaultConfig())
	resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/v1/incentives", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "/problems/timeout") || resp.Header.Get("Retry-After") == "" {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
}
