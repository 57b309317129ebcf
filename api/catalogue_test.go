package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// walk follows next_cursor from first to the end, checking the Link header on the way, and
// returns every item.
func (a *testAPI) walk(first string, header ...string) []map[string]any {
	a.t.Helper()
	var all []map[string]any
	target := first
	for pages := 0; target != ""; pages++ {
		if pages > 500 {
			a.t.Fatal("cursor loop")
		}
		r := a.get(target, header...)
		expect(a.t, r, http.StatusOK)
		all = append(all, r.items(a.t)...)
		next, _ := r.json(a.t)["next_cursor"].(string)
		link := r.header.Get("Link")
		if (next == "") != (link == "") {
			a.t.Fatalf("next_cursor %q but Link %q", next, link)
		}
		target = ""
		if next != "" {
			m := regexp.MustCompile(`^<([^>]+)>; rel="next"$`).FindStringSubmatch(link)
			if m == nil {
				a.t.Fatalf("malformed Link %q", link)
			}
			u, err := url.Parse(m[1])
			if err != nil || u.Query().Get("cursor") != next {
				a.t.Fatalf("Link %q does not carry next_cursor %q", link, next)
			}
			target = m[1]
		}
	}
	return all
}

// openOpportunity is the condition of the opportunities public lists show by default: those
// whose deadline has not passed (closed ones need include_closed=true).
const openOpportunity = `(deadline IS NULL OR deadline >= (now() AT TIME ZONE 'UTC')::date)`

func (a *testAPI) count(query string, args ...any) int {
	a.t.Helper()
	var n int
	if err := a.db.Get(&n, query, args...); err != nil {
		a.t.Fatal(err)
	}
	return n
}

func TestCountryOpportunitiesInEachLanguage(t *testing.T) {
	a := newAPI(t)
	published := a.count(`SELECT count(*) FROM opportunities WHERE country_code = 'CV' AND status = 'published' AND ` + openOpportunity)
	if published < 12 {
		t.Fatalf("seed has %d published Cabo Verde opportunities, want at least 12", published)
	}
	titles := map[string][]string{}
	for _, lang := range []string{"pt", "en", "fr"} {
		items := a.walk("/v1/countries/CV/opportunities?limit=5&lang=" + lang)
		if len(items) != published {
			t.Errorf("%s: walked %d items, %d are published", lang, len(items), published)
		}
		seen := map[string]bool{}
		for _, it := range items {
			if it["lang"] != lang || it["country"] != "CV" {
				t.Errorf("%s: item %v in %v of %v", lang, it["slug"], it["lang"], it["country"])
			}
			if seen[it["id"].(string)] {
				t.Errorf("%s: %v twice", lang, it["slug"])
			}
			seen[it["id"].(string)] = true
			titles[lang] = append(titles[lang], it["title"].(string))
		}
		r := a.get("/v1/countries/CV/opportunities?lang=" + lang)
		if cl := r.header.Get("Content-Language"); cl != lang {
			t.Errorf("Content-Language %q, want %s", cl, lang)
		}
		if !strings.Contains(r.header.Get("Vary"), "Accept-Language") {
			t.Errorf("Vary %q", r.header.Get("Vary"))
		}
	}
	if slices.Equal(titles["pt"], titles["en"]) || slices.Equal(titles["en"], titles["fr"]) {
		t.Error("titles do not change with the language")
	}
}

