package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/testdb"
)

// BenchmarkListPage is one catalogue page through the whole in-process stack: middleware,
// negotiation, the queries, labels, JSON and the ETag. No quota: the loop is one address.
func BenchmarkListPage(b *testing.B) {
	db, _ := testdb.New(b)
	cfg := api.DefaultConfig()
	cfg.AnonymousQuota = 0
	benchmarkList(b, newApp(b, db, cfg), "")
}

// BenchmarkListPageCached is the same page answered from the cache, counted against an
// anonymous quota (too large to be spent), gzipped: what a hot read costs.
func BenchmarkListPageCached(b *testing.B) {
	db, _ := testdb.New(b)
	cfg := api.DefaultConfig()
	cfg.AnonymousQuota = 1 << 30
	cfg.Cache = api.NewCache(32<<20, time.Minute)
	cfg.Cache.Live(true)
	benchmarkList(b, newApp(b, db, cfg), "gzip")
}

func benchmarkList(b *testing.B, app *fiber.App, encoding string) {
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/v1/countries/CV/opportunities?sector=tourism&limit=20", nil)
		req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5")
		if encoding != "" {
			req.Header.Set("Accept-Encoding", encoding)
		}
		resp, err := app.Test(req, -1)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%v %v", resp.StatusCode, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
