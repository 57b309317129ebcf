package api_test

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/diaspora-investor/marketplace/api"
)

// publicAPI is the app as it runs by default: SHOW_EXAMPLES unset, examples hidden.
func publicAPI(t *testing.T) *testAPI {
	t.Helper()
	a := newAPI(t)
	a.app = newApp(t, a.db, api.DefaultConfig())
	return a
}

// exampleIDs are the published illustrative items of a table.
func (a *testAPI) exampleIDs(table string) []string {
	a.t.Helper()
	return sqlStrings(a, `SELECT id::text FROM `+table+` WHERE status = 'published' AND illustrative`)
}

func sqlStrings(a *testAPI, query string, args ...any) []string {
	a.t.Helper()
	var out []string
	if err := a.db.Select(&out, query, args...); err != nil {
		a.t.Fatal(err)
	}
	return out
}

func ids(items []map[string]any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it["id"].(string)
	}
	return out
}

func TestExamplesAreHiddenFromThePublic(t *testing.T) {
	a := publicAPI(t)
	for _, table := range []string{"opportunities", "incentives", "programmes"} {
		examples := a.exampleIDs(table)
		if len(examples) == 0 && table != "incentives" {
			t.Fatalf("the seed has no example %s", table)
		}
		query := "?limit=7"
		if table == "opportunities" {
			query += "&include_closed=true"
		}
		listed := ids(a.walk("/v1/" + table + query))
		want := a.count(`SELECT count(*) FROM ` + table + ` WHERE status = 'published' AND NOT illustrative`)
		if len(listed) != want || want == 0 {
			t.Errorf("%s: %d listed, want the %d real ones", table, len(listed), want)
		}
		for _, id := range examples {
			if slices.Contains(listed, id) {
				t.Errorf("%s: example %s listed", table, id)
			}
			problemOf(t, a.get("/v1/"+table+"/"+id), http.StatusNotFound, "/problems/not-found")
		}
	}
	examples := a.exampleIDs("opportunities")

	// Search and facets count only real items.
	for _, id := range ids(a.walk("/v1/opportunities?limit=10&include_closed=true&q=Mindelo")) {
		if slices.Contains(examples, id) {
			t.Errorf("search finds example %s", id)
		}
	}
	r := a.get("/v1/opportunities?facets=sector&include_closed=true&limit=1")
	expect(t, r, http.StatusOK)
	for _, raw := range r.json(t)["facets"].(map[string]any)["sector"].([]any) {
		f := raw.(map[string]any)
		want := a.count(`SELECT count(*) FROM opportunities o JOIN opportunity_sectors s ON s.opportunity_id = o.id
			WHERE o.status = 'published' AND NOT o.illustrative AND s.sector_code = $1`, f["code"])
		if int(f["count"].(float64)) != want {
			t.Errorf("facet %v counts %v, want %d real ones", f["code"], f["count"], want)
		}
	}
	// The country's counts agree with its default lists.
	counts := a.get("/v1/countries/CV").json(t)["counts"].(map[string]any)
	if got, want := int(counts["opportunities"].(float64)), len(a.walk("/v1/countries/CV/opportunities?limit=50")); got != want {
		t.Errorf("counts %d opportunities, the list has %d", got, want)
	}

	// Eligibility assesses real incentives and programmes only, and proposes real opportunities.
	r = a.send(http.MethodPost, "/v1/eligibility", boaVista("500000.00"))
	expect(t, r, http.StatusOK)
	exampleItems := append(a.exampleIDs("incentives"), a.exampleIDs("programmes")...)
	for _, list := range verdicts(t, r) {
		for id := range list {
			if slices.Contains(exampleItems, id) {
				t.Errorf("eligibility assesses example %s", id)
			}
		}
	}
	for _, raw := range r.json(t)["opportunities"].([]any) {
		if id := raw.(map[string]any)["id"].(string); slices.Contains(examples, id) {
			t.Errorf("eligibility proposes example %s", id)
		}
	}

	// Recommendations, the change log and the Atom feed leave them out too.
	acc := a.signUp("reader@example.org")
	expect(t, a.send(http.MethodPut, "/v1/me/profile", map[string]any{"origin_country": "CV", "investor_type": "diaspora"},
		bearer(acc.access)...), http.StatusOK)
	r = a.get("/v1/me/recommendations?limit=50", bearer(acc.access)...)
	expect(t, r, http.StatusOK)
	recs := r.json(t)["opportunities"].([]any)
	if len(recs) == 0 {
		t.Fatal("no recommendation")
	}
	for _, raw := range recs {
		if id := raw.(map[string]any)["opportunity"].(map[string]any)["id"].(string); slices.Contains(examples, id) {
			t.Errorf("recommends example %s", id)
		}
	}
	// Nor can an investor bookmark one or express interest in it.
	problemOf(t, a.send(http.MethodPut, "/v1/me/saved/"+examples[0], nil, bearer(acc.access)...), http.StatusNotFound, "/problems/not-found")
	problemOf(t, a.send(http.MethodPost, "/v1/opportunities/"+examples[0]+"/interests", map[string]any{"message": "Tenho interesse."},
		bearer(acc.access)...), http.StatusNotFound, "/problems/not-found")
	changes, _ := a.follow("")
	if len(changes) == 0 {
		t.Fatal("empty change log")
	}
	for _, ch := range changes {
		if slices.Contains(examples, ch.id) || slices.Contains(exampleItems, ch.id) {
			t.Errorf("change log shows example %s", ch.id)
		}
	}
	var feed struct {
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
	}
	r = a.get("/v1/countries/CV/opportunities.atom")
	expect(t, r, http.StatusOK)
	if err := xml.Unmarshal(r.body, &feed); err != nil || len(feed.Entries) == 0 {
		t.Fatalf("feed: %v, %d entries", err, len(feed.Entries))
	}
	for _, e := range feed.Entries {
		if slices.Contains(examples, strings.TrimPrefix(e.ID, "urn:uuid:")) {
			t.Errorf("feed shows example %s", e.ID)
		}
	}
}

