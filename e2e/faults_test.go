package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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

// crashUser is an account of the crash test, with what it needs to write: an investor has
// opportunities to bookmark and be interested in, an agency member items to translate.
type crashUser struct {
	id, token     string
	name          string
	opportunities []string // investors: published opportunity ids
	agency        *crashAgency
}

// crashAgency is an agency member's part: the items of its organization, and the language it
// writes them in (the organization's two members write two languages of the same items at once).
type crashAgency struct {
	first bool   // the organization's first member, who checks the items as a whole
	lang  string // en or fr; the items are written in pt
	items []crashItem
}

// crashItem is one item of an organization: its route (opportunities, incentives, programmes)
// and id.
type crashItem struct{ route, id string }

// The translations table, its key column and its title column, by route.
var crashTables = map[string]struct{ singular, title string }{
	"opportunities": {"opportunity", "title"}, "incentives": {"incentive", "name"}, "programmes": {"programme", "name"},
}

// crashWrite is one kind of write the crash test makes, each user's writes of a kind sent one
// after another (so that "the last acknowledged" has a meaning) while every user and kind run
// at once.
type crashWrite struct {
	name string
	// max is how many writes of this kind one user makes (0: none, not this user's kind).
	max func(u *crashUser) int
	// request is the k-th write of u; header, if set, its extra headers.
	request func(u *crashUser, k int) (method, path string, body any)
	header  func(u *crashUser, k int) map[string]string
	// check verifies, after the crash, that every write of u acknowledged (acked: the k's,
	// ascending, 0 to n-1; write n may have been in flight) is in the database, and that
	// nothing is half-written.
	check func(t *testing.T, db *sqlx.DB, u *crashUser, acked []int)
}

var sectorCodes = []string{"tourism", "blue_economy", "renewable_energy", "agribusiness", "ict", "creative_industries",
	"real_estate", "transport_logistics", "health", "education", "manufacturing", "commerce", "financial_services"}

