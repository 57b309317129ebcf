package repository_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

// ---------------------------------------------------------------------------------------------
// Helpers shared by the list, search, filter and facet tests of this package.
// ---------------------------------------------------------------------------------------------

// kinds are the three kinds of content every list test runs over.
var kinds = []domain.Kind{domain.KindOpportunity, domain.KindIncentive, domain.KindProgramme}

// kindTables names how a kind is stored, for the tests' own SQL.
var kindTables = map[domain.Kind]struct {
	table, singular, titleCol, typeCol, curCol string
}{
	domain.KindOpportunity: {"opportunities", "opportunity", "title", "instrument", "currency"},
	domain.KindIncentive:   {"incentives", "incentive", "name", "type", "investment_currency"},
	domain.KindProgramme:   {"programmes", "programme", "name", "type", "investment_currency"},
}

// item is what the tests compare of any kind of content.
type item struct {
	Kind        domain.Kind
	ID          string
	Slug        string
	Title       string
	Lang        string
	Langs       []string
	SourceLang  string
	Status      string
	PublishedAt *time.Time
}

func toItem(kind domain.Kind, c domain.Content, title string) item {
	return item{Kind: kind, ID: c.ID, Slug: c.Slug, Title: title, Lang: c.Lang, Langs: c.Langs,
		SourceLang: c.SourceLang, Status: c.Status, PublishedAt: c.PublishedAt}
}

// listPage reads one page of a kind's list.
func listPage(t *testing.T, s *repository.Store, kind domain.Kind, f domain.ListFilter) ([]item, *domain.Cursor, domain.Facets) {
	t.Helper()
	ctx := context.Background()
	var items []item
	switch kind {
	case domain.KindOpportunity:
		p, err := s.Opportunities(ctx, f)
		if err != nil {
			t.Fatalf("list %s %+v: %v", kind, f, err)
		}
		for _, o := range p.Items {
			items = append(items, toItem(kind, o.Content, o.Title))
		}
		return items, p.Next, p.Facets
	case domain.KindIncentive:
		p, err := s.Incentives(ctx, f)
		if err != nil {
			t.Fatalf("list %s %+v: %v", kind, f, err)
		}
		for _, o := range p.Items {
			items = append(items, toItem(kind, o.Content, o.Name))
		}
		return items, p.Next, p.Facets
	case domain.KindProgramme:
		p, err := s.Programmes(ctx, f)
		if err != nil {
			t.Fatalf("list %s %+v: %v", kind, f, err)
		}
		for _, o := range p.Items {
			items = append(items, toItem(kind, o.Content, o.Name))
		}
		return items, p.Next, p.Facets
	}
	t.Fatalf("unknown kind %s", kind)
	return nil, nil, nil
}

// listAll follows cursors to the end of a kind's list.
func listAll(t *testing.T, s *repository.Store, kind domain.Kind, f domain.ListFilter) []item {
	t.Helper()
	var out []item
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("cursor loop")
		}
		items, next, _ := listPage(t, s, kind, f)
		out = append(out, items...)
		if next == nil {
			return out
		}
		f.After = next
	}
}

// idsOf lists the ids of items in their order.
func idsOf(items []item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// sqlIDs runs a query returning one text column and gives its values sorted.
func sqlIDs(t *testing.T, db *sqlx.DB, query string, args ...any) []string {
	t.Helper()
	var ids []string
	if err := db.Select(&ids, query, args...); err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
	slices.Sort(ids)
	return ids
}

// slugNames maps every content id to kind/slug, for readable failure messages.
func slugNames(t *testing.T, db *sqlx.DB) map[string]string {
	t.Helper()
	var rows []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	if err := db.Select(&rows, `
		SELECT id::text, 'opportunity/' || slug AS name FROM opportunities
		UNION ALL SELECT id::text, 'incentive/' || slug FROM incentives
		UNION ALL SELECT id::text, 'programme/' || slug FROM programmes`); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out
}

// sameIDs checks that got lists each id once and exactly the ids of want (sorted).
func sameIDs(t *testing.T, names map[string]string, what string, got []string, want []string) bool {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	ok := true
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s: %s listed %d times", what, name(names, id), n)
			ok = false
		}
	}
	wanted := map[string]bool{}
	for _, id := range want {
		wanted[id] = true
		if seen[id] == 0 {
			t.Errorf("%s: %s is missing", what, name(names, id))
			ok = false
		}
	}
	for id := range seen {
		if !wanted[id] {
			t.Errorf("%s: %s should not be listed", what, name(names, id))
			ok = false
		}
	}
	return ok
}

