package repository_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
	"github.com/diaspora-investor/marketplace/seed"
)

// schemaObjects counts what the migrations own in the public schema: tables, functions and
// aggregates (not the unaccent extension's), domains and text search configurations.
func schemaObjects(t *testing.T, db *sqlx.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for kind, query := range map[string]string{
		"tables": `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'goose_db_version'`,
		"functions": `SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
			WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`,
		"domains": `SELECT count(*) FROM pg_type y JOIN pg_namespace n ON n.oid = y.typnamespace
			WHERE n.nspname = 'public' AND y.typtype = 'd'`,
		"text search configurations": `SELECT count(*) FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
			WHERE n.nspname = 'public'`,
	} {
		var n int
		if err := db.Get(&n, query); err != nil {
			t.Fatal(err)
		}
		out[kind] = n
	}
	return out
}

func TestMigrateDownThenUp(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	applied := func() bool {
		t.Helper()
		ok, err := repository.MigrationsApplied(ctx, db.DB)
		if err != nil {
			t.Fatalf("migrations applied: %v", err)
		}
		return ok
	}
	if !applied() {
		t.Fatal("a test database is not migrated")
	}
	migrated := schemaObjects(t, db)
	for kind, n := range migrated {
		if n == 0 {
			t.Fatalf("no %s in the migrated schema", kind)
		}
	}

	for round := 1; round <= 2; round++ {
		if err := repository.MigrateDown(ctx, db.DB); err != nil { // the last one first
			t.Fatalf("round %d: down: %v", round, err)
		}
		if applied() {
			t.Errorf("round %d: migrations applied after one down", round)
		}
		if err := repository.MigrateDownTo(ctx, db.DB, 0); err != nil {
			t.Fatalf("round %d: down: %v", round, err)
		}
		if applied() {
			t.Errorf("round %d: migrations applied after down", round)
		}
		for kind, n := range schemaObjects(t, db) {
			if n != 0 {
				t.Errorf("round %d: %d %s left after down", round, n, kind)
			}
		}

		if err := repository.Migrate(ctx, db.DB); err != nil {
			t.Fatalf("round %d: up: %v", round, err)
		}
		if !applied() {
			t.Errorf("round %d: migrations not applied after up", round)
		}
		for kind, n := range schemaObjects(t, db) {
			if n != migrated[kind] {
				t.Errorf("round %d: %d %s after up, %d at first", round, n, kind, migrated[kind])
			}
		}
		// Up again is a no-op.
		if err := repository.Migrate(ctx, db.DB); err != nil || !applied() {
			t.Errorf("round %d: second up: %v", round, err)
		}
	}

	// The schema is empty again, and takes the seed.
	s := repository.New(db)
	if has, err := s.HasCatalogue(ctx); err != nil || has {
		t.Fatalf("catalogue after down and up: %v %v", has, err)
	}
	content, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadSeed(ctx, content); err != nil {
		t.Fatalf("seed after down and up: %v", err)
	}
	page, err := s.Opportunities(ctx, domain.ListFilter{Limit: 100, Query: "hotel", SearchLangs: langs})
	if err != nil || len(page.Items) == 0 {
		t.Errorf("search after down, up and seed: %d items, %v", len(page.Items), err)
	}
}

// mustFail runs query in a savepoint of tx and checks that PostgreSQL refuses it with code
// (and constraint, when given).
func mustFail(t *testing.T, tx *sqlx.Tx, what, code, constraint, query string, args ...any) {
	t.Helper()
	if _, err := tx.Exec(`SAVEPOINT bad`); err != nil {
		t.Fatal(err)
	}
	_, err := tx.Exec(query, args...)
	if _, rbErr := tx.Exec(`ROLLBACK TO SAVEPOINT bad`); rbErr != nil {
		t.Fatal(rbErr)
	}
	var pqErr *pq.Error
	switch {
	case err == nil:
		t.Errorf("%s was accepted", what)
	case !errors.As(err, &pqErr):
		t.Errorf("%s: %v", what, err)
	case string(pqErr.Code) != code || (constraint != "" && pqErr.Constraint != constraint):
		t.Errorf("%s: refused with %s %s (%v), want %s %s", what, pqErr.Code, pqErr.Constraint, err, code, constraint)
	}
}

func mustPass(t *testing.T, tx *sqlx.Tx, what, query string, args ...any) {
	t.Helper()
	if _, err := tx.Exec(query, args...); err != nil {
		t.Fatalf("%s (the valid twin of a refused row): %v", what, err)
	}
}