// With SHOW_EXAMPLES=true examples are public, and labelled in the reader's language wherever
// they appear; real items carry no label.
func TestExamplesAreLabelledInEveryLanguage(t *testing.T) {
	a := newAPI(t) // examples shown
	labels := map[string]string{}
	for _, lang := range []string{"pt", "en", "fr"} {
		items := a.walk("/v1/countries/CV/opportunities?limit=50&lang=" + lang)
		var examples, real int
		for _, it := range items {
			ex, _ := it["example"].(map[string]any)
			switch {
			case it["illustrative"] == true && ex != nil && ex["label"] != "":
				examples++
				labels[lang] = ex["label"].(string)
			case it["illustrative"] == false && it["example"] == nil:
				real++
			default:
				t.Errorf("%s: %v illustrative %v, example %v", lang, it["slug"], it["illustrative"], it["example"])
			}
		}
		if examples == 0 || real == 0 {
			t.Errorf("%s: %d examples, %d real", lang, examples, real)
		}
		id := a.idOf("opportunities", "cv-mindelo-fish-processing")
		d := a.get("/v1/opportunities/" + id + "?lang=" + lang).json(t)
		if d["example"].(map[string]any)["label"] != labels[lang] || d["organization"].(map[string]any)["name"] != "Example Agency (illustrative)" {
			t.Errorf("%s detail: example %v, organization %v", lang, d["example"], d["organization"])
		}
		var feed struct {
			Entries []struct {
				ID    string `xml:"id"`
				Title string `xml:"title"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(a.get("/v1/countries/CV/opportunities.atom?lang="+lang).body, &feed); err != nil {
			t.Fatal(err)
		}
		prefix := map[string]string{"pt": "[Exemplo] ", "en": "[Example] ", "fr": "[Exemple] "}[lang]
		for _, e := range feed.Entries {
			isExample := slices.Contains(a.exampleIDs("opportunities"), strings.TrimPrefix(e.ID, "urn:uuid:"))
			if strings.HasPrefix(e.Title, prefix) != isExample {
				t.Errorf("%s feed: %q (example: %v)", lang, e.Title, isExample)
			}
		}
	}
	if labels["pt"] == labels["en"] || labels["en"] == labels["fr"] {
		t.Errorf("labels not translated: %v", labels)
	}
}

func TestDeadlinesCloseOpportunities(t *testing.T) {
	a := publicAPI(t)
	closed := a.idOf("opportunities", "cecv-opv-2024")
	open := a.idOf("opportunities", "cv-handling-privatisation-emigrant-tranche")
	listed := a.walk("/v1/countries/CV/opportunities?limit=50")
	if slices.Contains(ids(listed), closed) || !slices.Contains(ids(listed), open) {
		t.Errorf("default list: closed present %v, open present %v", slices.Contains(ids(listed), closed), slices.Contains(ids(listed), open))
	}
	for _, it := range listed {
		if it["closed"] != false {
			t.Errorf("%v listed as closed by default", it["slug"])
		}
	}
	all := a.walk("/v1/countries/CV/opportunities?limit=50&include_closed=true")
	var sawClosed bool
	for _, it := range all {
		if it["id"] == closed {
			sawClosed = it["closed"] == true && it["deadline"] == "2024-02-23"
		}
	}
	if !sawClosed || len(all) <= len(listed) {
		t.Errorf("include_closed: closed item shown as closed %v; %d items against %d", sawClosed, len(all), len(listed))
	}
	if d := a.get("/v1/opportunities/" + closed).json(t); d["closed"] != true {
		t.Errorf("detail of a closed opportunity: closed %v", d["closed"])
	}
	// A deadline moved to today keeps it open until the day ends (UTC).
	a.exec(`UPDATE opportunities SET deadline = (now() AT TIME ZONE 'UTC')::date WHERE id = $1`, closed)
	if d := a.get("/v1/opportunities/" + closed).json(t); d["closed"] != false {
		t.Errorf("deadline today: closed %v", d["closed"])
	}
	p := problemOf(t, a.get("/v1/opportunities?include_closed=yes"), http.StatusBadRequest, "/problems/invalid-parameters")
	if errs := p["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["code"] != "invalid_boolean" {
		t.Errorf("errors %v", p["errors"])
	}
}

func TestSourcesAndDatesAreShown(t *testing.T) {
	a := publicAPI(t)
	d := a.get("/v1/opportunities/cv-handling-privatisation-emigrant-tranche?lang=en").json(t)
	sources := d["sources"].([]any)
	if len(sources) < 2 || d["as_of"] != "2026-12-03" || d["example"] != nil {
		t.Fatalf("sources %v, as_of %v, example %v", sources, d["as_of"], d["example"])
	}
	first := sources[0].(map[string]any)
	if first["publisher"] != "Expresso das Ilhas" || first["date"] != "2024-02-15" || len(first["supports"].([]any)) == 0 ||
		d["source"].(map[string]any)["url"] != first["url"] {
		t.Errorf("first source %v, source %v", first, d["source"])
	}
	if c := d["contact"].(map[string]any); c["email"] != nil && strings.HasSuffix(c["email"].(string), "example.org") {
		t.Errorf("real item with an example contact: %v", c)
	}
	// Published here when first loaded, not on a date written in a file.
	var loaded string
	if err := a.db.Get(&loaded, `SELECT to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM opportunities WHERE slug = 'cecv-opv-2024'`); err != nil {
		t.Fatal(err)
	}
	if loaded < "2026-12-03" {
		t.Errorf("published_at %s is older than the content", loaded)
	}
	// Benefits say what the sources say: a reduced rate is a rate, a credit's carry-forward is
	// not its duration, a term from an unverified bill is flagged.
	cin := a.get("/v1/incentives/cv-cin-reduced-irpc").json(t)
	first = cin["benefits"].([]any)[0].(map[string]any)
	if first["rate"] != "5" || first["min_jobs"] != 5.0 || first["percent"] != nil || cin["eligibility"].(map[string]any)["min_jobs"] != 5.0 {
		t.Errorf("CIN benefit %v, eligibility %v", first, cin["eligibility"])
	}
	credit := a.get("/v1/incentives/cv-investment-tax-credit-priority").json(t)["benefits"].([]any)[0].(map[string]any)
	if credit["carry_forward_years"] != 10.0 || credit["duration_years"] != nil {
		t.Errorf("tax credit %v", credit)
	}
	dividends := a.get("/v1/incentives/cv-emigrant-investor-dividend-exemption").json(t)["benefits"].([]any)[0].(map[string]any)
	if dividends["duration_years"] != 5.0 || dividends["unverified"] != true {
		t.Errorf("dividend exemption %v", dividends)
	}
	// Born-in-Cabo-Verde counts say so in the served text.
	for _, raw := range a.get("/v1/countries/CV?lang=pt").json(t)["facts"].([]any) {
		f := raw.(map[string]any)
		if f["metric"].(map[string]any)["code"] == "residence_country_diaspora" {
			def, _ := f["definition"].(string)
			note, _ := f["note"].(string)
			if !strings.Contains(def, "nascidas em Cabo Verde") || !strings.Contains(note, "Fonte fraca") {
				t.Errorf("residence fact %v: definition %q, note %q", f["residence_country"], def, note)
			}
		}
	}
}

// An item whose as_of is older than the set age is flagged for its agency; the age is
// configurable.
func TestOldContentIsFlaggedForRecheck(t *testing.T) {
	a := newAPI(t)
	ana := a.founder("ana@agency.cv", "Agência")
	id, _ := a.draft(ana)
	recheck := func(app *testAPI) any {
		t.Helper()
		r := app.get("/v1/opportunities/"+id, bearer(ana.access)...)
		expect(t, r, http.StatusOK)
		return r.json(t)["editorial"].(map[string]any)["recheck_due"]
	}
	if got := recheck(a); got != true {
		t.Errorf("never checked: recheck_due %v", got)
	}
	a.exec(`UPDATE opportunities SET as_of = current_date WHERE id = $1`, id)
	if got := recheck(a); got != false {
		t.Errorf("checked today: recheck_due %v", got)
	}
	a.exec(`UPDATE opportunities SET as_of = current_date - interval '13 months' WHERE id = $1`, id)
	if got := recheck(a); got != true {
		t.Errorf("checked 13 months ago: recheck_due %v", got)
	}
	// The agency's content list flags it too, with the date.
	found := false
	for _, it := range a.get("/v1/organizations/"+ana.org+"/content", bearer(ana.access)...).items(t) {
		if it["id"] == id {
			found = true
			if it["recheck_due"] != true || it["as_of"] == nil {
				t.Errorf("content list: %v", it)
			}
		}
	}
	if !found {
		t.Error("the draft is not in its organization's content list")
	}
	cfg := api.DefaultConfig()
	cfg.RecheckAfterMonths = 24
	lenient := &testAPI{t: t, app: newApp(t, a.db, cfg), db: a.db}
	if got := recheck(lenient); got != false {
		t.Errorf("13 months with a 24-month age: recheck_due %v", got)
	}
}