func name(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return id
}

// textsCTE makes a texts(kind, id, status, lang, txt) relation of every translation of every
// item, for the tests' independent checks on words.
const textsCTE = `WITH texts AS (
	SELECT 'opportunities' AS kind, c.id::text AS id, c.status, t.lang::text AS lang,
		t.title || ' ' || t.summary || ' ' || t.description AS txt
	FROM opportunity_translations t JOIN opportunities c ON c.id = t.opportunity_id
	UNION ALL
	SELECT 'incentives', c.id::text, c.status, t.lang::text, t.name || ' ' || t.summary || ' ' || t.description
	FROM incentive_translations t JOIN incentives c ON c.id = t.incentive_id
	UNION ALL
	SELECT 'programmes', c.id::text, c.status, t.lang::text,
		t.name || ' ' || t.summary || ' ' || t.description || ' ' || t.how_to_apply
	FROM programme_translations t JOIN programmes c ON c.id = t.programme_id) `

// searchFilter is a search as the API makes it: parsed in pt, en, fr and es.
func searchFilter(q string) domain.ListFilter {
	return domain.ListFilter{Query: q, SearchLangs: langs, Langs: []string{"en"}, Limit: 7}
}

// searchAll runs f over every kind and returns "kind/id" of every item found, sorted.
func searchAll(t *testing.T, s *repository.Store, f domain.ListFilter) []string {
	t.Helper()
	var out []string
	for _, kind := range kinds {
		for _, it := range listAll(t, s, kind, f) {
			out = append(out, string(kind)+"/"+it.ID)
		}
	}
	slices.Sort(out)
	return out
}

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------

func TestSearchIgnoresAccentsAndCase(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	for _, group := range []struct {
		queries []string
		// mustFind is a regular expression (ASCII, case-insensitive) of text whose published
		// items the search must find; absent is one the seed never writes, so that finding
		// anything with it proves the accents were folded.
		mustFind, absent string
	}{
		{[]string{"energia renovável", "energia renovavel", "ENERGIA RENOVÁVEL", "Energia Renovável"}, `\menergias? renov`, `renovavel`},
		{[]string{"énergie renouvelable", "energie renouvelable", "ÉNERGIE RENOUVELABLE"}, `nergies? renouvelable`, `\menergies? renouvelable`},
		{[]string{"São Vicente", "sao vicente", "SÃO VICENTE", "Sao Vicente"}, `\ms.o vicente\M`, ``},
		{[]string{"vehículos", "vehiculos", "VEHÍCULOS", "Vehículos"}, `\mveh.culos\M`, `\mvehiculos`},
	} {
		t.Run(group.queries[0], func(t *testing.T) {
			if group.absent != "" {
				var n int
				if err := db.Get(&n, textsCTE+`SELECT count(*) FROM texts WHERE txt ~* $1`, group.absent); err != nil {
					t.Fatal(err)
				}
				if n != 0 {
					t.Fatalf("the seed writes %q %d times: the test needs a word it only writes with accents", group.absent, n)
				}
			}
			want := searchAll(t, s, searchFilter(group.queries[0]))
			if len(want) == 0 {
				t.Fatalf("%q finds nothing", group.queries[0])
			}
			for _, q := range group.queries[1:] {
				if got := searchAll(t, s, searchFilter(q)); !slices.Equal(got, want) {
					t.Errorf("%q finds %d items %v, %q finds %d %v", q, len(got), got, group.queries[0], len(want), want)
				}
			}
			// Every published item whose text has the words is among them.
			for _, id := range sqlIDs(t, db, textsCTE+`SELECT DISTINCT kind || '/' || id FROM texts
				WHERE status = 'published' AND txt ~* $1`, group.mustFind) {
				if !slices.Contains(want, id) {
					t.Errorf("%q does not find %s, whose text has the words", group.queries[0], id)
				}
			}
		})
	}
}