var crashWrites = []crashWrite{
	{
		// The profile and the display name are two tables written in one transaction: every
		// field of the stored profile must come from the same write.
		name: "profile",
		max:  investors(35),
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
		max:  investors(30),
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
	{
		// An expression of interest with an Idempotency-Key, one per opportunity: each
		// acknowledged one is there exactly once, whole.
		name: "interest",
		max:  func(u *crashUser) int { return len(u.opportunities) },
		request: func(u *crashUser, k int) (string, string, any) {
			return http.MethodPost, "/v1/opportunities/" + u.opportunities[k] + "/interests", map[string]any{
				"message": crashInterestMessage(u, k), "share": []string{"email"},
				"amount": map[string]string{"amount": strconv.Itoa(1000 + k), "currency": "EUR"},
			}
		},
		header: func(u *crashUser, k int) map[string]string {
			return map[string]string{"Idempotency-Key": "crash-" + strconv.Itoa(k)}
		},
		check: func(t *testing.T, db *sqlx.DB, u *crashUser, acked []int) {
			var rows []struct {
				Opportunity string `db:"opportunity_id"`
				Message     string `db:"message"`
				Key         string `db:"idempotency_key"`
				Amount      string `db:"amount"`
				Currency    string `db:"currency"`
			}
			if err := db.Select(&rows, `SELECT opportunity_id::text, message, coalesce(idempotency_key, '') AS idempotency_key,
				coalesce(amount::int::text, '') AS amount, coalesce(currency, '') AS currency FROM interests WHERE investor_id = $1`, u.id); err != nil {
				t.Fatal(err)
			}
			n := len(acked)
			found := make([]int, len(u.opportunities))
			for _, r := range rows {
				k := slices.Index(u.opportunities, r.Opportunity)
				if k < 0 || k > n {
					t.Errorf("user %s: interest in %s never sent or not yet sent (%d acknowledged)", u.id, r.Opportunity, n)
					continue
				}
				found[k]++
				if r.Message != crashInterestMessage(u, k) || r.Key != "crash-"+strconv.Itoa(k) ||
					r.Amount != strconv.Itoa(1000+k) || r.Currency != "EUR" {
					t.Errorf("user %s: interest %d half-written or not its own: %+v", u.id, k, r)
				}
			}
			for k, c := range found {
				if (k < n && c != 1) || c > 1 {
					t.Errorf("user %s: interest %d stored %d times (%d acknowledged)", u.id, k, c, n)
				}
			}
		},
	},
	{
		// Two members of an organization translate its three items at once, one into English,
		// one into French, each writing the items in turn. After the crash each (item,
		// language) holds the text of its last acknowledged write or of the write in flight, all
		// fields from the same write; its audit rows count the writes that committed; the
		// item's langs agree with its translation rows and its version with its audit trail.
		name: "translation",
		max: func(u *crashUser) int {
			if u.agency == nil {
				return 0
			}
			return crashTranslations
		},
		request: func(u *crashUser, k int) (string, string, any) {
			it := u.agency.items[k%len(u.agency.items)]
			return http.MethodPut, "/v1/" + it.route + "/" + it.id + "/translations/" + u.agency.lang, crashText(it.route, u.agency.lang, k)
		},
		check: func(t *testing.T, db *sqlx.DB, u *crashUser, acked []int) {
			a, n := u.agency, len(acked)
			for i, it := range a.items {
				tb := crashTables[it.route]
				want, ackedHere := -1, 0 // the last acknowledged write of this item, and how many
				for _, k := range acked {
					if k%len(a.items) == i {
						want, ackedHere = k, ackedHere+1
					}
				}
				inFlight := -1
				if n < crashTranslations && n%len(a.items) == i {
					inFlight = n
				}
				howTo := "''"
				if it.route == "programmes" {
					howTo = "coalesce(how_to_apply, '')"
				}
				var text struct {
					Title       string `db:"title"`
					Summary     string `db:"summary"`
					Description string `db:"description"`
					HowTo       string `db:"how_to_apply"`
				}
				err := db.Get(&text, `SELECT `+tb.title+` AS title, summary, description, `+howTo+` AS how_to_apply
					FROM `+tb.singular+`_translations WHERE `+tb.singular+`_id = $1 AND lang = $2`, it.id, a.lang)
				got := -1
				switch {
				case errors.Is(err, sql.ErrNoRows):
				case err != nil:
					t.Fatal(err)
				default:
					if _, err := fmt.Sscanf(text.Title, a.lang+" title %d", &got); err != nil {
						t.Errorf("%s %s/%s: title %q", it.route, it.id, a.lang, text.Title)
						continue
					}
					w := crashText(it.route, a.lang, got)
					if text.Summary != w["summary"] || text.Description != w["description"] || text.HowTo != w["how_to_apply"] {
						t.Errorf("%s %s/%s: half-written translation: %+v", it.route, it.id, a.lang, text)
					}
				}
				if got != want && (got != inFlight || got < 0) {
					t.Errorf("%s %s/%s: text of write %d stored, last acknowledged %d, in flight %d", it.route, it.id, a.lang, got, want, inFlight)
				}
				committed := ackedHere
				if got >= 0 && got == inFlight {
					committed++
				}
				var audited int
				if err := db.Get(&audited, `SELECT count(*) FROM audit_events WHERE entity_id = $1 AND action = 'translate' AND lang = $2`,
					it.id, a.lang); err != nil {
					t.Fatal(err)
				}
				if audited != committed {
					t.Errorf("%s %s/%s: %d translations audited, %d committed (%d acknowledged)", it.route, it.id, a.lang, audited, committed, ackedHere)
				}
				if !a.first {
					continue
				}
				var item struct {
					Langs   pq.StringArray `db:"langs"`
					Rows    pq.StringArray `db:"rows"`
					Version int            `db:"version"`
					Audited int            `db:"audited"`
				}
				if err := db.Get(&item, `SELECT c.langs, c.version,
					coalesce((SELECT array_agg(t.lang::text ORDER BY t.lang) FROM `+tb.singular+`_translations t WHERE t.`+tb.singular+`_id = c.id), '{}') AS rows,
					(SELECT count(*) FROM audit_events e WHERE e.entity_id = c.id) AS audited
					FROM `+it.route+` c WHERE c.id = $1`, it.id); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(item.Langs, item.Rows) || !slices.Contains(item.Rows, "pt") {
					t.Errorf("%s %s: langs %v, translations %v", it.route, it.id, item.Langs, item.Rows)
				}
				if item.Version != item.Audited {
					t.Errorf("%s %s: version %d, %d audit events", it.route, it.id, item.Version, item.Audited)
				}
			}
		},
	},
}

// investors gives n writes to each investor, none to agency members.
func investors(n int) func(u *crashUser) int {
	return func(u *crashUser) int {
		if u.agency != nil {
			return 0
		}
		return n
	}
}

func crashInterestMessage(u *crashUser, k int) string {
	return fmt.Sprintf("Interest %d of %s, sent during the crash test.", k, u.name)
}

// crashText is the body of translation k of an item, in lang: every field names the write.
func crashText(route, lang string, k int) map[string]string {
	title := "title"
	if route != "opportunities" {
		title = "name"
	}
	body := map[string]string{title: fmt.Sprintf("%s title %d", lang, k), "summary": fmt.Sprintf("%s summary %d", lang, k),
		"description": fmt.Sprintf("%s description %d", lang, k)}
	if route == "programmes" {
		body["how_to_apply"] = fmt.Sprintf("%s how to apply %d", lang, k)
	}
	return body
}

// crashTranslations is how many translations each agency member writes.
const crashTranslations = 60

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
	const adminEmail, adminPassword = "crash-admin@example.org", "crash-test admin passphrase"
	// Each account registers from an address of its own (through a trusted proxy), as real users
	// would: the limit of registrations per address is not what this test is about.
	s, cmd, logs := startServerOn(t, dbURL, "JWT_SECRET=crash-test-secret-of-at-least-32-bytes",
		"ADMIN_EMAIL="+adminEmail, "ADMIN_PASSWORD="+adminPassword, "TRUSTED_PROXIES=127.0.0.1", "ANONYMOUS_QUOTA=0")
	var opportunities []string
	if err := db.Select(&opportunities, `SELECT id::text FROM opportunities WHERE status = 'published' ORDER BY id LIMIT 25`); err != nil {
		t.Fatal(err)
	}

	// 16 investors × (35 profile writes + 25 bookmarks + 30 language changes + 25 interests) and
	// 8 organizations × 2 members × 60 translations = 2,800 writes in 80 streams at once, each
	// user's within the limit of writes per user and minute (an agency's first member also
	// makes 11 writes to set its organization up); the kill comes once 1,000 of them are
	// acknowledged.
	const investorCount, orgCount = 16, 8
	call := func(method, path string, body any, token, addr string, want int) (map[string]any, bool) {
		header := map[string]string{"X-Forwarded-For": addr}
		if token != "" {
			header["Authorization"] = "Bearer " + token
		}
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd, header["Content-Type"] = bytes.NewReader(b), "application/json"
		}
		r := s.do(method, path, rd, header)
		if r.status != want {
			t.Errorf("%s %s: %d, want %d: %s", method, path, r.status, want, r.body)
			return nil, false
		}
		var m map[string]any
		_ = json.Unmarshal(r.body, &m)
		return m, true
	}
	// Sign-ups hash passwords with a slow KDF: a few at a time, so that the setup does not outrun
	// the client's timeout on a busy machine (the setup is not what this test measures).
	signUpSlots := make(chan struct{}, 4)
	signUp := func(name string, i int) *crashUser {
		signUpSlots <- struct{}{}
		defer func() { <-signUpSlots }()
		email, password, addr := name+"@example.org", "a long enough crash-test password", fmt.Sprintf("192.0.2.%d", i+1)
		if _, ok := call(http.MethodPost, "/v1/auth/register", map[string]any{"email": email, "password": password}, "", addr, http.StatusCreated); !ok {
			return nil
		}
		tok, ok := call(http.MethodPost, "/v1/auth/login", map[string]any{"email": email, "password": password}, "", addr, http.StatusOK)
		if !ok {
			return nil
		}
		u := &crashUser{name: name, token: tok["access_token"].(string)}
		me, ok := call(http.MethodGet, "/v1/me", nil, u.token, addr, http.StatusOK)
		if !ok {
			return nil
		}
		u.id = me["id"].(string)
		return u
	}
	admin, ok := call(http.MethodPost, "/v1/auth/login", map[string]any{"email": adminEmail, "password": adminPassword}, "", "192.0.2.250", http.StatusOK)
	if !ok {
		t.FailNow()
	}
	adminToken := admin["access_token"].(string)

	accounts := make([]*crashUser, investorCount+2*orgCount)
	var wg sync.WaitGroup
	for i := range investorCount {
		wg.Go(func() {
			if u := signUp(fmt.Sprintf("crash%d", i), i); u != nil {
				u.opportunities = opportunities
				accounts[i] = u
			}
		})
	}
	// Each organization: verified, with a published opportunity, incentive and programme written
	// in Portuguese by its first member, who adds the second.
	for o := range orgCount {
		wg.Go(func() {
			i := investorCount + 2*o
			first, second := signUp(fmt.Sprintf("crash-agency%d-en", o), i), signUp(fmt.Sprintf("crash-agency%d-fr", o), i+1)
			if first == nil || second == nil {
				return
			}
			addr := fmt.Sprintf("192.0.2.%d", i+1)
			org, ok := call(http.MethodPost, "/v1/organizations", map[string]any{"name": fmt.Sprintf("Agência de teste %d", o),
				"country": "CV", "type": "investment_promotion_agency"}, first.token, addr, http.StatusCreated)
			if !ok {
				return
			}
			orgID := org["id"].(string)
			if _, ok := call(http.MethodPost, "/v1/organizations/"+orgID+"/verify", nil, adminToken, addr, http.StatusOK); !ok {
				return
			}
			inv, ok := call(http.MethodPost, "/v1/organizations/"+orgID+"/invitations", map[string]any{"email": second.name + "@example.org"},
				first.token, addr, http.StatusCreated)
			if !ok {
				return
			}
			if _, ok := call(http.MethodPost, "/v1/me/invitations/"+inv["id"].(string)+"/accept", nil, second.token, addr, http.StatusOK); !ok {
				return
			}
			var items []crashItem
			for route, body := range map[string]map[string]any{
				"opportunities": {"title": "Oportunidade", "sectors": []string{"tourism"}},
				"incentives":    {"name": "Incentivo", "type": "tax", "legal_instrument": "Lei n.º 1/2026"},
				"programmes":    {"name": "Programa", "type": "grant", "how_to_apply": "Candidatura em linha."},
			} {
				maps.Copy(body, map[string]any{"organization_id": orgID, "country": "CV", "lang": "pt",
					"summary": "Resumo.", "description": "Descrição."})
				created, ok := call(http.MethodPost, "/v1/"+route, body, first.token, addr, http.StatusCreated)
				if !ok {
					return
				}
				id := created["id"].(string)
				for _, step := range []string{"submit", "publish"} {
					if _, ok := call(http.MethodPost, "/v1/"+route+"/"+id+"/"+step, nil, first.token, addr, http.StatusOK); !ok {
						return
					}
				}
				items = append(items, crashItem{route, id})
			}
			slices.SortFunc(items, func(a, b crashItem) int { return strings.Compare(a.route, b.route) })
			first.agency = &crashAgency{first: true, lang: "en", items: items}
			second.agency = &crashAgency{lang: "fr", items: items}
			accounts[i], accounts[i+1] = first, second
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	total := 0
	for _, w := range crashWrites {
		for _, u := range accounts {
			total += w.max(u)
		}
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
		acked[wi] = make([][]int, len(accounts))
		for ui, u := range accounts {
			if w.max(u) == 0 {
				continue
			}
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
					if w.header != nil {
						for name, v := range w.header(u, k) {
							req.Header.Set(name, v)
						}
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
	perKind := make([]string, len(crashWrites))
	for wi, w := range crashWrites {
		n := 0
		for _, a := range acked[wi] {
			n += len(a)
		}
		perKind[wi] = fmt.Sprintf("%s %d", w.name, n)
	}
	t.Logf("%d writes sent, %d acknowledged (%s), SIGKILL after %d", sent.Load(), ackedCount.Load(), strings.Join(perKind, ", "), killAt)

	for wi, w := range crashWrites {
		for ui, u := range accounts {
			if w.max(u) > 0 {
				w.check(t, db, u, acked[wi][ui])
			}
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