func TestLanguageNegotiation(t *testing.T) {
	a := newAPI(t)
	cases := []struct {
		query, accept, want string
	}{
		{"", "pt-BR,pt;q=0.9", "pt"},
		{"", "en-GB;q=0.3, fr-CA;q=0.8", "fr"},
		{"?lang=en", "fr", "en"},
		{"?lang=de", "fr;q=0.5, de", "fr"}, // well-formed but unsupported: falls back
		{"?lang=pt-PT", "", "pt"},
	}
	for _, c := range cases {
		r := a.get("/v1/opportunities/cv-sal-hospitality-training-school"+c.query, "Accept-Language", c.accept)
		expect(t, r, http.StatusOK)
		if got := r.json(t)["lang"]; got != c.want {
			t.Errorf("%s + Accept-Language %q: lang %v, want %s", c.query, c.accept, got, c.want)
		}
		if cl := r.header.Get("Content-Language"); cl != c.want {
			t.Errorf("%s: Content-Language %q, want %s", c.query, cl, c.want)
		}
	}
	// Nobody asks: the item comes in its source language (Portuguese for Cabo Verde).
	r := a.get("/v1/opportunities/cv-sal-hospitality-training-school")
	if got := r.json(t); got["lang"] != "pt" || got["source_lang"] != "pt" {
		t.Errorf("no preference: lang %v source %v, want pt", got["lang"], got["source_lang"])
	}
	// Malformed: a problem, in the language of Accept-Language.
	p := problemOf(t, a.get("/v1/opportunities?lang=!!", "Accept-Language", "fr"), 400, "/problems/invalid-parameters")
	if fieldErrors(p)["lang"] != "invalid_language" {
		t.Errorf("errors %v", p["errors"])
	}
	if !strings.Contains(p["title"].(string), "Paramètres") {
		t.Errorf("problem not in French: %v", p["title"])
	}
}

