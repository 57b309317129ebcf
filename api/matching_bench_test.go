package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/testdb"
)

// generate runs the data-generating statements of a benchmark, then refreshes the planner's
// statistics.
func generate(b testing.TB, db *sqlx.DB, statements ...string) {
	b.Helper()
	for _, s := range statements {
		if _, err := db.Exec(s); err != nil {
			b.Fatalf("%v\n%s", err, s)
		}
	}
	// Written around the use cases: the read model is rebuilt as a bulk load does.
	if _, err := db.Exec(`SELECT read_model_refresh('opportunities', NULL), read_model_refresh('incentives', NULL),
		read_model_refresh('programmes', NULL)`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkEligibility1000 evaluates a situation against a country with 1,000 published
// incentives and programmes (500 of each, with sectors, regions, investor types, amounts, jobs
// and dates), through the whole in-process stack.
func BenchmarkEligibility1000(b *testing.B) {
	db, _ := testdb.New(b)
	generate(b, db, `
		INSERT INTO incentives (slug, country_code, organization_id, type, status, source_lang, legal_instrument,
			investor_types, min_investment, max_investment, investment_currency, min_jobs, residence_abroad,
			valid_from, valid_until, published_at)
		SELECT 'bench-incentive-' || i, 'CV', (SELECT id FROM organizations WHERE country_code = 'CV' ORDER BY slug LIMIT 1),
			(ARRAY['tax', 'customs', 'financing', 'land', 'residency', 'other'])[1 + i % 6], 'published', 'pt', 'Lei de teste',
			CASE i % 3 WHEN 0 THEN '{}' WHEN 1 THEN '{diaspora}' ELSE '{foreign,national}' END::text[],
			CASE WHEN i % 4 = 0 THEN (i * 100000)::numeric END, CASE WHEN i % 5 = 0 THEN (i * 1000000)::numeric END,
			CASE WHEN i % 4 = 0 OR i % 5 = 0 THEN (ARRAY['CVE', 'EUR', 'USD'])[1 + i % 3] END,
			CASE WHEN i % 7 = 0 THEN i % 50 END, CASE WHEN i % 2 = 0 THEN true END,
			CASE WHEN i % 11 = 0 THEN date '2020-01-01' END, CASE WHEN i % 13 = 0 THEN date '2025-12-31' END,
			now() - i * interval '1 hour'
		FROM generate_series(1, 500) i`,
		`INSERT INTO programmes (slug, country_code, organization_id, operator_id, type, status, source_lang,
			investor_types, min_investment, investment_currency, min_jobs, published_at)
		SELECT 'bench-programme-' || i, 'CV', o.id, o.id,
			(ARRAY['financing', 'guarantee', 'grant', 'technical_assistance', 'training', 'incubation', 'reintegration'])[1 + i % 7],
			'published', 'pt', CASE WHEN i % 2 = 0 THEN '{diaspora}' ELSE '{}' END::text[],
			CASE WHEN i % 3 = 0 THEN (i * 50000)::numeric END, CASE WHEN i % 3 = 0 THEN 'CVE' END,
			CASE WHEN i % 9 = 0 THEN 3 END, now() - i * interval '1 hour'
		FROM generate_series(1, 500) i, (SELECT id FROM organizations WHERE country_code = 'CV' ORDER BY slug LIMIT 1) o`,
		`INSERT INTO incentive_translations (incentive_id, lang, name, summary, description)
		SELECT c.id, l, 'Incentivo ' || c.slug || ' ' || l, 'Resumo', 'Texto' FROM incentives c, unnest(ARRAY['pt', 'en', 'fr']) l
		WHERE c.slug LIKE 'bench-%'`,
		`INSERT INTO programme_translations (programme_id, lang, name, summary, description)
		SELECT c.id, l, 'Programa ' || c.slug || ' ' || l, 'Resumo', 'Texto' FROM programmes c, unnest(ARRAY['pt', 'en', 'fr']) l
		WHERE c.slug LIKE 'bench-%'`,
		`INSERT INTO incentive_sectors (incentive_id, sector_code)
		SELECT c.id, s.code FROM incentives c JOIN sectors s ON s.position % 5 = (hashtext(c.slug) & 4)
		WHERE c.slug LIKE 'bench-%'`,
		`INSERT INTO programme_sectors (programme_id, sector_code)
		SELECT c.id, s.code FROM programmes c JOIN sectors s ON s.position % 4 = (hashtext(c.slug) & 3)
		WHERE c.slug LIKE 'bench-%'`,
		`INSERT INTO incentive_regions (incentive_id, country_code, region_code)
		SELECT c.id, 'CV', r.code FROM incentives c JOIN regions r ON r.country_code = 'CV' AND r.position % 3 = (hashtext(c.slug) & 3)
		WHERE c.slug LIKE 'bench-%'`,
		`INSERT INTO programme_regions (programme_id, country_code, region_code)
		SELECT c.id, 'CV', r.code FROM programmes c JOIN regions r ON r.country_code = 'CV' AND r.position % 4 = (hashtext(c.slug) & 3)
		WHERE c.slug LIKE 'bench-%'`,
	)
	var n int
	if err := db.Get(&n, `SELECT (SELECT count(*) FROM incentives WHERE country_code = 'CV' AND status = 'published')
		+ (SELECT count(*) FROM programmes WHERE country_code = 'CV' AND status = 'published')`); err != nil || n < 1000 {
		b.Fatalf("%d items, %v", n, err)
	}
	app := newApp(b, db, api.DefaultConfig())
	body := `{"country": "CV", "investor_type": "diaspora", "residence_country": "FR", "sector": "tourism",
		"region": "boa_vista", "amount": {"amount": "750000.00", "currency": "EUR"}, "jobs": 12}`
	b.ReportMetric(float64(n), "items")
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/v1/eligibility", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Language", "fr")
		resp, err := app.Test(req, -1)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%v %v", resp.StatusCode, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkFacetedList100k reads the first page of a filtered list with its sector, region and
// type counts over 100,000 published opportunities of one country.
func BenchmarkFacetedList100k(b *testing.B) {
	db, _ := testdb.New(b)
	generate100k(b, db)
	app := newApp(b, db, api.DefaultConfig())
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet,
			"/v1/countries/CV/opportunities?sector=tourism,ict&investor_type=diaspora&max_amount=500000&currency=EUR&facets=sector,region,type&limit=20", nil)
		req.Header.Set("Accept-Language", "en")
		resp, err := app.Test(req, -1)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%v %v", resp.StatusCode, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// generate100k adds 100,000 published opportunities to Cabo Verde, spread over its islands,
// instruments and sectors.
func generate100k(b testing.TB, db *sqlx.DB) {
	generate(b, db,
		// The translations' search triggers are left out: this list does not search, and one
		// statement per table keeps the generation to seconds.
		`ALTER TABLE opportunity_translations DISABLE TRIGGER opportunity_translations_refresh`,
		`INSERT INTO opportunities (slug, country_code, organization_id, region_code, instrument, status, source_lang, langs,
			min_investment, max_investment, currency, jobs, investor_types, published_at)
		SELECT 'bench-opportunity-' || i, 'CV', o.id,
			(ARRAY['santo_antao', 'sao_vicente', 'sao_nicolau', 'sal', 'boa_vista', 'maio', 'santiago', 'fogo', 'brava'])[1 + i % 9],
			(ARRAY['equity', 'debt', 'joint_venture', 'public_private_partnership', 'concession', 'greenfield', 'acquisition'])[1 + i % 7],
			'published', 'pt', '{en,fr,pt}', (i % 100) * 1000000, (i % 100) * 1000000 + 50000000, 'CVE', i % 80,
			CASE WHEN i % 3 = 0 THEN '{diaspora}' ELSE '{}' END::text[], now() - i * interval '1 minute'
		FROM generate_series(1, 100000) i, (SELECT id FROM organizations WHERE country_code = 'CV' ORDER BY slug LIMIT 1) o`,
		`INSERT INTO opportunity_translations (opportunity_id, lang, title, summary, description)
		SELECT c.id, 'pt', 'Oportunidade ' || c.slug, 'Resumo', 'Texto' FROM opportunities c WHERE c.slug LIKE 'bench-%'`,
		`ALTER TABLE opportunity_translations ENABLE TRIGGER opportunity_translations_refresh`,
		`INSERT INTO opportunity_sectors (opportunity_id, sector_code)
		SELECT c.id, s.code FROM opportunities c JOIN sectors s ON s.position IN (1 + hashtext(c.slug) & 7, 8 + hashtext(c.slug) & 3)
		WHERE c.slug LIKE 'bench-%'`,
	)
}
