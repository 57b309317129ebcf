package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/internal/benchdata"
	"github.com/diaspora-investor/marketplace/repository"
)

// loadWorkers is how many connections the load writes, indexes and vacuums through: one per
// core of the machine the benchmark is meant for (2).
const loadWorkers = 2

// bulkTables are the tables the load fills by the million: their indexes, constraints and
// triggers are set aside while they are written, then built once over the whole table.
var bulkTables = []string{"opportunities", "opportunity_translations", "opportunity_sectors", "opportunity_incentives",
	"opportunity_programmes", "read_items", "read_keys", "read_words", "content_changes"}

// contentTables are the bulk tables but the read model's, and the tables whose foreign keys
// point at them.
var contentTables = []string{"opportunities", "opportunity_translations", "opportunity_sectors", "opportunity_incentives",
	"opportunity_programmes", "saved_opportunities", "interests"}

// quietTables also have their per-row triggers off during the load: the translations' triggers
// recompute an item's search document per row (the generator computes it once), and the
// change log's trigger records each item in content_changes (written in one statement below).
var quietTables = append([]string{"incentive_translations", "programme_translations"}, bulkTables...)

// load makes the database hold exactly the data set of size (kept between runs).
//
// At a million opportunities the catalogue and its read model are about 15 GB written: the
// load writes the rows with every index, constraint and per-row trigger of those tables set
// aside (their definitions kept in bench_set_aside, so that a load that fails half-way is
// repaired by the next one), on loadWorkers connections at once, then builds each index in one
// pass, validates each foreign key in one join, and vacuums (the read model's pages are read
// by index-only scans, which need the visibility map).
func load(ctx context.Context, db *sqlx.DB, size int) (loaded bool, err error) {
	if err := repository.Migrate(ctx, db.DB); err != nil {
		return false, err
	}
	// The data set is kept between runs of the same size and the same generator (data: a hash of
	// benchdata.SQL, so that a changed generator reloads).
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_meta (size int NOT NULL);
		ALTER TABLE bench_meta ADD COLUMN IF NOT EXISTS data text;
		CREATE TABLE IF NOT EXISTS bench_set_aside (phase int NOT NULL, position serial, relation text NOT NULL, ddl text NOT NULL)`); err != nil {
		return false, err
	}
	data := fmt.Sprintf("%x", sha256.Sum256([]byte(benchdata.SQL+wordsSQL)))[:16]
	var have struct {
		Size int     `db:"size"`
		Data *string `db:"data"`
	}
	_ = db.GetContext(ctx, &have, `SELECT size, data FROM bench_meta`)
	if have.Size == size && have.Data != nil && *have.Data == data {
		fmt.Fprintf(os.Stderr, "bench: data set of %d opportunities already loaded\n", size)
		return false, nil
	}
	fmt.Fprintf(os.Stderr, "bench: loading %d opportunities × 3 languages and their read model on %d connections…\n", size, loadWorkers)
	start := time.Now()
	workers, err := openWorkers(ctx, db, loadWorkers)
	if err != nil {
		return false, err
	}
	defer func() {
		for _, w := range workers {
			w.Close()
		}
	}()
	backends := backendPIDs(ctx, workers)
	for _, s := range loadSteps(ctx, workers, size) {
		t, cpu := time.Now(), cpuTimes(backends)
		if err := s.run(); err != nil {
			return false, fmt.Errorf("load: %s: %w", s.name, err)
		}
		fmt.Fprintf(os.Stderr, "bench:   %s in %s%s\n", s.name, time.Since(t).Round(100*time.Millisecond), cpuSince(backends, cpu))
	}
	if _, err := workers[0].ExecContext(ctx, `INSERT INTO bench_meta (size, data) VALUES ($1, $2)`, size, data); err != nil {
		return false, err
	}
	fmt.Fprintf(os.Stderr, "bench: loaded in %s\n", time.Since(start).Round(time.Second))
	return true, nil
}

// loadStep is one timed step of the load.
type loadStep struct {
	name string
	run  func() error
}

// loadSteps are the load's steps in their order, on workers (the first runs what is serial).
func loadSteps(ctx context.Context, workers []*sql.Conn, size int) []loadStep {
	first := workers[0]
	half := size / 2
	return []loadStep{
		{"emptying the catalogue", func() error {
			// A load that failed half-way left its indexes aside: put them back on empty tables first.
			if _, err := first.ExecContext(ctx, truncateCatalogue); err != nil {
				return err
			}
			if err := restore(ctx, workers, nil); err != nil {
				return err
			}
			return setAside(ctx, first)
		}},
		{"writing the catalogue", func() error {
			return parallel(ctx, workers, []string{
				benchdata.Catalogue + benchdata.Opportunities(1, half),
				benchdata.Opportunities(half+1, size),
			})
		}},
		// The read model is built from the content tables through their indexes.
		{"indexing the catalogue", func() error { return restore(ctx, workers, contentTables) }},
		{"building the read model", func() error {
			// read_model_refresh is, for a whole kind, its rows (read_model_refresh_rows) and then its
			// search postings and facet counts, read back from those rows: with the rows' indexes
			// still aside, that reading would scan them once per item. So the rows come first, on
			// two connections, beside the change log (written by a per-row trigger in the API) and
			// the search vocabulary; the postings and counts after the indexes.
			return parallel(ctx, workers, []string{
				`SELECT read_model_refresh_rows('opportunities', NULL);`,
				`SELECT read_model_refresh_rows('incentives', NULL);
				SELECT read_model_refresh_rows('programmes', NULL);` + changeLogSQL + wordsSQLFor(size),
			})
		}},
		{"indexing the read model", func() error { return restore(ctx, workers, nil) }},
		{"search postings, facet counts, eligibility", func() error {
			// As read_model_refresh writes them, in the postings index's order; each country's
			// eligibility conditions from its indexed rows.
			return parallel(ctx, workers, []string{
				`INSERT INTO read_terms SELECT * FROM read_model_terms('opportunities', NULL) ORDER BY 1, 2, 3, 4 DESC, 5 DESC;`,
				`INSERT INTO read_terms SELECT * FROM read_model_terms('incentives', NULL) ORDER BY 1, 2, 3, 4 DESC, 5 DESC;
				INSERT INTO read_terms SELECT * FROM read_model_terms('programmes', NULL) ORDER BY 1, 2, 3, 4 DESC, 5 DESC;
				INSERT INTO read_facets SELECT * FROM read_model_facet_counts('opportunities', NULL);
				INSERT INTO read_facets SELECT * FROM read_model_facet_counts('incentives', NULL);
				INSERT INTO read_facets SELECT * FROM read_model_facet_counts('programmes', NULL);
				SELECT read_eligibility_refresh(ARRAY(SELECT code FROM countries));`,
			})
		}},
		{"vacuum and analyze", func() error { return vacuumAndAnalyze(ctx, workers) }},
	}
}

// truncateCatalogue empties every table the load writes.
const truncateCatalogue = `TRUNCATE bench_meta, read_items, read_keys, read_words, read_terms, read_facets, read_eligibility, content_changes, opportunity_programmes,
	opportunity_incentives, opportunity_sectors, opportunity_translations, opportunities, programme_regions,
	programme_sectors, programme_translations, programmes, incentive_regions, incentive_sectors, incentive_benefits,
	incentive_translations, incentives, organizations, regions, diaspora_facts, country_translations, countries CASCADE`

// vacuumAndAnalyze vacuums the bulk tables on the workers at once, then analyzes the database.
func vacuumAndAnalyze(ctx context.Context, workers []*sql.Conn) error {
	var vacuums []string
	for _, t := range bulkTables {
		vacuums = append(vacuums, "VACUUM (ANALYZE) "+pq.QuoteIdentifier(t))
	}
	if err := parallel(ctx, workers, vacuums); err != nil {
		return err
	}
	_, err := workers[0].ExecContext(ctx, `ANALYZE`)
	return err
}

// openWorkers opens n connections ready for the load: no time limit, memory for index builds
// and sorts, no parallel workers of their own (the load's connections already use the cores),
// and the generator's temporary tables.
func openWorkers(ctx context.Context, db *sqlx.DB, n int) ([]*sql.Conn, error) {
	var out []*sql.Conn
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		if _, err := c.ExecContext(ctx, `SET statement_timeout = 0; SET maintenance_work_mem = '512MB';
			SET work_mem = '64MB'; SET max_parallel_maintenance_workers = 0; SET max_parallel_workers_per_gather = 0;`+
			benchdata.Session); err != nil {
			for _, c := range out {
				c.Close()
			}
			return nil, err
		}
	}
	return out, nil
}

// backendPIDs are the server processes of the workers' connections.
func backendPIDs(ctx context.Context, workers []*sql.Conn) []int {
	var pids []int
	for _, w := range workers {
		var pid int
		if err := w.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// cpuTimes reads the CPU time (user and system) each process has used, from /proc: nil when the
// database runs elsewhere.
func cpuTimes(pids []int) []time.Duration {
	var out []time.Duration
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return nil
		}
		// Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) < 13 {
			return nil
		}
		var ticks int64
		for _, v := range f[11:13] {
			n, _ := strconv.ParseInt(v, 10, 64)
			ticks += n
		}
		out = append(out, time.Duration(ticks)*time.Second/100) // USER_HZ is 100 on Linux
	}
	return out
}

// cpuSince says how much CPU time the workers' server processes used since before, the busiest
// first: on a shared machine the wall time depends on the neighbours, the CPU time far less, and
// on an idle machine with a core per worker a step takes about its busiest worker's CPU time
// (plus waiting for the disk).
func cpuSince(pids []int, before []time.Duration) string {
	now := cpuTimes(pids)
	if now == nil || len(now) != len(before) {
		return ""
	}
	var used []string
	var parts []time.Duration
	for i := range now {
		parts = append(parts, now[i]-before[i])
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i] > parts[j] })
	for _, d := range parts {
		used = append(used, d.Round(100*time.Millisecond).String())
	}
	return " (database CPU per connection: " + strings.Join(used, ", ") + ")"
}

// parallel runs the scripts on the workers, each worker taking the next script when it is
// done with one, and returns the first error.
func parallel(ctx context.Context, workers []*sql.Conn, scripts []string) error {
	queue := make(chan string, len(scripts))
	for _, s := range scripts {
		queue <- s
	}
	close(queue)
	errs := make(chan error, len(workers))
	for _, w := range workers {
		go func() {
			for s := range queue {
				if _, err := w.ExecContext(ctx, s); err != nil {
					errs <- fmt.Errorf("%w\n%s", err, firstLine(s))
					return
				}
			}
			errs <- nil
		}()
	}
	var first error
	for range workers {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// The phases of putting back what setAside removed, in order.
const (
	phaseIndex      = 1 // CREATE INDEX, including the indexes of primary keys and unique constraints
	phaseConstraint = 2 // primary keys and unique constraints, on their index
	phaseForeignKey = 3 // foreign keys from and to the bulk tables, each validated in one pass
	phaseTriggers   = 4
)

// setAside records in bench_set_aside how to rebuild the indexes, keys, foreign keys and
// triggers of the bulk tables, and drops or disables them, in one transaction.
func setAside(ctx context.Context, c *sql.Conn) error {
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	tables := any(pq.Array(bulkTables))
	for _, record := range []string{`
		INSERT INTO bench_set_aside (phase, relation, ddl)
		SELECT 1, t.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
		WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)`, `
		INSERT INTO bench_set_aside (phase, relation, ddl)
		SELECT 2, c.conrelid::regclass::text, format('ALTER TABLE %s ADD CONSTRAINT %I %s USING INDEX %I', c.conrelid::regclass, c.conname,
			CASE c.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END, i.relname)
		FROM pg_constraint c JOIN pg_class i ON i.oid = c.conindid
		WHERE c.contype IN ('p', 'u') AND c.conrelid::regclass::text = ANY($1)`, `
		INSERT INTO bench_set_aside (phase, relation, ddl)
		SELECT 3, c.conrelid::regclass::text, format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
		FROM pg_constraint c WHERE c.contype = 'f' AND (c.conrelid::regclass::text = ANY($1) OR c.confrelid::regclass::text = ANY($1))`, `
		INSERT INTO bench_set_aside (phase, relation, ddl)
		SELECT 4, t, format('ALTER TABLE %I ENABLE TRIGGER USER', t) FROM unnest($1::text[]) t`, `
		INSERT INTO bench_set_aside (phase, relation, ddl)
		SELECT 4, t, format('ALTER TABLE %I RESET (autovacuum_enabled)', t) FROM unnest($1::text[]) t`,
	} {
		arg := tables
		if strings.Contains(record, "TRIGGER USER") {
			arg = pq.Array(quietTables)
		}
		if _, err := tx.ExecContext(ctx, record, arg); err != nil {
			return err
		}
	}
	var drops []string
	if err := func() error {
		rows, err := tx.QueryContext(ctx, `
			SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) FROM pg_constraint
			WHERE contype = 'f' AND (conrelid::regclass::text = ANY($1) OR confrelid::regclass::text = ANY($1))
			UNION ALL
			SELECT * FROM (SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) FROM pg_constraint
				WHERE contype IN ('p', 'u') AND conrelid::regclass::text = ANY($1) ORDER BY contype) keys
			UNION ALL
			SELECT format('DROP INDEX %s', i.indexrelid::regclass) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
			WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
				AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
			UNION ALL
			SELECT format('ALTER TABLE %I DISABLE TRIGGER USER', t) FROM unnest($2::text[]) t
			UNION ALL
			SELECT format('ALTER TABLE %I SET (autovacuum_enabled = false)', t) FROM unnest($1::text[]) t`,
			tables, pq.Array(quietTables))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var ddl string
			if err := rows.Scan(&ddl); err != nil {
				return err
			}
			drops = append(drops, ddl)
		}
		return rows.Err()
	}(); err != nil {
		return err
	}
	for _, ddl := range drops {
		if _, err := tx.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("%s: %w", ddl, err)
		}
	}
	return tx.Commit()
}

// restore puts back what setAside recorded for the tables (nil: all), phase by phase, the
// statements of a phase spread over the workers, and forgets each once done.
func restore(ctx context.Context, workers []*sql.Conn, tables []string) error {
	for _, phase := range []int{phaseIndex, phaseConstraint, phaseForeignKey, phaseTriggers} {
		var ddls []string
		rows, err := workers[0].QueryContext(ctx, `SELECT ddl FROM bench_set_aside
			WHERE phase = $1 AND ($2::text[] IS NULL OR relation = ANY($2)) ORDER BY position`, phase, pq.Array(tables))
		if err != nil {
			return err
		}
		for rows.Next() {
			var ddl string
			if err := rows.Scan(&ddl); err != nil {
				rows.Close()
				return err
			}
			ddls = append(ddls, ddl+";\nDELETE FROM bench_set_aside WHERE ddl = "+pq.QuoteLiteral(ddl))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := parallel(ctx, workers, ddls); err != nil {
			return err
		}
	}
	return nil
}

// changeLogSQL records every published opportunity in the change log as created, in
// publication order, as migration 00006 does for content older than the log (the per-row
// trigger is off during the load).
const changeLogSQL = `
INSERT INTO content_changes (kind, item_id, slug, country_code, change, changed_at)
SELECT 'opportunity', id, slug, country_code, 'created', published_at FROM opportunities WHERE status = 'published'
ORDER BY published_at, id;`

// wordsSQL fills read_words as read_model_refresh_words() does (every word of three letters or
// more of the published texts, unaccented, in lower case, with the number of items using it),
// from what the generator wrote instead of from the texts: splitting 3 million texts of 600
// characters with a regular expression took longer than the rest of the load. An opportunity's
// texts use the three words of its number in each language, "opportunity", "number" and its
// number; the incentives and programmes are few and split as the function splits them.
// TestFastWordsMatchTheReadModel checks that both give the same table.
const wordsSQL = `
INSERT INTO read_words (word, items)
SELECT word, sum(items) FROM (
  SELECT word, sum(n) AS items FROM (
    SELECT DISTINCT c.a, c.b, c.c, c.n, lower(unaccent(w.word)) AS word
    FROM (SELECT (g / 30) % 13 AS a, (g / 11) % 13 AS b, (g / 17) % 13 AS c, count(*) AS n
          FROM generate_series(1, $1::int) g WHERE g % 20 <> 0 GROUP BY 1, 2, 3) c
    JOIN bench_words w ON w.i IN (c.a, c.b, c.c)) combos
  GROUP BY word
  UNION ALL
  SELECT unnest(ARRAY['opportunity', 'number']), count(*) FROM generate_series(1, $1::int) g WHERE g % 20 <> 0
  UNION ALL
  SELECT g::text, 1 FROM generate_series(100, $1::int) g WHERE g % 20 <> 0
  UNION ALL
  SELECT w, count(DISTINCT (kind, id)) FROM (
    SELECT i.kind, i.id,
      regexp_split_to_table(lower(unaccent(i.title_text || ' ' || i.summary || ' ' || i.description)), '[^a-z0-9]+') AS w
    FROM read_items i WHERE i.kind <> 'opportunities' AND i.lang_key <> '' AND i.lang = i.lang_key) t
  WHERE length(w) >= 3
  GROUP BY w) parts
