package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binary != "" {
		os.RemoveAll(filepath.Dir(binary))
	}
	os.Exit(code)
}

// metric reads one counter of an instance's /metrics.
func (s *server) metric(name string) float64 {
	s.t.Helper()
	resp, err := s.client.Get(s.base + "/metrics")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	s.t.Fatalf("no %s in /metrics", name)
	return 0
}

// title reads the title of an opportunity page (or its status when it is not 200).
func (s *server) title(path string) string {
	resp, err := s.client.Get(s.base + path)
	if err != nil {
		return "error: " + err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return strconv.Itoa(resp.StatusCode)
	}
	var body struct {
		Title string `json:"title"`
	}
	_ = json.Unmarshal(b, &body)
	return body.Title
}

// waitFor polls cond until it holds or the deadline passes, and says how long it took.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// Two instances on one database, each with its cache: a change written to the database is
// seen through the other instance within a second, and once that instance has heard of the
// change, no answer it gives is stale — even while readers keep its cache hot during the
// change. Content write routes arrive with the agencies' milestone; the change is written with
// SQL here, exactly as they will write it.
func TestTwoInstancesNeverServeStale(t *testing.T) {
	db, dbURL := testdb.New(t)
	// No anonymous quota: the readers are one client address.
	a, _, _ := startServerOn(t, dbURL, "ANONYMOUS_QUOTA=0")
	b, _, _ := startServerOn(t, dbURL, "ANONYMOUS_QUOTA=0")

	var id, country string
	if err := db.QueryRow(`SELECT o.id, o.country_code FROM opportunities o
		JOIN opportunity_translations t ON t.opportunity_id = o.id AND t.lang = 'en'
		WHERE o.status = 'published' ORDER BY o.published_at DESC, o.id DESC LIMIT 1`).Scan(&id, &country); err != nil {
		t.Fatal(err)
	}
	detail := "/v1/opportunities/" + id + "?lang=en"
	// Both instances hold the page in memory.
	for _, s := range []*server{a, b} {
		first := s.title(detail)
		hits := s.metric("catalogue_cache_hits_total")
		if again := s.title(detail); again != first || s.metric("catalogue_cache_hits_total") <= hits {
			t.Fatalf("the second read was not served from memory (%q, %q)", first, again)
		}
	}

	// The web site's anonymous pages are counted at /metrics beside the API's cache.
	for _, s := range []*server{a, b} {
		for range 2 {
			resp, err := s.client.Get(s.base + "/en/countries/" + country)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		if s.metric("site_page_cache_hits_total") < 1 || s.metric("site_page_cache_misses_total") < 1 || s.metric("site_page_cache_bytes") <= 0 {
			t.Errorf("the page cache's counters: hits %v, misses %v, bytes %v", s.metric("site_page_cache_hits_total"),
				s.metric("site_page_cache_misses_total"), s.metric("site_page_cache_bytes"))
		}
	}

	changes := []struct{ sql, want string }{
		{`UPDATE opportunity_translations SET title = 'Changed once' WHERE opportunity_id = $1 AND lang = 'en'`, "Changed once"},
		{`UPDATE opportunity_translations SET title = 'Changed twice' WHERE opportunity_id = $1 AND lang = 'en'`, "Changed twice"},
		{`UPDATE opportunities SET status = 'archived' WHERE id = $1`, "404"},
	}
	for _, change := range changes {
		type seen struct {
			start time.Time
			title string
		}
		var (
			mu   sync.Mutex
			obs  []seen
			wg   sync.WaitGroup
			stop = make(chan struct{})
		)
		for range 4 { // readers keep B's cache hot while the change commits
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					start := time.Now()
					got := b.title(detail)
					mu.Lock()
					obs = append(obs, seen{start, got})
					mu.Unlock()
				}
			}()
		}
		time.Sleep(50 * time.Millisecond)
		invalidations := b.metric("catalogue_cache_invalidations_total")
		if err := changeOpportunity(db, change.sql, id); err != nil {
			t.Fatal(err)
		}
		heard := waitFor(t, 2*time.Second, "B hears of the change", func() bool {
			return b.metric("catalogue_cache_invalidations_total") > invalidations
		})
		heardAt := time.Now()
		visible := waitFor(t, 2*time.Second, "B shows the change", func() bool { return b.title(detail) == change.want })
		time.Sleep(50 * time.Millisecond)
		close(stop)
		wg.Wait()
		if visible+heard > time.Second {
			t.Errorf("%q took %s to be seen through the other instance", change.want, visible+heard)
		}
		stale := 0
		for _, o := range obs {
			if o.start.After(heardAt) && o.title != change.want {
				stale++
			}
		}
		if stale > 0 {
			t.Errorf("%d of %d answers after the notification were stale (want %q)", stale, len(obs), change.want)
		}
		if got := a.title(detail); got != change.want {
			t.Errorf("A shows %q, want %q", got, change.want)
		}
		t.Logf("%q: heard by B after %s, visible after %s more; %d reads during the change", change.want, heard, visible, len(obs))
	}

	// Lists are dropped as well as details: the archived item has left B's list.
	list := "/v1/countries/" + country + "/opportunities?lang=en&limit=100"
	resp, err := b.client.Get(b.base + list)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), id) {
		t.Errorf("the archived opportunity is still in B's list")
	}

	// A lost listener connection: notifications sent meanwhile are lost, so the instance serves
	// nothing from memory until it is back, and then starts from an empty cache.
	if err := changeOpportunity(db, `UPDATE opportunities SET status = 'published' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "B shows the item again", func() bool { return b.title(detail) == "Changed twice" })
	b.title(detail) // cached again
	invalidations := b.metric("catalogue_cache_invalidations_total")
	// The listening connections are told apart by their application_name (their last query is
	// LISTEN only until the first ping).
	var ended int
	if err := db.Get(&ended, `SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = $1) x`, repository.ListenerApplicationName); err != nil {
		t.Fatal(err)
	}
	if ended != 2 {
		t.Fatalf("ended %d listening connections, want 2 (one per instance)", ended)
	}
	if err := changeOpportunity(db, `UPDATE opportunity_translations SET title = 'Changed while deaf' WHERE opportunity_id = $1 AND lang = 'en'`, id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Second, "B shows the change made around the lost connection", func() bool { return b.title(detail) == "Changed while deaf" })
	waitFor(t, 10*time.Second, "B's listener reconnects and resets", func() bool {
		return b.metric("catalogue_cache_invalidations_total") >= invalidations+2
	})
}

// changeOpportunity writes to an opportunity around the use cases and, in the same
// transaction, refreshes its rows of the read model, as the use cases do.
func changeOpportunity(db *sqlx.DB, query, id string) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(query, id); err != nil {
		return err
	}
	if _, err := tx.Exec(`SELECT read_model_refresh('opportunities', ARRAY[$1::uuid])`, id); err != nil {
		return err
	}
	return tx.Commit()
}
