package main

import (
	"context"
	"strings"
	"testing"

	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// TestLoadBuildsWhatTheAPIWouldHave loads a small data set the way the benchmark loads a
// million items (indexes, keys and triggers set aside, several connections, the search
// vocabulary derived from the generator) and checks that the result is what the schema and
// the read model's own functions give: every index, key, foreign key and trigger back, the
// same search documents as the translations' trigger computes, the same read model and the
// same vocabulary as read_model_refresh and read_model_refresh_words, and the change log.
func TestLoadBuildsWhatTheAPIWouldHave(t *testing.T) {
	ctx := context.Background()
	db, err := repository.Open(ctx, testdb.NewEmpty(t), repository.PoolOptions{MaxOpen: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const size = 3000
	if loaded, err := load(ctx, db, size); err != nil || !loaded {
		t.Fatalf("load: %v (loaded %v)", err, loaded)
	}
	if loaded, err := load(ctx, db, size); err != nil || loaded {
		t.Fatalf("a second load of the same size should keep the data: %v (loaded %v)", err, loaded)
	}
	reference, _ := testdb.New(t) // migrated as the API migrates
	schema := `SELECT d FROM (
		SELECT tablename || ' ' || indexdef AS d FROM pg_indexes WHERE schemaname = current_schema()
		UNION ALL
		SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
		WHERE connamespace = current_schema()::regnamespace
		UNION ALL
		SELECT tgrelid::regclass::text || ' ' || tgname || ' ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
		UNION ALL
		SELECT relname || ' ' || coalesce(array_to_string(reloptions, ','), '') FROM pg_class
		WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r') s
		WHERE d NOT LIKE 'bench%' ORDER BY 1`
	var got, want, setAside []string
	if err := db.Select(&got, schema); err != nil {
		t.Fatal(err)
	}
	if err := reference.Select(&want, schema); err != nil {
		t.Fatal(err)
	}
	if err := db.Select(&setAside, `SELECT ddl FROM bench_set_aside`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || len(setAside) > 0 {
		t.Errorf("after the load the schema differs from the API's (still set aside: %q):\n%s\nwant:\n%s", setAside,
			strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	for _, check := range []struct{ what, sql string }{
		{"opportunities whose search document differs from the translations' trigger's", `
			SELECT count(*) FROM opportunities o JOIN (
				SELECT opportunity_id, tsvector_concat_all(setweight(to_tsvector(search_config(lang), title), 'A') ||
					setweight(to_tsvector(search_config(lang), summary), 'B') ||
					setweight(to_tsvector(search_config(lang), description), 'C') ORDER BY lang) AS doc
				FROM opportunity_translations GROUP BY opportunity_id) x ON x.opportunity_id = o.id
			WHERE o.search_document IS DISTINCT FROM x.doc OR o.langs <> '{en,fr,pt}'`},
		{"published items missing from the change log", `
			SELECT (SELECT count(*) FROM opportunities WHERE status = 'published') + 1200 - count(DISTINCT item_id) FROM content_changes`},
		{"opportunities without three translations", `
			SELECT count(*) FROM opportunities o WHERE (SELECT count(*) FROM opportunity_translations t WHERE t.opportunity_id = o.id) <> 3`},
	} {
		var n int
		if err := db.Get(&n, check.sql); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d %s", n, check.what)
		}
	}

	// The read model and the vocabulary, rebuilt by the functions the API's writes call.
	if _, err := db.Exec(`
		CREATE TEMP TABLE loaded_items AS SELECT * FROM read_items;
		CREATE TEMP TABLE loaded_keys AS SELECT * FROM read_keys;
		CREATE TEMP TABLE loaded_words AS SELECT * FROM read_words;
		CREATE TEMP TABLE loaded_terms AS SELECT * FROM read_terms;
		CREATE TEMP TABLE loaded_facets AS SELECT * FROM read_facets;
		CREATE TEMP TABLE loaded_eligibility AS SELECT * FROM read_eligibility;
		SELECT read_model_refresh('opportunities', NULL);
		SELECT read_model_refresh('incentives', NULL);
		SELECT read_model_refresh('programmes', NULL);
		SELECT read_model_refresh_words();`); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"items", "keys", "words", "terms", "facets", "eligibility"} {
		var n, rows int
		if err := db.Get(&n, `SELECT count(*) FROM ((TABLE loaded_`+table+` EXCEPT ALL TABLE read_`+table+`)
			UNION ALL (TABLE read_`+table+` EXCEPT ALL TABLE loaded_`+table+`)) d`); err != nil {
			t.Fatal(err)
		}
		if err := db.Get(&rows, `SELECT count(*) FROM read_`+table); err != nil {
			t.Fatal(err)
		}
		if n != 0 || rows == 0 {
			t.Errorf("read_%s: %d rows differ from the read model's functions' (%d rows)", table, n, rows)
		}
	}
}
