package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/internal/pgcluster"
	"github.com/diaspora-investor/marketplace/internal/testdb"
)

// crashUser is an account of the crash test, with what it needs to write.
type crashUser struct {
	id, token     string
	opportunities []string // published opportunity ids it may bookmark
}

// crashWrite is one kind of write the crash test makes, each user's writes of a kind sent one
// after another (so that "the last acknowledged" has a meaning) while every user and kind run
// at once. Expressions of interest and translations join this list when their routes exist.
type crashWrite struct {
	name string
	// max is how many writes of this kind one user makes.
	max func(u *crashUser) int
	// request is the k-th write of u.
	request func(u *crashUser, k int) (method, path string, body any)
	// check verifies, after the crash, that every write of u acknowledged (acked: the k's,
	// ascending) is in the database, and that nothing is half-written.
	check func(t *testing.T, db *sqlx.DB, u *crashUser, acked []int)
}

var sectorCodes = []string{"tourism", "blue_economy", "renewable_energy", "agribusiness", "ict", "creative_industries",
	"real_estate", "transport_logistics", "health", "education", "manufacturing", "commerce", "financial_services"}

var crashWrites = []crashWrite{
	{
		// The profile and the display name are two tables written in one transaction: every
		// field of the stored profile must come from the same write.
		name: "profile",
		max:  func(*crashUser) int { return 50 },
		request: func(u *crashUser, k int) (string, string, any) {
			return http.MethodPut, "/v1/me/profile", map[string]any{
				"display_name": "w" + strconv.Itoa(k), "sectors": []string{sectorCodes[k%len(sectorCodes)]},
				"investor_type": "diaspora", "residence_country": "PT",
				"ticket_min": map[string]string{"amount": strconv.Itoa(k), "currency": "EUR"},
				"ticket_max": map[string]string{"amount": strconv.Itoa(k + 1000), "currency": "EUR"},
			}
		},
		check: func(t *testing.T, db *sqlx.DB, u *crashUser, acked []int) {
			var p struct {
				Name    string         `db:"display_name"`
				Min     *string        `db:"ticket_min"`
				Max     *string        `db:"ticket_max"`
				Sectors pq.StringArray `db:"sectors"`
			}
			err := db.Get(&p, `SELECT coalesce(u.display_name, '') AS display_name, p.ticket_min::int::text AS ticket_min,
				p.ticket_max::int::text AS ticket_max, coalesce(p.sectors, '{}') AS sectors
				FROM users u LEFT JOIN investor_profiles p ON p.user_id = u.id WHERE u.id = $1`, u.id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Min == nil {
				if len(acked) > 0 {
					t.Errorf("user %s: %d profile writes acknowledged, none stored", u.id, len(acked))
				}
				return
			}
			k, _ := strconv.Atoi(*p.Min)
			if p.Name != "w"+*p.Min || p.Max == nil || *p.Max != strconv.Itoa(k+1000) ||
				!slices.Equal(p.Sectors, []string{sectorCodes[k%len(sectorCodes)]}) {
				t.Errorf("user %s: half-written profile: %+v", u.id, p)
			}
			if last := lastOf(acked); k < last || k > last+1 { // the write in flight may have committed
				t.Errorf("user %s: profile of write %d stored, last acknowledged %d", u.id, k, last)
			}
		},
	},
	{
		name: "bookmark",
		max:  func(u *crashUser) int { return len(u.opportunities) },
		request: func(u *crashUser, k int) (string, string, any) {
			return http.MethodPut, "/v1/me/saved/" + u.opportunities[k], nil
		},
		check: func(t *testing.T, db *sqlx.DB, u *crashUser, acked []int) {
			var stored []string
			if err := db.Select(&stored, `SELECT opportunity_id::text FROM saved_opportunities WHERE user_id = $1`, u.id); err != nil {
				t.Fatal(err)
			}
			for _, k := range acked {
				if !slices.Contains(stored, u.opportunities[k]) {
					t.Errorf("user %s: acknowledged bookmark %d lost", u.id, k)
				}
			}
			if len(stored) > len(acked)+1 {
				t.Errorf("user %s: %d bookmarks stored, %d acknowledged", u.id, len(stored), len(acked))
			}
		},
	},
	{
		name: "language",
		max:  func(*crashUser) int { return 40 },
		request: func(u *crashUser, k int) (string, string, any) {
			return http.MethodPatch, "/v1/me", map[string]any{"lang": []string{"pt", "en", "fr"}[k%3]}
		},
		check: func(t *testing.T, db *sqlx.DB, u *crashUser, acked []int) {
			var lang *string
			if err := db.Get(&lang, `SELECT lang FROM users WHERE id = $1`, u.id); err != nil {
				t.Fatal(err)
			}
			if len(acked) == 0 {
				return
			}
			last := lastOf(acked)
			if lang == nil || (*lang != []string{"pt", "en", "fr"}[last%3] && *lang != []string{"pt", "en", "fr"}[(last+1)%3]) {
				t.Errorf("user %s: language %v, last acknowledged write %d", u.id, lang, last)
			}
		},
	},
}

func lastOf(acked []int) int {
	if len(acked) == 0 {
		return -1
	}
	return acked[len(acked)-1]
}

// SIGKILL after a thousand acknowledged concurrent writes, with more in flight: every write the
// server acknowledged is in the database, and nothing is half-written (each write is one
// transaction).
func TestKilledDuringWritesLosesNothingAcknowledged(t *testing.T) {
	db, dbURL := testdb.New(t)
	s, cmd, logs := startServerOn(t, dbURL, "JWT_SECRET=crash-test-secret-of-at-least-32-bytes")
	var opportunities []string
	if err := db.Select(&opportunities, `SELECT id::text FROM opportunities WHERE status = 'published' ORDER BY id LIMIT 25`); err != nil {
		t.Fatal(err)
	}

	// 16 users × (50 profile writes + 25 bookmarks + 40 language changes) = 1,840 writes in 48
	// streams at once, each user's 115 within the limit of writes per user and minute; the kill
	// comes once 1,000 of them are acknowledged.
	const users = 16
	accounts := make([]*crashUser, users)
	var wg sync.WaitGroup
	for i := range accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email, password := fmt.Sprintf("crash%d@example.org", i), "a long enough crash-test password"
			if r := s.json(http.MethodPost, "/v1/auth/register", map[string]any{"email": email, "password": password}, ""); r.status != http.StatusCreated {
				t.Errorf("register: %d %s", r.status, r.body)
				return
			}
			r := s.json(http.MethodPost, "/v1/auth/login", map[string]any{"email": email, "password": password}, "")
			tok := r.object(t)
			u := &crashUser{token: tok["access_token"].(string), opportunities: opportunities}
			u.id = s.json(http.MethodGet, "/v1/me", nil, u.token).object(t)["id"].(string)
			accounts[i] = u
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	total := 0
	for _, w := range crashWrites {
		total += users * w.max(accounts[0])
	}
	client := &http.Client{Timeout: 30 * time.Second}
	var sent, ackedCount atomic.Int64
	acked := make([][][]int, len(crashWrites)) // kind, user → acknowledged k's
	killAt := int64(1000)
	if total < int(killAt)*3/2 {
		t.Fatalf("%d writes planned, want at least %d so that the kill comes mid-way", total, killAt*3/2)
	}
	killed := make(chan struct{})
	var killOnce sync.Once
	for wi, w := range crashWrites {
		acked[wi] = make([][]int, users)
		for ui, u := range accounts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range w.max(u) {
					method, path, body := w.request(u, k)
					var rd io.Reader
					if body != nil {
						b, _ := json.Marshal(body)
						rd = bytes.NewReader(b)
					}
					req, _ := http.NewRequestWithContext(context.Background(), method, s.base+path, rd)
					req.Header.Set("Authorization", "Bearer "+u.token)
					if body != nil {
						req.Header.Set("Content-Type", "application/json")
					}
					sent.Add(1)
					resp, err := client.Do(req)
					if err != nil {
						select {
						case <-killed:
						default:
							t.Errorf("%s %s before the kill: %v", method, path, err)
						}
						return // the server is gone
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode >= 300 {
						t.Errorf("%s %s: %d", method, path, resp.StatusCode)
						return
					}
					acked[wi][ui] = append(acked[wi][ui], k)
					if ackedCount.Add(1) >= killAt {
						killOnce.Do(func() {
							close(killed)
							_ = cmd.Process.Signal(syscall.SIGKILL)
						})
					}
				}
			}()
		}
	}
	wg.Wait()
	midway := true
	killOnce.Do(func() {
		midway = false
		close(killed)
		_ = cmd.Process.Kill()
	})
	_ = cmd.Wait()
	if !midway {
		t.Fatalf("the server was not killed mid-way (%d writes acknowledged of %d)\n%s", ackedCount.Load(), total, logs)
	}
	t.Logf("%d writes sent, %d acknowledged, SIGKILL after %d", sent.Load(), ackedCount.Load(), killAt)

	for wi, w := range crashWrites {
		for ui, u := range accounts {
			w.check(t, db, u, acked[wi][ui])
		}
	}
}

