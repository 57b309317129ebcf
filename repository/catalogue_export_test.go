package repository_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
	"github.com/diaspora-investor/marketplace/seed"
)

// stateOf sums up everything an import could touch: row counts, the latest updated_at of each
// content table and the change log's length.
func stateOf(t *testing.T, db *sqlx.DB) map[string]string {
	t.Helper()
	state := map[string]string{}
	for table, n := range rowCounts(t, db) {
		state[table] = strconv.Itoa(n)
	}
	for _, table := range []string{"countries", "organizations", "opportunities", "incentives", "programmes",
		"opportunity_translations", "incentive_translations", "programme_translations", "country_translations"} {
		var latest string
		if err := db.Get(&latest, `SELECT coalesce(max(updated_at)::text, '') FROM `+table); err != nil {
			t.Fatal(err)
		}
		state[table+".updated_at"] = latest
	}
	return state
}

func exportYAML(t *testing.T, store *repository.Store, code string) []byte {
	t.Helper()
	f, err := store.ExportCountry(context.Background(), code)
	if err != nil {
		t.Fatalf("export %s: %v", code, err)
	}
	b, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExportImportRoundTrip: import(export(X)) changes nothing, for every seeded country, not
// even a timestamp or a change-log entry; and the export says what the seed says.
func TestExportImportRoundTrip(t *testing.T) {
	db, _ := testdb.New(t)
	store := repository.New(db)
	defer store.Close()
	ctx := context.Background()
	content, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	before := stateOf(t, db)
	for _, file := range content.Countries {
		code := file.Country.Code
		first := exportYAML(t, store, code)
		parsed, err := seed.ParseCountryFile(strings.ToLower(code), first)
		if err != nil {
			t.Fatalf("the export of %s does not parse as a seed file: %v", code, err)
		}
		if len(parsed.Opportunities) != len(file.Opportunities) || len(parsed.Incentives) != len(file.Incentives) ||
			len(parsed.Programmes) != len(file.Programmes) || len(parsed.Organizations) != len(file.Organizations) {
			t.Errorf("%s: export has %d/%d/%d/%d opportunities/incentives/programmes/organizations, the seed %d/%d/%d/%d", code,
				len(parsed.Opportunities), len(parsed.Incentives), len(parsed.Programmes), len(parsed.Organizations),
				len(file.Opportunities), len(file.Incentives), len(file.Programmes), len(file.Organizations))
		}
		for _, dry := range []bool{true, false} {
			changes, err := store.ImportCountry(ctx, parsed, dry)
			if err != nil {
				t.Fatalf("import %s (dry run %v): %v", code, dry, err)
			}
			if len(changes) != 0 {
				t.Errorf("import(export(%s)) (dry run %v) changes %v", code, dry, changes)
			}
		}
		if again := exportYAML(t, store, code); string(again) != string(first) {
			t.Errorf("%s: the export after the import differs from the one before", code)
		}
	}
	after := stateOf(t, db)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s was %q before the imports, %q after", k, v, after[k])
		}
	}

	// What the seed says is in the export: a translated title and a linked incentive.
	cv := exportYAML(t, store, "CV")
	var seeded seed.Opportunity
	for _, f := range content.Countries {
		if f.Country.Code == "CV" {
			seeded = f.Opportunities[0]
		}
	}
	// Read back as YAML: a title with ": " or an apostrophe is quoted in the file.
	exported, err := seed.ParseCountryFile("cv", cv)
	if err != nil {
		t.Fatalf("the export does not parse: %v", err)
	}
	found := false
	for _, o := range exported.Opportunities {
		found = found || (o.Slug == seeded.Slug && o.Text["fr"].Title == seeded.Text["fr"].Title)
	}
	if !found {
		t.Errorf("the export of CV lacks the seed's opportunity %s or its French title %q", seeded.Slug, seeded.Text["fr"].Title)
	}
}