func TestSearchStemsEachLanguage(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	// Pairs of forms of one word that the seed writes in the language's texts, each form in
	// some item that never writes the other.
	for _, c := range []struct{ lang, singular, plural string }{
		{"pt", "mercado", "mercados"},
		{"en", "market", "markets"},
		{"fr", "entreprise", "entreprises"},
		{"es", "herramienta", "herramientas"},
	} {
		t.Run(c.lang+"/"+c.singular, func(t *testing.T) {
			bySingular := searchAll(t, s, searchFilter(c.singular))
			byPlural := searchAll(t, s, searchFilter(c.plural))
			if len(bySingular) == 0 {
				t.Fatalf("%q finds nothing", c.singular)
			}
			if !slices.Equal(bySingular, byPlural) {
				t.Errorf("%q finds %v, %q finds %v", c.singular, bySingular, c.plural, byPlural)
			}
			// Items that write only one of the forms, in any language, are found by the other.
			only := func(written, never string) []string {
				return sqlIDs(t, db, textsCTE+`SELECT kind || '/' || id FROM texts WHERE status = 'published'
					GROUP BY kind, id HAVING bool_or(lang = $1 AND txt ~* ('\m' || $2 || '\M'))
					AND NOT bool_or(txt ~* ('\m' || $3 || '\M'))`, c.lang, written, never)
			}
			onlyPlural, onlySingular := only(c.plural, c.singular), only(c.singular, c.plural)
			if len(onlyPlural)+len(onlySingular) == 0 {
				t.Fatalf("no item writes only %q or only %q: the seed changed, choose other words", c.singular, c.plural)
			}
			for _, id := range onlyPlural {
				if !slices.Contains(bySingular, id) {
					t.Errorf("%q does not find %s, which writes only %q", c.singular, id, c.plural)
				}
			}
			for _, id := range onlySingular {
				if !slices.Contains(byPlural, id) {
					t.Errorf("%q does not find %s, which writes only %q", c.plural, id, c.singular)
				}
			}
		})
	}
}

func TestSearchFindsEnglishWordWhateverTheReadersLanguage(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	const word = "winery" // written only in English texts (pt: adega, fr: domaine viticole)
	want := sqlIDs(t, db, textsCTE+`SELECT DISTINCT id FROM texts WHERE kind = 'opportunities' AND status = 'published'
		AND txt ~* '\mwiner(y|ies)\M'`)
	var elsewhere int
	if err := db.Get(&elsewhere, textsCTE+`SELECT count(*) FROM texts WHERE lang <> 'en' AND txt ~* '\mwiner'`); err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || elsewhere != 0 {
		t.Fatalf("the seed changed: %d items write %q, %d non-English texts do", len(want), word, elsewhere)
	}
	names := slugNames(t, db)
	for _, readerLangs := range [][]string{{"pt"}, {"fr"}, {"en"}, {"fr", "pt"}, nil} {
		f := searchFilter(word)
		f.Langs = readerLangs
		got := listAll(t, s, domain.KindOpportunity, f)
		sameIDs(t, names, fmt.Sprintf("%q read in %v", word, readerLangs), idsOf(got), want)
		if len(readerLangs) > 0 {
			for _, it := range got {
				if it.Lang != readerLangs[0] {
					t.Errorf("%s found by an English word is shown in %s, want %s", it.Slug, it.Lang, readerLangs[0])
				}
			}
		}
	}
}