// clusterDir is a folder the postgres user can reach when the tests run as root.
func clusterDir(t *testing.T) string {
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		_ = os.Chmod(d, 0o755)
	}
	return filepath.Join(dir, "pg")
}

// PostgreSQL stops and starts again under load: meanwhile the API answers 503 problems with
// Retry-After, quickly (no hang) and without crashing, /readyz says it is not ready, and it
// recovers by itself within seconds of the database's return.
func TestDatabaseRestartUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL server of its own")
	}
	cluster, err := pgcluster.Start(context.Background(), clusterDir(t), pgcluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Stop()
	// No anonymous quota: the load is one client address.
	s, cmd, logs := startServerOn(t, cluster.URL(), "DB_MAX_CONNS=8", "ANONYMOUS_QUOTA=0")

	type result struct {
		at      time.Time
		status  int
		problem bool
		retry   string
		took    time.Duration
		err     error
	}
	var (
		mu      sync.Mutex
		results []result
		stop    = make(chan struct{})
		wg      sync.WaitGroup
	)
	client := &http.Client{Timeout: 20 * time.Second}
	paths := []string{"/v1/countries/CV/opportunities?lang=pt", "/v1/incentives?country=CV&lang=en", "/v1/countries/CV",
		"/v1/opportunities?q=turismo", "/v1/programmes?lang=fr"}
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				// A limit of its own keeps most reads away from the cache.
				path := paths[(w+i)%len(paths)] + "&limit=" + strconv.Itoa(1+i%50)
				if !bytes.Contains([]byte(path), []byte("?")) {
					path = paths[(w+i)%len(paths)]
				}
				start := time.Now()
				resp, err := client.Get(s.base + path)
				r := result{at: start, took: time.Since(start), err: err}
				if err == nil {
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					r.status, r.retry = resp.StatusCode, resp.Header.Get("Retry-After")
					r.problem = resp.Header.Get("Content-Type") == "application/problem+json" && bytes.Contains(b, []byte(`"type":"/problems/`))
				}
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	ready := func() int {
		resp, err := client.Get(s.base + "/readyz")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	time.Sleep(time.Second)
	stoppedAt := time.Now()
	if err := cluster.Pause(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "/readyz reports the database gone", func() bool { return ready() == http.StatusServiceUnavailable })
	time.Sleep(2 * time.Second)
	if err := cluster.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	resumedAt := time.Now()
	recovered := waitFor(t, 15*time.Second, "/readyz recovers", func() bool { return ready() == http.StatusOK })
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()

	counts := map[int]int{}
	var okAfter bool
	for _, r := range results {
		switch {
		case r.err != nil:
			t.Errorf("request failed (the server hung up or crashed): %v", r.err)
		case r.took > 11*time.Second:
			t.Errorf("a request took %s", r.took)
		case r.status == http.StatusOK:
		case r.status == http.StatusServiceUnavailable && r.problem && r.retry != "":
		default:
			t.Errorf("status %d (problem %v, Retry-After %q) at %s", r.status, r.problem, r.retry, r.at.Sub(stoppedAt))
		}
		counts[r.status]++
		if r.at.After(resumedAt.Add(recovered+500*time.Millisecond)) && r.status != http.StatusOK {
			t.Errorf("status %d %s after /readyz recovered", r.status, r.at.Sub(resumedAt))
		}
		okAfter = okAfter || (r.status == http.StatusOK && r.at.After(resumedAt))
	}
	if counts[http.StatusServiceUnavailable] == 0 || !okAfter {
		t.Errorf("statuses %v: want 503s during the outage and 200s after", counts)
	}
	if cmd.ProcessState != nil {
		t.Fatalf("the server exited: %v\n%s", cmd.ProcessState, logs)
	}
	t.Logf("statuses %v; ready again %s after the database", counts, recovered)
}