func TestConstraintsGuardTheSchema(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	const (
		foreignKey = "23503"
		check      = "23514"
	)
	var org string
	if err := db.Get(&org, `SELECT id::text FROM organizations WHERE country_code = 'CV' LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()

	const (
		opp  = "11111111-1111-4111-8111-111111111111"
		inc  = "22222222-2222-4222-8222-222222222222"
		prog = "33333333-3333-4333-8333-333333333333"
	)

	// An opportunity with an unknown sector.
	mustPass(t, tx, "opportunity", `INSERT INTO opportunities (id, slug, country_code, organization_id, status, source_lang, published_at)
		VALUES ($1, 'constraint-test', 'CV', $2, 'published', 'pt', now())`, opp, org)
	mustPass(t, tx, "opportunity sector", `INSERT INTO opportunity_sectors (opportunity_id, sector_code) VALUES ($1, 'tourism')`, opp)
	mustFail(t, tx, "opportunity with sector space_mining", foreignKey, "opportunity_sectors_sector_code_fkey",
		`INSERT INTO opportunity_sectors (opportunity_id, sector_code) VALUES ($1, 'space_mining')`, opp)

	// An incentive of type bribe.
	incentive := `INSERT INTO incentives (id, slug, country_code, organization_id, type, status, source_lang, legal_instrument, published_at)
		VALUES ($1, $2, 'CV', $3, $4, $5, 'pt', 'Lei n.º 1/2025', $6)`
	mustPass(t, tx, "tax incentive", incentive, inc, "constraint-test", org, "tax", "published", "2025-01-01T00:00:00Z")
	mustFail(t, tx, "incentive of type bribe", check, "incentives_type_check",
		incentive, "22222222-2222-4222-8222-000000000000", "constraint-test-bribe", org, "bribe", "published", "2025-01-01T00:00:00Z")

	// Published rows without published_at, of each kind, inserted or updated.
	mustFail(t, tx, "published incentive without published_at", check, "",
		incentive, "22222222-2222-4222-8222-000000000001", "constraint-test-unpublished", org, "tax", "published", nil)
	mustFail(t, tx, "archived incentive without published_at", check, "",
		incentive, "22222222-2222-4222-8222-000000000002", "constraint-test-archived", org, "tax", "archived", nil)
	mustPass(t, tx, "draft incentive without published_at",
		incentive, "22222222-2222-4222-8222-000000000003", "constraint-test-draft", org, "tax", "draft", nil)
	mustFail(t, tx, "published opportunity without published_at", check, "",
		`INSERT INTO opportunities (slug, country_code, organization_id, status, source_lang) VALUES ('constraint-test-2', 'CV', $1, 'published', 'pt')`, org)
	mustFail(t, tx, "published programme without published_at", check, "",
		`INSERT INTO programmes (id, slug, country_code, organization_id, operator_id, type, status, source_lang)
		VALUES ($1, 'constraint-test', 'CV', $2, $2, 'grant', 'published', 'pt')`, prog, org)
	mustPass(t, tx, "published programme with published_at",
		`INSERT INTO programmes (id, slug, country_code, organization_id, operator_id, type, status, source_lang, published_at)
		VALUES ($1, 'constraint-test', 'CV', $2, $2, 'grant', 'published', 'pt', now())`, prog, org)
	mustFail(t, tx, "clearing published_at of published opportunities", check, "",
		`UPDATE opportunities SET published_at = NULL WHERE status = 'published'`)

	// Translations in a malformed language.
	for _, c := range []struct{ what, query string }{
		{"opportunity translation", `INSERT INTO opportunity_translations (opportunity_id, lang, title, summary, description) VALUES ('` + opp + `', $1, 'T', '', '')`},
		{"incentive translation", `INSERT INTO incentive_translations (incentive_id, lang, name, summary, description) VALUES ('` + inc + `', $1, 'N', '', '')`},
		{"programme translation", `INSERT INTO programme_translations (programme_id, lang, name, summary, description) VALUES ('` + prog + `', $1, 'N', '', '')`},
		{"country translation", `INSERT INTO country_translations (country_code, lang, name) VALUES ('CV', $1, 'N')`},
	} {
		for _, bad := range []string{"xx_YY", "EN", "e", "pt_BR", "", "fr-"} {
			mustFail(t, tx, c.what+" in "+bad, check, "lang_code_check", c.query, bad)
		}
		mustPass(t, tx, c.what+" in kea", c.query, "kea")
		mustPass(t, tx, c.what+" in pt-BR", c.query, "pt-BR")
	}
}