func TestSearchRanksAndPagesEveryMatchOnce(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	names := slugNames(t, db)
	for kind, q := range map[domain.Kind]string{
		domain.KindOpportunity: "hotel",
		domain.KindIncentive:   "investimento",
		domain.KindProgramme:   "diaspora",
	} {
		t.Run(string(kind), func(t *testing.T) {
			k := kindTables[kind]
			var expected []struct {
				ID    string  `db:"id"`
				Rank  float32 `db:"rank"`
				Exact bool    `db:"exact"`
			}
			// The newest ten items whose titles hold the words as typed come first (rank 2), then
			// the other title matches (rank 1), then the matches in the text only (rank 0), each
			// newest first (the read model's search, README "Search").
			if err := db.Select(&expected, `SELECT c.id::text AS id,
					CASE WHEN ts_filter(c.search_document, '{a}') @@ search_query($1, $2) THEN 1 ELSE 0 END::real AS rank,
					coalesce((SELECT to_tsvector('simple_unaccent', string_agg(t.`+k.titleCol+`, ' '))
						FROM `+k.singular+`_translations t WHERE t.`+k.singular+`_id = c.id)
						@@ websearch_to_tsquery('simple_unaccent', $1), false) AS exact
				FROM `+k.table+` c WHERE c.status = 'published' AND c.search_document @@ search_query($1, $2)
				ORDER BY c.published_at DESC, c.id DESC`, q, pq.Array(langs)); err != nil {
				t.Fatal(err)
			}
			pinned := 0
			for i, e := range expected {
				if e.Exact && pinned < 10 {
					expected[i].Rank, pinned = 2, pinned+1
				}
			}
			slices.SortStableFunc(expected, func(a, b struct {
				ID    string  `db:"id"`
				Rank  float32 `db:"rank"`
				Exact bool    `db:"exact"`
			}) int {
				return cmp.Compare(b.Rank, a.Rank)
			})
			rank := map[string]float32{}
			distinct := map[float32]bool{}
			var want []string
			for _, e := range expected {
				rank[e.ID] = e.Rank
				distinct[e.Rank] = true
				want = append(want, e.ID)
			}
			const limit = 2
			if len(want) <= 2*limit || len(distinct) < 2 {
				t.Fatalf("the seed changed: %q matches %d %s with %d ranks", q, len(want), kind, len(distinct))
			}

			f := searchFilter(q)
			f.Limit = limit
			var got []item
			pages := 0
			for {
				items, next, _ := listPage(t, s, kind, f)
				pages++
				if len(items) > limit {
					t.Fatalf("page of %d items, limit %d", len(items), limit)
				}
				got = append(got, items...)
				if next == nil {
					break
				}
				if len(items) == 0 {
					t.Fatal("empty page with a next cursor")
				}
				last := items[len(items)-1]
				if next.Rank == nil || *next.Rank != rank[last.ID] {
					t.Errorf("cursor after %s carries rank %v, its rank is %v", last.Slug, next.Rank, rank[last.ID])
				}
				if next.ID != last.ID || !next.PublishedAt.Equal(*last.PublishedAt) {
					t.Errorf("cursor %+v is not at the last item %s", next, last.Slug)
				}
				f.After = next
				if pages > 100 {
					t.Fatal("cursor loop")
				}
			}
			if pages < 3 {
				t.Errorf("%d matches in %d pages of %d", len(got), pages, limit)
			}
			sameIDs(t, names, fmt.Sprintf("search %q", q), idsOf(got), want)
			for i := 1; i < len(got); i++ {
				if rank[got[i].ID] > rank[got[i-1].ID] {
					t.Errorf("%s (rank %v) comes after %s (rank %v)", got[i].Slug, rank[got[i].ID], got[i-1].Slug, rank[got[i-1].ID])
				}
			}
			if !slices.Equal(idsOf(got), want) {
				t.Errorf("order %v, want rank, then newest, then id: %v", idsOf(got), want)
			}
		})
	}
}

func TestSearchOfOnlyStopWordsOrPunctuationFindsNothing(t *testing.T) {
	s := newStore(t)
	// Stop words of Portuguese, English and French alike, and punctuation.
	for _, q := range []string{"as me", "As, me!", "me", "!!! ... ???", "-", `""`, "« » – …", "(-)"} {
		for _, kind := range kinds {
			f := searchFilter(q)
			f.Facets = domain.FacetNames
			items, next, facets := listPage(t, s, kind, f)
			if len(items) != 0 || next != nil {
				t.Errorf("%s: %q finds %d items", kind, q, len(items))
			}
			for name, counts := range facets {
				if len(counts) != 0 {
					t.Errorf("%s: %q has %s facets %v", kind, q, name, counts)
				}
			}
		}
	}
}