WHERE length(word) >= 3
GROUP BY word;`

func wordsSQLFor(size int) string { return strings.ReplaceAll(wordsSQL, "$1::int", fmt.Sprint(size)) }

// buildFloor makes, on the data just loaded, the table of the simplest page query that
// list-floor measures: one row per published opportunity, sector and language with what a
// page shows, and one composite index in the page's order.
func buildFloor(ctx context.Context, db *sqlx.DB) error {
	start := time.Now()
	if _, err := db.ExecContext(ctx, `SET statement_timeout = 0;
		DROP TABLE IF EXISTS bench_floor;
		CREATE TABLE bench_floor AS
			SELECT o.id, o.slug, o.country_code, s.sector_code, t.lang::text AS lang, t.title, t.summary, o.published_at
			FROM opportunities o JOIN opportunity_sectors s ON s.opportunity_id = o.id
			JOIN opportunity_translations t ON t.opportunity_id = o.id
			WHERE o.status = 'published';
		CREATE INDEX bench_floor_page ON bench_floor (country_code, sector_code, lang, published_at DESC, id DESC)`); err != nil {
		return fmt.Errorf("list-floor table: %w", err)
	}
	if _, err := db.ExecContext(ctx, `VACUUM ANALYZE bench_floor`); err != nil {
		return fmt.Errorf("list-floor table: %w", err)
	}
	fmt.Fprintf(os.Stderr, "bench: list-floor table built in %s\n", time.Since(start).Round(time.Second))
	return nil
}