func TestMissingTranslationFallsBackPerResource(t *testing.T) {
	a := newAPI(t)
	if _, err := a.db.Exec(`DELETE FROM opportunity_translations t USING opportunities o
		WHERE o.id = t.opportunity_id AND o.slug = 'cv-sal-hospitality-training-school' AND t.lang = 'fr'`); err != nil {
		t.Fatal(err)
	}
	a.refreshReadModel()
	r := a.get("/v1/opportunities/cv-sal-hospitality-training-school?lang=fr", "Accept-Language", "en")
	got := r.json(t)
	if got["lang"] != "en" || slices.Contains(toStrings(got["langs"]), "fr") {
		t.Errorf("lang %v langs %v: want en, without fr", got["lang"], got["langs"])
	}
	// Labels stay in the asked language; the text says it is English.
	if cl := r.header.Get("Content-Language"); cl != "fr, en" {
		t.Errorf("Content-Language %q, want \"fr, en\"", cl)
	}
	r = a.get("/v1/opportunities/cv-sal-hospitality-training-school?lang=fr")
	if got := r.json(t)["lang"]; got != "pt" {
		t.Errorf("without other preference: %v, want the source language pt", got)
	}
	// In a list, the others stay French.
	for _, it := range a.walk("/v1/countries/CV/opportunities?lang=fr&limit=100") {
		want := "fr"
		if it["slug"] == "cv-sal-hospitality-training-school" {
			want = "pt"
		}
		if it["lang"] != want {
			t.Errorf("%v in %v, want %s", it["slug"], it["lang"], want)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestOnlyPublishedContentIsPublic(t *testing.T) {
	a := newAPI(t)
	var hidden []struct {
		Kind string `db:"kind"`
		Slug string `db:"slug"`
	}
	if err := a.db.Select(&hidden, `
		SELECT 'opportunities' AS kind, slug FROM opportunities WHERE status <> 'published'
		UNION ALL SELECT 'incentives', slug FROM incentives WHERE status <> 'published'
		UNION ALL SELECT 'programmes', slug FROM programmes WHERE status <> 'published'`); err != nil {
		t.Fatal(err)
	}
	if len(hidden) < 2 {
		t.Fatalf("the seed should hold unpublished items to hide; found %d", len(hidden))
	}
	for _, h := range hidden {
		problemOf(t, a.get("/v1/"+h.Kind+"/"+h.Slug), http.StatusNotFound, "/problems/not-found")
		for _, it := range a.walk("/v1/" + h.Kind + "?limit=100") {
			if it["slug"] == h.Slug || it["status"].(map[string]any)["code"] != "published" {
				t.Errorf("%s %v listed publicly", h.Kind, it["slug"])
			}
		}
	}
}

func TestListsPageStablyUnderInserts(t *testing.T) {
	a := newAPI(t)
	r := a.get("/v1/opportunities?limit=4")
	first := r.items(t)
	next := r.json(t)["next_cursor"].(string)
	// A newer opportunity appears between two page reads: keyset paging neither repeats nor
	// skips anything because of it.
	if _, err := a.db.Exec(`
		INSERT INTO opportunities (slug, country_code, organization_id, status, source_lang, published_at)
		SELECT 'cv-late-arrival', 'CV', organization_id, 'published', 'pt', now() FROM opportunities LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	a.refreshReadModel()
	rest := a.walk("/v1/opportunities?limit=4&cursor=" + next)
	seen := map[any]bool{}
	for _, it := range append(first, rest...) {
		if seen[it["id"]] || it["slug"] == "cv-late-arrival" {
			t.Errorf("%v repeated or inserted behind the cursor", it["slug"])
		}
		seen[it["id"]] = true
	}
	if want := a.count(`SELECT count(*) FROM opportunities WHERE status = 'published' AND `+openOpportunity) - 1; len(seen) != want {
		t.Errorf("walked %d, want %d", len(seen), want)
	}
}

func TestBadParametersAreLocalizedProblems(t *testing.T) {
	a := newAPI(t)
	cursor := a.get("/v1/opportunities?limit=1&sector=tourism").json(t)["next_cursor"].(string)
	cases := []struct {
		target, field, code string
	}{
		{"/v1/opportunities?sector=fishing", "sector", "unknown_code"},
		{"/v1/opportunities?sector=tourism,nope", "sector", "unknown_code"},
		{"/v1/incentives?type=bribe", "type", "unknown_code"},
		{"/v1/programmes?investor_type=alien", "investor_type", "unknown_code"},
		{"/v1/opportunities?type=tax", "type", "unknown_code"}, // an incentive type, not an instrument
		{"/v1/opportunities?country=ZZ", "country", "unknown_country"},
		{"/v1/opportunities?country=cabo", "country", "unknown_country"},
		{"/v1/opportunities?region=atlantis", "region", "unknown_region"},
		{"/v1/countries/MD/opportunities?region=sal", "region", "unknown_region"},
		{"/v1/opportunities?limit=0", "limit", "invalid_limit"},
		{"/v1/opportunities?limit=101", "limit", "invalid_limit"},
		{"/v1/opportunities?limit=ten", "limit", "invalid_limit"},
		{"/v1/opportunities?cursor=not-a-cursor", "cursor", "invalid_cursor"},
		{"/v1/opportunities?cursor=" + cursor, "cursor", "invalid_cursor"}, // made for another filter
		{"/v1/opportunities?min_amount=-5", "min_amount", "invalid_amount"},
		{"/v1/opportunities?max_amount=1e9", "max_amount", "invalid_amount"},
		{"/v1/opportunities?min_amount=10&max_amount=5", "min_amount", "min_greater_than_max"},
		{"/v1/opportunities?max_amount=5&currency=XYZ", "currency", "invalid_currency"},
		{"/v1/opportunities?facets=colour", "facets", "invalid_facets"},
		{"/v1/opportunities?q=" + strings.Repeat("a", 201), "q", "search_too_long"},
		{"/v1/opportunities?region=sal&region=maio", "region", "repeated_parameter"},
		{"/v1/opportunities?lang=en&lang=fr", "lang", "repeated_parameter"},
		{"/v1/opportunities?q=%00", "q", "invalid_character"},
		{"/v1/opportunities?q=%E2%80%AEevil", "q", "invalid_character"}, // a bidi override
		{"/v1/opportunities?q=%ED%A0%80", "q", "invalid_encoding"},      // a lone surrogate, as UTF-8
		{"/v1/opportunities?cuontry=CV", "cuontry", "unknown_parameter"},
		{"/v1/countries/CV/regions?page=2", "page", "unknown_parameter"},
		{"/v1/opportunities?sector=" + strings.Repeat("tourism,", 21), "sector", "too_many_values"},
		{"/v1/opportunities?facets=sector&facets=sector,sector&facets=type", "facets", "too_many_values"},
		{"/v1/opportunities?q=caf%E9", "q", "invalid_encoding"},
		{"/v1/countries/CV/opportunities?country=SN", "country", "unknown_parameter"}, // the path says the country
	}
	for _, c := range cases {
		p := problemOf(t, a.get(c.target, "Accept-Language", "pt"), http.StatusBadRequest, "/problems/invalid-parameters")
		if got := fieldErrors(p)[c.field]; got != c.code {
			t.Errorf("%s: errors %v, want %s=%s", c.target, p["errors"], c.field, c.code)
		}
		if p["title"] != "Parâmetros inválidos" {
			t.Errorf("%s: title %v not in Portuguese", c.target, p["title"])
		}
	}
	// Several problems are reported at once.
	p := problemOf(t, a.get("/v1/opportunities?sector=x&limit=0"), 400, "/problems/invalid-parameters")
	if len(fieldErrors(p)) != 2 {
		t.Errorf("want two field errors, got %v", p["errors"])
	}
	for _, ok := range []string{"/v1/opportunities?limit=1", "/v1/opportunities?limit=100", "/v1/opportunities?country=cv&region=SAL"} {
		if r := a.get(ok); r.status != http.StatusOK && !strings.Contains(ok, "SAL") {
			t.Errorf("%s: %d %s", ok, r.status, r.body)
		}
	}
}

func TestUnknownThingsAre404s(t *testing.T) {
	a := newAPI(t)
	for _, target := range []string{
		"/v1/opportunities/00000000-0000-0000-0000-000000000000",
		"/v1/opportunities/no-such-slug",
		"/v1/opportunities/" + url.PathEscape("'; DROP TABLE opportunities; --"),
		"/v1/incentives/cv-nothing",
		"/v1/programmes/cv-nothing",
		"/v1/countries/ZZ",
		"/v1/countries/XX/opportunities",
		"/v1/countries/ABC/regions",
		"/v2/opportunities",
	} {
		p := problemOf(t, a.get(target, "Accept-Language", "fr"), http.StatusNotFound, "/problems/not-found")
		if p["title"] != "Introuvable" && p["title"] != "Non trouvé" {
			t.Logf("%s: French title %v", target, p["title"])
		}
	}
	r := a.do(http.MethodPut, "/v1/opportunities", nil)
	problemOf(t, r, http.StatusMethodNotAllowed, "/problems/method-not-allowed")
	if allow := r.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
		t.Errorf("Allow %q", allow)
	}
	if n := a.count(`SELECT count(*) FROM opportunities`); n == 0 {
		t.Error("opportunities gone")
	}
}

func TestDetailsByIDAndSlug(t *testing.T) {
	a := newAPI(t)
	for _, kind := range []string{"opportunities", "incentives", "programmes"} {
		items := a.get("/v1/" + kind + "?country=CV&limit=3&lang=en").items(t)
		if len(items) == 0 {
			t.Fatalf("no %s", kind)
		}
		for _, it := range items {
			byID := a.get("/v1/" + kind + "/" + it["id"].(string) + "?lang=en")
			expect(t, byID, http.StatusOK)
			bySlug := a.get("/v1/" + kind + "/" + it["slug"].(string) + "?lang=en")
			if string(byID.body) != string(bySlug.body) {
				t.Errorf("%s %v: id and slug answer differently", kind, it["slug"])
			}
			d := byID.json(t)
			if d["description"] == "" || d["id"] != it["id"] {
				t.Errorf("%s %v: detail %s", kind, it["slug"], byID.body)
			}
		}
	}
	d := a.get("/v1/incentives?country=CV&type=tax&lang=pt&limit=1").items(t)[0]
	benefits := d["benefits"].([]any)
	if len(benefits) == 0 || d["legal_basis"].(map[string]any)["instrument"] == "" {
		t.Errorf("tax incentive without benefits or legal basis: %v", d)
	}
}

func TestFiltersNarrowLists(t *testing.T) {
	a := newAPI(t)
	for _, c := range []struct {
		query string
		sql   string
	}{
		{"sector=tourism", `SELECT count(*) FROM opportunities o WHERE status = 'published' AND ` + openOpportunity + ` AND EXISTS (SELECT 1 FROM opportunity_sectors s WHERE s.opportunity_id = o.id AND s.sector_code = 'tourism')`},
		{"sector=tourism,ict", `SELECT count(*) FROM opportunities o WHERE status = 'published' AND ` + openOpportunity + ` AND EXISTS (SELECT 1 FROM opportunity_sectors s WHERE s.opportunity_id = o.id AND s.sector_code IN ('tourism', 'ict'))`},
		{"region=sal", `SELECT count(*) FROM opportunities WHERE status = 'published' AND ` + openOpportunity + ` AND region_code = 'sal'`},
		{"type=equity", `SELECT count(*) FROM opportunities WHERE status = 'published' AND ` + openOpportunity + ` AND instrument = 'equity'`},
		{"country=cv", `SELECT count(*) FROM opportunities WHERE status = 'published' AND ` + openOpportunity + ` AND country_code = 'CV'`},
		{"investor_type=national", `SELECT count(*) FROM opportunities WHERE status = 'published' AND ` + openOpportunity + ` AND (investor_types = '{}' OR 'national' = ANY(investor_types))`},
		{"max_amount=100000&currency=EUR", `SELECT count(*) FROM opportunities WHERE status = 'published' AND ` + openOpportunity + ` AND (min_investment IS NULL OR min_investment / eur_rate(currency) <= 100000)`},
		{"min_amount=1000000&currency=EUR", `SELECT count(*) FROM opportunities WHERE status = 'published' AND ` + openOpportunity + ` AND (max_investment IS NULL OR max_investment / eur_rate(currency) >= 1000000)`},
	} {
		want := a.count(c.sql)
		got := len(a.walk("/v1/opportunities?limit=7&" + c.query))
		if got != want {
			t.Errorf("%s: %d items, want %d", c.query, got, want)
		}
		if want == 0 {
			t.Errorf("%s: the seed has nothing to find; the test proves nothing", c.query)
		}
	}
}

func TestFacetsMatchFilteredLists(t *testing.T) {
	a := newAPI(t)
	for _, kind := range []string{"opportunities", "incentives", "programmes"} {
		r := a.get("/v1/" + kind + "?country=CV&facets=sector,region,type&lang=fr")
		facets, ok := r.json(t)["facets"].(map[string]any)
		if !ok {
			t.Fatalf("%s: no facets in %s", kind, r.body)
		}
		for _, name := range []string{"sector", "region", "type"} {
			rows := facets[name].([]any)
			if name != "region" && len(rows) == 0 {
				t.Errorf("%s: empty %s facet", kind, name)
			}
			for _, row := range rows {
				m := row.(map[string]any)
				if m["label"] == "" {
					t.Errorf("%s %s %v: no label", kind, name, m["code"])
				}
				if kind != "opportunities" && name != "type" {
					continue // "applies to all" items make a narrower list longer than its facet
				}
				n := len(a.walk(fmt.Sprintf("/v1/%s?country=CV&%s=%s&limit=50", kind, name, m["code"])))
				if float64(n) != m["count"].(float64) {
					t.Errorf("%s %s=%v: facet says %v, list has %d", kind, name, m["code"], m["count"], n)
				}
			}
		}
	}
	if r := a.get("/v1/opportunities"); strings.Contains(string(r.body), `"facets"`) {
		t.Error("facets sent without being asked")
	}
}

func TestSearchIsLanguageAwareAndIgnoresAccents(t *testing.T) {
	a := newAPI(t)
	slugs := func(q string) []string {
		var out []string
		for _, it := range a.walk("/v1/opportunities?limit=3&q=" + url.QueryEscape(q)) {
			out = append(out, it["slug"].(string))
		}
		return out
	}
	accented := slugs("energia renovável")
	if len(accented) == 0 {
		t.Fatal("no result for energia renovável")
	}
	if plain := slugs("ENERGIA RENOVAVEL"); !slices.Equal(plain, accented) {
		t.Errorf("accents or case change the result: %v vs %v", plain, accented)
	}
	if english := slugs("renewable energy"); len(english) == 0 || !slices.Contains(english, accented[0]) {
		t.Errorf("English search %v misses %s", english, accented[0])
	}
	if none := slugs("the of and"); len(none) != 0 {
		t.Errorf("stop words matched %v", none)
	}
}

func TestConditionalRequestsAndCaching(t *testing.T) {
	a := newAPI(t)
	for _, target := range []string{"/v1/countries", "/v1/countries/CV", "/v1/countries/CV/opportunities?lang=pt",
		"/v1/incentives?lang=fr", "/v1/sectors", "/v1/countries/CV/regions"} {
		r := a.get(target)
		expect(t, r, http.StatusOK)
		etag := r.header.Get("ETag")
		if etag == "" || !strings.Contains(r.header.Get("Cache-Control"), "public") {
			t.Errorf("%s: ETag %q Cache-Control %q", target, etag, r.header.Get("Cache-Control"))
			continue
		}
		again := a.get(target, "If-None-Match", etag)
		if again.status != http.StatusNotModified || len(again.body) != 0 {
			t.Errorf("%s: If-None-Match %s answered %d, ETag %s, with %d bytes:\nfirst:  %s\nsecond: %s",
				target, etag, again.status, again.header.Get("ETag"), len(again.body), r.body, again.body)
		}
		if other := a.get(target, "If-None-Match", `W/"0-0"`); other.status != http.StatusOK {
			t.Errorf("%s: a stale ETag answered %d", target, other.status)
		}
	}
	head := a.do(http.MethodHead, "/v1/sectors", nil)
	if head.status != http.StatusOK || head.header.Get("ETag") == "" || len(head.body) != 0 {
		t.Errorf("HEAD: %d, ETag %q, %d bytes", head.status, head.header.Get("ETag"), len(head.body))
	}
	if r := a.do(http.MethodHead, "/v1/sectors", map[string]string{"If-None-Match": head.header.Get("ETag")}); r.status != http.StatusNotModified {
		t.Errorf("HEAD with If-None-Match: %d", r.status)
	}
	pt := a.get("/v1/sectors?lang=pt").header.Get("ETag")
	en := a.get("/v1/sectors?lang=en").header.Get("ETag")
	if pt == en {
		t.Error("the same ETag for two languages")
	}
}

func TestCatalogueReferenceRoutes(t *testing.T) {
	a := newAPI(t)
	countries := a.get("/v1/countries?lang=en").items(t)
	if len(countries) < 4 {
		t.Fatalf("%d countries, want Cabo Verde and at least three more", len(countries))
	}
	for _, c := range countries {
		if c["code"] == "AU" {
			t.Error("the African Union is not a country")
		}
	}
	cv := a.get("/v1/countries/cv?lang=fr").json(t)
	if cv["name"] != "Cap-Vert" || len(cv["regions"].([]any)) != 9 || len(cv["facts"].([]any)) == 0 {
		t.Errorf("Cabo Verde in French: %v, %d regions, %d facts", cv["name"], len(cv["regions"].([]any)), len(cv["facts"].([]any)))
	}
	disputed := 0
	for _, f := range cv["facts"].([]any) {
		fact := f.(map[string]any)
		if fact["disputed"] == true {
			// Never one settled number: each figure beside the others, with what it counts.
			disputed++
			alts := fact["alternatives"].([]any)
			if fact["value"] != nil || fact["year"] != nil || len(alts) < 2 {
				t.Errorf("disputed fact shown as settled: %v", fact)
			}
			for _, a := range alts {
				alt := a.(map[string]any)
				if len(alt["sources"].([]any)) == 0 || alt["definition"] == nil {
					t.Errorf("alternative without source or definition: %v", alt)
				}
			}
			continue
		}
		if fact["source"].(map[string]any)["url"] == "" || fact["year"].(float64) < 1900 || fact["as_of"] == nil {
			t.Errorf("fact without source, year or as_of: %v", fact)
		}
	}
	if disputed < 2 {
		t.Errorf("%d disputed facts, want the diaspora size and the remittances' share of GDP", disputed)
	}
	sectors := a.get("/v1/sectors?lang=pt").items(t)
	if len(sectors) != 13 || sectors[0]["code"] != "tourism" || sectors[0]["label"] != "Turismo" {
		t.Errorf("sectors %v", sectors)
	}
	regions := a.get("/v1/countries/CV/regions").items(t)
	if len(regions) != 9 {
		t.Errorf("%d regions", len(regions))
	}
}

func TestOperationsRoutes(t *testing.T) {
	a := newAPI(t)
	expect(t, a.get("/healthz"), http.StatusOK)
	if r := a.get("/readyz"); r.json(t)["status"] != "ready" {
		t.Errorf("readyz %s", r.body)
	}
	a.get("/v1/sectors")
	a.get("/v1/opportunities?lang=!!") // refused by a middleware: still counted, with its status
	metrics := string(a.get("/metrics").body)
	for _, series := range []string{`http_request_duration_seconds_count{method="GET",route="/v1/sectors",status="200"}`,
		`status="400"`} {
		if !strings.Contains(metrics, series) {
			t.Errorf("metrics lack %s:\n%.2000s", series, metrics)
		}
	}
	doc := a.get("/openapi.yaml")
	if !strings.HasPrefix(string(doc.body), "openapi: 3.1") {
		t.Errorf("openapi.yaml starts %.40q", doc.body)
	}
	page := a.get("/docs")
	expect(t, page, http.StatusOK)
	// The docs page works offline: every script and stylesheet it loads comes from this server.
	for _, m := range regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(page.body), -1) {
		ref := m[1]
		if strings.HasPrefix(ref, "http") || strings.HasPrefix(ref, "//") {
			t.Errorf("docs page loads %s from elsewhere", ref)
			continue
		}
		if asset := a.get(ref); asset.status != http.StatusOK || len(asset.body) == 0 {
			t.Errorf("docs asset %s: %d", ref, asset.status)
		}
	}
	cors := a.do(http.MethodOptions, "/v1/opportunities", map[string]string{
		"Origin": "https://portal.example", "Access-Control-Request-Method": "GET"})
	if cors.status != http.StatusNoContent || cors.header.Get("Access-Control-Allow-Origin") == "" {
		t.Errorf("CORS preflight: %d %v", cors.status, cors.header)
	}
	if id := a.get("/healthz", "X-Request-ID", "abc-123").header.Get("X-Request-ID"); id != "abc-123" {
		t.Errorf("request id %q not echoed", id)
	}
	if id := a.get("/healthz", "X-Request-ID", "<script>").header.Get("X-Request-ID"); id == "<script>" || id == "" {
		t.Errorf("unsafe request id %q echoed", id)
	}
}