// Stop words that carry an accent must be dropped like the others. The text search
// configurations run unaccent before the stemmer, whose stop-word list is written with accents,
// so "não" reaches the list as "nao" and is kept as a search term.
func TestSearchOfAccentedStopWordsFindsNothing(t *testing.T) {
	s := newStore(t)
	for _, c := range []struct {
		lang  string
		query string
	}{
		{"pt", "não"}, {"pt", "já"}, {"pt", "até"}, {"pt", "você"},
		{"fr", "à"}, {"fr", "été"}, {"fr", "même"},
		{"es", "más"}, {"es", "está"}, {"es", "también"},
	} {
		var tsquery *string
		if err := s.DB().Get(&tsquery, `SELECT search_query($1, $2)::text`, c.query, pq.Array([]string{c.lang})); err != nil {
			t.Fatal(err)
		}
		f := searchFilter(c.query)
		f.SearchLangs = []string{c.lang}
		for _, kind := range kinds {
			if items := listAll(t, s, kind, f); len(items) != 0 {
				q := "NULL"
				if tsquery != nil {
					q = *tsquery
				}
				t.Errorf("%s: %q, a %s stop word, finds %d items (it is searched as %s)", kind, c.query, c.lang, len(items), q)
			}
		}
	}
}

func TestSearchNeverReturnsUnpublishedItems(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	names := slugNames(t, db)
	check := func(kind domain.Kind, q string) (got []item, unpublished []string) {
		t.Helper()
		table := kindTables[kind].table
		if err := db.Select(&unpublished, `SELECT id::text FROM `+table+`
			WHERE status <> 'published' AND search_document @@ search_query($1, $2)`, q, pq.Array(langs)); err != nil {
			t.Fatal(err)
		}
		want := sqlIDs(t, db, `SELECT id::text FROM `+table+`
			WHERE status = 'published' AND search_document @@ search_query($1, $2)`, q, pq.Array(langs))
		got = listAll(t, s, kind, searchFilter(q))
		// A search that matches nothing is answered for its words corrected (TestSearchRelevance):
		// other items, published ones all the same.
		if len(want) > 0 {
			sameIDs(t, names, fmt.Sprintf("%s %q", kind, q), idsOf(got), want)
		}
		for _, it := range got {
			if it.Status != domain.StatusPublished || slices.Contains(unpublished, it.ID) {
				t.Errorf("%s %q returns %s, %s", kind, q, it.Slug, it.Status)
			}
		}
		return got, unpublished
	}

	// The seed's own draft and archived items, and words every item has.
	hidden := 0
	for _, q := range []string{"cruise", "shuttle", "DAR", "diaspora", "investimento", "Cabo Verde"} {
		for _, kind := range kinds {
			_, unpublished := check(kind, q)
			hidden += len(unpublished)
		}
	}
	if hidden == 0 {
		t.Error("the seed changed: no unpublished item matches the queries")
	}

	// Items found, then taken back to draft, review or archive, are no longer found.
	for kind, q := range map[domain.Kind]string{
		domain.KindOpportunity: "hotel",
		domain.KindIncentive:   "investimento",
		domain.KindProgramme:   "investimento",
	} {
		found, _ := check(kind, q)
		if len(found) < 4 {
			t.Fatalf("the seed changed: %q finds %d %s", q, len(found), kind)
		}
		for i, status := range []string{"draft", "in_review", "archived"} {
			if _, err := db.Exec(`UPDATE `+kindTables[kind].table+` SET status = $1 WHERE id = $2`, status, found[i].ID); err != nil {
				t.Fatal(err)
			}
			// Written around the use cases, so the read model is refreshed here as they do.
			if err := repository.RefreshReadModel(context.Background(), db, kind, found[i].ID); err != nil {
				t.Fatal(err)
			}
		}
		after, unpublished := check(kind, q)
		if len(unpublished) < 3 || len(after) != len(found)-3 {
			t.Errorf("%s %q: %d found once all published, %d after 3 were unpublished", kind, q, len(found), len(after))
		}
	}
}

