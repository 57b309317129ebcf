package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/api"
	"github.com/diaspora-investor/marketplace/internal/contract"
	"github.com/diaspora-investor/marketplace/internal/pgcluster"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
	"github.com/diaspora-investor/marketplace/seed"
)

// TestReadReplica runs the API over a real primary and its real streaming standby (PostgreSQL's
// replication, started by internal/pgcluster): public reads come from the standby, a writer
// reads their own writes from the primary, the cache hears of a change only once the standby
// has replayed it, a standby past REPLICA_MAX_LAG or stopped serves nothing, and /readyz says
// where reads go.
func TestReadReplica(t *testing.T) {
	testdb.SkipIfShort(t)
	if _, err := pgcluster.FindBinaries(); err != nil {
		t.Skip(err)
	}
	started := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// Its own primary (a folder the postgres user can reach when the tests run as root), migrated
	// and seeded, and a standby copied from it.
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		_ = os.Chmod(d, 0o755)
	}
	cluster, err := pgcluster.Start(ctx, filepath.Join(dir, "pg"), pgcluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop() })
	primary, err := repository.Open(ctx, cluster.URL(), repository.PoolOptions{MaxOpen: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { primary.Close() })
	if err := repository.Migrate(ctx, primary.DB); err != nil {
		t.Fatal(err)
	}
	content, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := repository.New(primary).LoadSeed(ctx, content); err != nil {
		t.Fatal(err)
	}
	t.Logf("primary up, migrated and seeded in %s", time.Since(started).Round(time.Millisecond))
	replicaStarted := time.Now()
	standby, err := cluster.StartReplica(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("standby copied and started in %s", time.Since(replicaStarted).Round(time.Millisecond))
	if err := standby.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("standby copied, started and caught up in %s", time.Since(replicaStarted).Round(time.Millisecond))
	replica, err := repository.Open(ctx, standby.URL(), repository.PoolOptions{MaxOpen: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { replica.Close() })

	// The app over both, with the cache and the change listener, as serve builds it.
	const maxLag = 5 * time.Second
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := repository.New(primary)
	router := repository.StartReplica(ctx, primary, replica, repository.ReplicaOptions{MaxLag: maxLag, PollInterval: 20 * time.Millisecond}, log)
	store.UseReplica(router)
	t.Cleanup(store.Close)
	t.Cleanup(router.Close)
	cache := api.NewCache(8<<20, time.Minute)
	watcher := repository.WatchCatalogue(cluster.URL(), router.Gate(cache), log)
	t.Cleanup(watcher.Close)
	validatorOnce.Do(func() { validator, validatorErr = contract.NewValidator() })
	if validatorErr != nil {
		t.Fatalf("load openapi.yaml: %v", validatorErr)
	}
	langs, err := api.LoadLanguages("en")
	if err != nil {
		t.Fatal(err)
	}
	cfg := api.DefaultConfig()
	cfg.ShowExamples, cfg.JWTSecret, cfg.Cache = true, testSecret, cache
	a := &testAPI{t: t, app: api.New(cfg, store, langs, log), db: primary}
	// A second instance over the same primary and standby, without a cache: what one instance
	// notes of a user's writes, the other learns only from the read_after cookie.
	other := repository.New(primary)
	otherRouter := repository.StartReplica(ctx, primary, replica, repository.ReplicaOptions{MaxLag: maxLag, PollInterval: 20 * time.Millisecond}, log)
	other.UseReplica(otherRouter)
	t.Cleanup(other.Close)
	t.Cleanup(otherRouter.Close)
	otherCfg := cfg
	otherCfg.Cache = nil
	b := &testAPI{t: t, app: api.New(otherCfg, other, langs, log), db: primary}

	readiness := func() map[string]any {
		t.Helper()
		r := a.get("/readyz")
		expect(t, r, http.StatusOK)
		replica, _ := r.json(t)["replica"].(map[string]any)
		if replica == nil {
			t.Fatalf("/readyz says nothing of the replica: %s", r.body)
		}
		return replica
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(3 * maxLag)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("waited %s for %s", 3*maxLag, what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if st := readiness(); st["state"] != "streaming" || st["reads_from"] != "replica" {
		t.Fatalf("replica %v, want streaming and read from", st)
	}

	// Countries and the change feed are public reads too: the second instance (no cache) reads
	// them from the standby.
	waitFor("the second instance to read from the standby", func() bool {
		st := b.get("/readyz").json(t)["replica"].(map[string]any)
		return st["reads_from"] == "replica"
	})
	before, _ := otherRouter.Queries()
	expect(t, b.get("/v1/countries"), http.StatusOK)
	expect(t, b.get("/v1/countries/CV"), http.StatusOK)
	expect(t, b.get("/v1/changes"), http.StatusOK)
	if after, _ := otherRouter.Queries(); after < before+3 {
		t.Errorf("countries, a country and the change feed made %d queries on the standby, want at least 3", after-before)
	}

	admin := a.admin("ops@example.org")
	investor := a.user("ze@example.org")
	const list = "/v1/countries/CV/opportunities"
	ids := a.publicIDs(list)
	if len(ids) == 0 {
		t.Fatal("no public opportunity in the seed")
	}
	id := ids[0]
	// listed says whether a page of list shows the opportunity; a page size not asked before
	// is a read the cache cannot answer.
	listedOn := func(a *testAPI, limit string, header ...string) bool {
		t.Helper()
		r := a.get(list+"?limit="+limit, header...)
		expect(t, r, http.StatusOK)
		for _, it := range r.items(t) {
			if it["id"] == id {
				return true
			}
		}
		return false
	}
	listed := func(limit string, header ...string) bool {
		t.Helper()
		return listedOn(a, limit, header...)
	}
	// The anonymous detail is cached once the listener is live.
	waitFor("the cache to serve", func() bool {
		hits, _, _, _ := cache.Stats()
		expect(t, a.get("/v1/opportunities/"+id), http.StatusOK)
		now, _, _, _ := cache.Stats()
		return now > hits
	})
	if err := standby.WaitCaughtUp(ctx); err != nil {
		t.Fatal(err)
	}

	// The standby stops applying WAL; the administrator archives the opportunity on the primary.
	if err := standby.PauseReplay(ctx); err != nil {
		t.Fatal(err)
	}
	wrote := time.Now()
	r := a.send(http.MethodPost, "/v1/opportunities/"+id+"/archive", nil, bearer(admin.access)...)
	expect(t, r, http.StatusOK)
	// What the write answers is read on the primary (the item as archived, with its version).
	editorialStatus := func(r response) any {
		t.Helper()
		ed, _ := r.json(t)["editorial"].(map[string]any)
		st, _ := ed["status"].(map[string]any)
		return st["code"]
	}
	if got := editorialStatus(r); got != "archived" {
		t.Errorf("the archive answers status %v, want archived", got)
	}

	// Reads served by the paused standby do not see it: another reader's, and an anonymous list
	// never asked before (no cache entry). The cached detail is not dropped either, since the
	// change notice waits for the standby to replay the change.
	if !listed("100", bearer(investor.access)...) {
		t.Error("a signed-in reader's list, read from the paused standby, already misses the archived opportunity")
	}
	if !listed("99") {
		t.Error("an anonymous list, read from the paused standby, already misses the archived opportunity")
	}
	expect(t, a.get("/v1/opportunities/"+id), http.StatusOK)
	// The writer reads their own write, from the primary.
	if listed("100", bearer(admin.access)...) {
		t.Error("the writer's own list still shows the opportunity they archived")
	}
	if got := editorialStatus(a.get("/v1/opportunities/"+id, bearer(admin.access)...)); got != "archived" {
		t.Errorf("the writer reads status %v, want archived", got)
	}
	// On another instance, the writer reads their write from the primary when they bring the
	// read_after cookie the write answered with, and from the paused standby when they do not.
	var readAfter *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "read_after" {
			readAfter = c
		}
	}
	if readAfter == nil || !readAfter.HttpOnly || readAfter.MaxAge <= 0 {
		t.Fatalf("the write answered no read_after cookie (HttpOnly, with a lifetime): %v", r.header.Values("Set-Cookie"))
	}
	withCookie := append(bearer(admin.access), "Cookie", "read_after="+readAfter.Value)
	if listedOn(b, "100", withCookie...) {
		t.Error("on another instance, the writer bringing read_after still lists the opportunity they archived")
	}
	if !listedOn(b, "100", bearer(admin.access)...) {
		t.Error("on another instance without read_after, the writer's list should come from the paused standby")
	}
	if !listedOn(b, "96", "Cookie", "read_after=FFFFFFFF/FFFFFFFF") {
		t.Error("an anonymous request cannot send its reads to the primary with a cookie")
	}
	// The cookie is the service's, signed for the user it was given to: one written by hand,
	// one whose signature is another position's, and the writer's own brought by someone else
	// change nothing.
	position, _, _ := strings.Cut(readAfter.Value, ".")
	for _, forged := range []struct{ who, cookie, why string }{
		{admin.access, "read_after=FFFFFFFF/FFFFFFFF", "an unsigned position"},
		{admin.access, "read_after=FFFFFFFF/FFFFFFFF." + strings.TrimPrefix(readAfter.Value, position+"."), "another position's signature"},
		{investor.access, "read_after=" + readAfter.Value, "another user's cookie"},
	} {
		if !listedOn(b, "100", append(bearer(forged.who), "Cookie", forged.cookie)...) {
			t.Errorf("%s sent a signed-in user's reads to the primary", forged.why)
		}
	}
	if since := time.Since(wrote); since >= maxLag {
		t.Fatalf("the checks on the paused standby took %s, past REPLICA_MAX_LAG (%s): they may have read the primary", since, maxLag)
	}
	if st := readiness(); st["state"] != "streaming" || st["reads_from"] != "replica" {
		t.Errorf("replica %v while paused within the bound, want streaming and read from", st)
	}

	// Past the bound, reads go to the primary, and the change notice goes through.
	waitFor("the paused standby to be behind", func() bool { return readiness()["state"] == "behind" })
	if st := readiness(); st["reads_from"] != "primary" || st["lag_ms"].(float64) < float64(maxLag.Milliseconds()) {
		t.Errorf("replica %v, want reads from the primary and a lag past %s", st, maxLag)
	}
	t.Logf("replica behind after %s", time.Since(wrote).Round(time.Millisecond))
	waitFor("the cached detail to be dropped", func() bool { return a.get("/v1/opportunities/"+id).status == http.StatusNotFound })
	if listed("99") || listed("98") || listed("100", bearer(investor.access)...) {
		t.Error("with the standby behind, reads still miss the change")
	}

	// Resumed, it catches up and serves again.
	if err := standby.ResumeReplay(ctx); err != nil {
		t.Fatal(err)
	}
	resumed := time.Now()
	waitFor("the standby to serve again", func() bool {
		st := readiness()
		return st["state"] == "streaming" && st["reads_from"] == "replica"
	})
	t.Logf("reads back on the standby %s after replay resumed", time.Since(resumed).Round(time.Millisecond))
	if listed("97") || listed("100", bearer(investor.access)...) {
		t.Error("the caught-up standby still lists the archived opportunity")
	}

	// A change while the standby replays: the cache hears of it once the standby has it.
	ids = a.publicIDs(list)
	second := ids[len(ids)-1]
	expect(t, a.get("/v1/opportunities/"+second), http.StatusOK)
	expect(t, a.send(http.MethodPost, "/v1/opportunities/"+second+"/archive", nil, bearer(admin.access)...), http.StatusOK)
	changed := time.Now()
	waitFor("the second change to reach the cache", func() bool { return a.get("/v1/opportunities/"+second).status == http.StatusNotFound })
	t.Logf("a change reached the cache, through the standby, %s after its write", time.Since(changed).Round(time.Millisecond))
	if slices.Contains(a.publicIDs(list), second) {
		t.Error("a list after the change notice still shows the archived opportunity")
	}
	// The notice waited for the standby, which serves on.
	if st := readiness(); st["state"] != "streaming" || st["reads_from"] != "replica" {
		t.Errorf("replica %v after a change it replayed, want streaming and read from", st)
	}

	// Stopped, the standby serves nothing: reads continue from the primary, and /readyz says so.
	if err := standby.Stop(); err != nil {
		t.Fatal(err)
	}
	waitFor("the stopped standby to be seen down", func() bool { return readiness()["state"] == "down" })
	if st := readiness(); st["reads_from"] != "primary" {
		t.Errorf("replica %v, want reads from the primary", st)
	}
	if got := a.publicIDs(list); len(got) == 0 || slices.Contains(got, id) {
		t.Errorf("reads from the primary with the standby down: %v", got)
	}
	expect(t, a.get("/v1/opportunities/"+ids[0]), http.StatusOK)
	onReplica, onPrimary := router.Queries()
	if onReplica == 0 || onPrimary == 0 {
		t.Errorf("catalogue queries: %d on the replica, %d on the primary; want some on each", onReplica, onPrimary)
	}
	t.Logf("catalogue queries: %d on the replica, %d on the primary", onReplica, onPrimary)
	m := a.get("/metrics")
	expect(t, m, http.StatusOK)
	for _, name := range []string{"catalogue_replica_lag_seconds 0", "catalogue_replica_serving 0", "catalogue_replica_queries_total "} {
		if !strings.Contains(string(m.body), "\n"+name) {
			t.Errorf("/metrics has no %q", name)
		}
	}
	t.Logf("whole test: %s", time.Since(started).Round(time.Millisecond))
}