// TestImportChanges: a changed title and a new opportunity are reported by a dry run, which
// writes nothing, then written by the import, which leaves the rest alone; an organization
// made outside the seed (random id) is found by its slug.
func TestImportChanges(t *testing.T) {
	db, _ := testdb.New(t)
	store := repository.New(db)
	defer store.Close()
	ctx := context.Background()
	var orgID string
	if err := db.Get(&orgID, `INSERT INTO organizations (slug, country_code, name, type) VALUES ('cli-made-org', 'SN', 'Made by hand', 'ngo') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	f, err := store.ExportCountry(ctx, "SN")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Opportunities) == 0 {
		t.Fatal("Senegal has no opportunity to change")
	}
	changed := &f.Opportunities[0]
	fr := changed.Text["fr"]
	fr.Title = "Titre changé par l'import"
	changed.Text["fr"] = fr
	added := f.Opportunities[0]
	added.Slug = "sn-imported-opportunity"
	added.Text = map[string]seed.Text{"fr": {Title: "Nouvelle opportunité importée", Summary: "Résumé.", Description: "Texte."}}
	f.Opportunities = append(f.Opportunities, added)
	for i := range f.Organizations {
		if f.Organizations[i].Slug == "cli-made-org" {
			f.Organizations[i].Name = "Renamed by import"
		}
	}
	before := stateOf(t, db)
	var seqBefore int
	if err := db.Get(&seqBefore, `SELECT coalesce(max(seq), 0) FROM content_changes`); err != nil {
		t.Fatal(err)
	}

	want := []string{
		"~ organization cli-made-org: name",
		"~ opportunity " + changed.Slug + ": text.fr",
		"+ opportunity sn-imported-opportunity (new)",
	}
	dry, err := store.ImportCountry(ctx, f, true)
	if err != nil {
		t.Fatal(err)
	}
	checkChanges(t, dry, want)
	after := stateOf(t, db)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("the dry run changed %s: %q, then %q", k, v, after[k])
		}
	}

	done, err := store.ImportCountry(ctx, f, false)
	if err != nil {
		t.Fatal(err)
	}
	checkChanges(t, done, want)
	var title string
	if err := db.Get(&title, `SELECT x.title FROM opportunity_translations x JOIN opportunities o ON o.id = x.opportunity_id
		WHERE o.slug = $1 AND x.lang = 'fr'`, changed.Slug); err != nil || title != "Titre changé par l'import" {
		t.Errorf("French title after the import = %q (%v)", title, err)
	}
	var name, idAfter string
	if err := db.QueryRow(`SELECT id, name FROM organizations WHERE slug = 'cli-made-org'`).Scan(&idAfter, &name); err != nil || name != "Renamed by import" || idAfter != orgID {
		t.Errorf("organization after the import: %s %q (%v), want %s %q", idAfter, name, err, orgID, "Renamed by import")
	}
	// Only the two opportunities entered the change log (both are published).
	var logged []string
	if err := db.Select(&logged, `SELECT slug || ' ' || change FROM content_changes WHERE seq > $1 ORDER BY slug`, seqBefore); err != nil {
		t.Fatal(err)
	}
	wantLog := []string{changed.Slug + " updated", "sn-imported-opportunity created"}
	if added.Status != "published" || changed.Status != "published" {
		t.Fatalf("the test expects published opportunities, got %s and %s", changed.Status, added.Status)
	}
	slices.Sort(wantLog)
	if strings.Join(logged, "|") != strings.Join(wantLog, "|") {
		t.Errorf("change log after the import: %v, want %v", logged, wantLog)
	}
	// Each change is in the audit trail of what it changed, as an agency's edit is: no actor,
	// the fields in the note; a dry run recorded nothing.
	var audited []string
	if err := db.Select(&audited, `SELECT a.entity || ' ' || coalesce(a.note, '') FROM audit_events a
		WHERE a.action = 'import' AND a.actor_id IS NULL ORDER BY a.entity, a.note`); err != nil {
		t.Fatal(err)
	}
	if want := []string{"opportunity new", "opportunity text.fr", "organization name"}; strings.Join(audited, "|") != strings.Join(want, "|") {
		t.Errorf("audit trail of the import: %v, want %v", audited, want)
	}
	// A second import of the same file changes nothing.
	again, err := store.ImportCountry(ctx, f, false)
	if err != nil || len(again) != 0 {
		t.Errorf("second import: %v %v", again, err)
	}
}

func checkChanges(t *testing.T, got []repository.Change, want []string) {
	t.Helper()
	var lines []string
	for _, c := range got {
		lines = append(lines, c.String())
	}
	slices.Sort(lines)
	want = slices.Sorted(slices.Values(want))
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