// The search document of an item is the union of its translations' texts; it must not depend
// on the physical order in which the rows of its translations happen to lie, or a reload of the
// same content changes the positions of its words, and with them the ranking.
func TestSearchDocumentDoesNotDependOnTheOrderTranslationsWereWritten(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	for _, kind := range kinds {
		k := kindTables[kind]
		var ids []string
		if err := db.Select(&ids, `SELECT id::text FROM `+k.table+` WHERE cardinality(langs) > 1 ORDER BY slug`); err != nil {
			t.Fatal(err)
		}
		if len(ids) == 0 {
			t.Fatalf("the seed changed: no %s in several languages", kind)
		}
		tx, err := db.Beginx()
		if err != nil {
			t.Fatal(err)
		}
		changed := 0
		var example string
		// Two-word searches, whose cover density ranks read the positions.
		queries := []string{"hotel maio", "solar hotel", "energia renovável", "diaspora investment", "investimento diáspora", "emigrant tax"}
		rankChanges := []string{}
		for _, id := range ids {
			var before, after, slug string
			if err := tx.QueryRow(`SELECT search_document::text, slug FROM `+k.table+` WHERE id = $1`, id).Scan(&before, &slug); err != nil {
				t.Fatal(err)
			}
			rank := func() []float32 {
				var out []float32
				if err := tx.Select(&out, `SELECT ts_rank_cd(c.search_document, search_query(q, $2)) FROM `+k.table+` c,
					unnest($3::text[]) WITH ORDINALITY AS x(q, n) WHERE c.id = $1 ORDER BY n`, id, pq.Array(langs), pq.Array(queries)); err != nil {
					t.Fatal(err)
				}
				return out
			}
			ranksBefore := rank()
			// Write the same translations again, in the reverse order of their languages.
			for _, stmt := range []string{
				`CREATE TEMP TABLE saved ON COMMIT DROP AS SELECT * FROM ` + k.singular + `_translations WHERE ` + k.singular + `_id = $1`,
				`DELETE FROM ` + k.singular + `_translations WHERE ` + k.singular + `_id = $1`,
				`INSERT INTO ` + k.singular + `_translations SELECT * FROM saved WHERE ` + k.singular + `_id = $1 ORDER BY lang DESC`,
				`DROP TABLE saved`,
			} {
				args := []any{id}
				if strings.HasPrefix(stmt, "DROP") {
					args = nil
				}
				if _, err := tx.Exec(stmt, args...); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
			if err := tx.QueryRow(`SELECT search_document::text FROM `+k.table+` WHERE id = $1`, id).Scan(&after); err != nil {
				t.Fatal(err)
			}
			if after != before {
				changed++
				if example == "" {
					example = fmt.Sprintf("%s:\nbefore %.300s\nafter  %.300s", slug, before, after)
				}
			}
			for i, r := range rank() {
				if r != ranksBefore[i] {
					rankChanges = append(rankChanges, fmt.Sprintf("%s %q %v→%v", slug, queries[i], ranksBefore[i], r))
				}
			}
		}
		if len(rankChanges) > 0 {
			t.Errorf("%s: the relevance of %d searches changed with the order of the same translations: %s",
				kind, len(rankChanges), strings.Join(rankChanges, "; "))
		}
		_ = tx.Rollback()
		if changed > 0 {
			t.Errorf("%s: the search document of %d of %d items changed when the same translations were written in another order; %s",
				kind, changed, len(ids), example)
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Language choice
// ---------------------------------------------------------------------------------------------

func TestLanguageFallbackWhenATranslationIsDeleted(t *testing.T) {
	s := newStore(t)
	db := s.DB()
	ctx := context.Background()
	const slug = "cv-maio-rooftop-solar"
	const frenchWord = "toiture" // only its French text has it (pt: telhados, en: rooftop)

	var o struct {
		ID         string         `db:"id"`
		SourceLang string         `db:"source_lang"`
		Langs      pq.StringArray `db:"langs"`
	}
	if err := db.Get(&o, `SELECT id::text, source_lang, langs FROM opportunities WHERE slug = $1 AND status = 'published'`, slug); err != nil {
		t.Fatalf("the seed changed: %s: %v", slug, err)
	}
	if o.SourceLang == "fr" || o.SourceLang == "en" || !slices.Contains(o.Langs, "fr") || !slices.Contains(o.Langs, "en") {
		t.Fatalf("the seed changed: %s is in %s, exists in %v", slug, o.SourceLang, o.Langs)
	}
	titles := map[string]string{}
	var rows []struct {
		Lang  string `db:"lang"`
		Title string `db:"title"`
		Text  string `db:"txt"`
	}
	if err := db.Select(&rows, `SELECT lang, title, title || ' ' || summary || ' ' || description AS txt
		FROM opportunity_translations WHERE opportunity_id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		titles[r.Lang] = r.Title
		if has := strings.Contains(strings.ToLower(r.Text), frenchWord); has != (r.Lang == "fr") {
			t.Fatalf("the seed changed: %s text of %s has %q: %v", r.Lang, slug, frenchWord, has)
		}
	}

	find := func(readerLangs []string) item {
		t.Helper()
		for _, it := range listAll(t, s, domain.KindOpportunity, domain.ListFilter{Limit: 5, Langs: readerLangs}) {
			if it.ID == o.ID {
				return it
			}
		}
		t.Fatalf("%s is not listed", slug)
		return item{}
	}
	searchFinds := func() bool {
		t.Helper()
		return slices.Contains(idsOf(listAll(t, s, domain.KindOpportunity, searchFilter(frenchWord))), o.ID)
	}

	// Before: every published opportunity comes in French, this one too, and the French word finds it.
	for _, it := range listAll(t, s, domain.KindOpportunity, domain.ListFilter{Limit: 4, Langs: []string{"fr"}}) {
		if slices.Contains(it.Langs, "fr") && it.Lang != "fr" {
			t.Errorf("%s exists in fr but comes in %s", it.Slug, it.Lang)
		}
	}
	if it := find([]string{"fr"}); it.Lang != "fr" || it.Title != titles["fr"] {
		t.Errorf("before: %s in %s %q, want fr %q", slug, it.Lang, it.Title, titles["fr"])
	}
	if !searchFinds() {
		t.Fatalf("before: %q does not find %s", frenchWord, slug)
	}

	if _, err := db.Exec(`DELETE FROM opportunity_translations WHERE opportunity_id = $1 AND lang = 'fr'`, o.ID); err != nil {
		t.Fatal(err)
	}
	if err := repository.RefreshReadModel(context.Background(), db, domain.KindOpportunity, o.ID); err != nil {
		t.Fatal(err)
	}

	if it := find([]string{"fr"}); it.Lang != o.SourceLang || it.Title != titles[o.SourceLang] {
		t.Errorf("asked fr: %s in %s %q, want its source language %s %q", slug, it.Lang, it.Title, o.SourceLang, titles[o.SourceLang])
	}
	it := find([]string{"fr", "en"})
	if it.Lang != "en" || it.Title != titles["en"] {
		t.Errorf("asked fr, en: %s in %s %q, want en %q", slug, it.Lang, it.Title, titles["en"])
	}
	if slices.Contains(it.Langs, "fr") || !slices.Contains(it.Langs, "en") || !slices.Contains(it.Langs, o.SourceLang) {
		t.Errorf("langs %v after the French text was deleted", it.Langs)
	}
	var stored pq.StringArray
	if err := db.Get(&stored, `SELECT langs FROM opportunities WHERE id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(stored, "fr") {
		t.Errorf("stored langs %v still list fr", stored)
	}
	detail, err := s.Opportunity(ctx, slug, []string{"fr"})
	if err != nil {
		t.Fatal(err)
	}
	if detail.Lang != o.SourceLang || detail.Title != titles[o.SourceLang] {
		t.Errorf("detail asked fr: %s %q, want %s", detail.Lang, detail.Title, o.SourceLang)
	}
	if searchFinds() {
		t.Errorf("%q still finds %s after its French text was deleted", frenchWord, slug)
	}
}
