package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/testdb"
)

// BenchmarkListPage is one catalogue page through the whole in-process stack: middleware,
// negotiation, the queries, labels, JSON and the ETag.
func BenchmarkListPage(b *testing.B) {
	db, _ := testdb.New(b)
	app := newApp(b, db, api.DefaultConfig())
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/v1/countries/CV/opportunities?sector=tourism&limit=20", nil)
		req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5")
		resp, err := app.Test(req, -1)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%v %v", resp.StatusCode, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
