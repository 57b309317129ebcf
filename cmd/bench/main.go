// Command bench measures the API on a synthetic catalogue: it loads the data set into the
// database of DATABASE_URL (`make bench` runs it under bin/pgrun with a cluster of its own),
// starts the real server binary twice (cache off, cache on), drives each route of the mix with
// wrk at 16 and 64 connections, runs the same SQL through pgbench as the database's own limit,
// prints one BENCH line per measurement and writes the section of BENCHMARKS.md of its size.
//
//	BENCH_SIZE=100000 BENCH_SECONDS=6 BENCH_PROFILE=list bench
//
// BENCH_PROFILE names a route whose 64-connection run is profiled (Go CPU profile of the
// server through PPROF_ADDR), written to .data/bench-<route>.prof for `go tool pprof`.
// BENCH_ONLY=search,facets runs only the named routes (and their -sql lines) and leaves
// BENCHMARKS.md untouched.
package main

import (
	"bufio"
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/pgcluster"
	"github.com/diaspora-investor/marketplace/repository"
)

// request is one line of a route's mix: what wrk sends.
type request struct {
	method, path string
	header       map[string]string
	body         string
}

// route is one measured part of the mix. To add a route, add a line to routes with a function
// making its requests.
type route struct {
	name   string
	cached bool                       // against the instance with the cache on
	make   func(d *dataset) []request // deterministic: the same data set gives the same requests
	sql    string                     // the name of its pgbench script, if the database's own figure is measured
	// floor: pgbench also runs the simplest page query on the same data (list-floor): one
	// table, one composite index, 20 rows for a country, a sector and a language.
	floor bool
}

var routes = []route{
	{name: "list", make: (*dataset).lists, sql: "list", floor: true},
	{name: "list-cached", cached: true, make: (*dataset).lists},
	{name: "list-304", cached: true, make: (*dataset).conditionalLists},
	{name: "detail", make: (*dataset).details, sql: "detail"},
	{name: "detail-cached", cached: true, make: (*dataset).details},
	{name: "search", make: (*dataset).searches, sql: "search"},
	{name: "search-cached", cached: true, make: (*dataset).searches},
	{name: "facets", make: (*dataset).facets, sql: "facets"},
	{name: "mix-cached", cached: true, make: (*dataset).mix},
	{name: "eligibility", make: (*dataset).eligibility, sql: "eligibility"},
}

type dataset struct {
	size      int
	countries []string
	words     map[string][]string
	etags     map[string]string // path → ETag, for conditional requests
	rnd       *rand.Rand
}

var (
	langs   = []string{"pt", "en", "fr"}
	accepts = map[string]string{"pt": "pt-PT,pt;q=0.9,en;q=0.5", "en": "en-US,en;q=0.9", "fr": "fr-FR,fr;q=0.8,en;q=0.5"}
)

// lang puts the language in the query half the time and in Accept-Language otherwise.
func (d *dataset) lang(path string, r *request) {
	l := langs[d.rnd.IntN(3)]
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	if d.rnd.IntN(2) == 0 {
		r.path = path + sep + "lang=" + l
	} else {
		r.path = path
		r.header = map[string]string{"Accept-Language": accepts[l]}
	}
}

func (d *dataset) lists() []request {
	out := make([]request, 2000)
	for i := range out {
		out[i].method = "GET"
		d.lang("/v1/countries/"+d.countries[d.rnd.IntN(30)]+"/opportunities?sector="+domain.Sectors.Codes[d.rnd.IntN(13)], &out[i])
	}
	return out
}

func (d *dataset) conditionalLists() []request {
	out := d.lists()[:300]
	for i := range out {
		if out[i].header == nil {
			out[i].header = map[string]string{}
		}
		out[i].header["If-None-Match"] = d.etags[out[i].key()]
	}
	return out
}

func (r request) key() string { return r.path + "\x00" + r.header["Accept-Language"] }

func (d *dataset) details() []request {
	out := make([]request, 2000)
	for i := range out {
		g := 1 + d.rnd.IntN(d.size)
		if g%20 == 0 {
			g++ // drafts are 404s
		}
		out[i].method = "GET"
		d.lang(fmt.Sprintf("/v1/opportunities/00000000-0000-4000-8000-%012x", g), &out[i])
	}
	return out
}

func (d *dataset) searches() []request {
	out := make([]request, 500)
	for i := range out {
		l := langs[d.rnd.IntN(3)]
		w := d.words[l][d.rnd.IntN(13)]
		out[i] = request{method: "GET", path: "/v1/opportunities?q=" + urlEscape(w) + "&lang=" + l}
	}
	return out
}

func (d *dataset) facets() []request {
	out := make([]request, 300)
	for i := range out {
		out[i].method = "GET"
		d.lang("/v1/countries/"+d.countries[d.rnd.IntN(30)]+"/opportunities?facets=sector,region,type", &out[i])
	}
	return out
}

// eligibility is POST /v1/eligibility for realistic situations in a random country of the data
// set: an investor living abroad with a type, a sector, a region, an amount in euros or dollars
// and a number of jobs, each fact left out now and then (the conditions that need it are then
// undetermined), in mixed languages.
func (d *dataset) eligibility() []request {
	residences := []string{"FR", "PT", "US", "NL", "LU", "GB", "CH", "BR"}
	amounts := []string{"25000.00", "150000.00", "750000.00", "3000000.00"}
	out := make([]request, 1000)
	for i := range out {
		sit := map[string]any{"country": d.countries[d.rnd.IntN(len(d.countries))],
			"residence_country": residences[d.rnd.IntN(len(residences))],
			"sector":            domain.Sectors.Codes[d.rnd.IntN(len(domain.Sectors.Codes))]}
		if d.rnd.IntN(6) > 0 {
			sit["investor_type"] = domain.InvestorTypes.Codes[d.rnd.IntN(len(domain.InvestorTypes.Codes))]
		}
		if d.rnd.IntN(3) > 0 {
			sit["region"] = fmt.Sprintf("r%d", 1+d.rnd.IntN(5))
		}
		if d.rnd.IntN(5) > 0 {
			sit["amount"] = map[string]string{"amount": amounts[d.rnd.IntN(len(amounts))], "currency": []string{"EUR", "EUR", "EUR", "USD"}[d.rnd.IntN(4)]}
		}
		if d.rnd.IntN(3) > 0 {
			sit["jobs"] = d.rnd.IntN(30)
		}
		body, _ := json.Marshal(sit) // maps marshal in key order: deterministic
		out[i] = request{method: "POST", body: string(body)}
		d.lang("/v1/eligibility", &out[i])
	}
	return out
}

// mix is the realistic blend: lists most, then details, searches and facets, a third of them
// revalidations with If-None-Match.
func (d *dataset) mix() []request {
	var out []request
	out = append(out, d.lists()[:1000]...)
	out = append(out, d.details()[:600]...)
	out = append(out, d.searches()[:200]...)
	out = append(out, d.facets()[:200]...)
	out = append(out, d.conditionalLists()...)
	d.rnd.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// warm sends every request of a mix once.
func warm(srv *apiProcess, reqs []request) {
	work := make(chan request)
	done := make(chan struct{})
	for range 8 {
		go func() {
			client := &http.Client{Timeout: 30 * time.Second}
			for r := range work {
				req, _ := http.NewRequest(r.method, srv.base+r.path, strings.NewReader(r.body))
				for k, v := range r.header {
					req.Header.Set(k, v)
				}
				if resp, err := client.Do(req); err == nil {
					resp.Body.Close()
				}
			}
			done <- struct{}{}
		}()
	}
	for _, r := range reqs {
		work <- r
	}
	close(work)
	for range 8 {
		<-done
	}
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && c != '%' && c != '&' && c != ' ' && c != '+' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

type result struct {
	name                 string
	conns                int
	rps, p50, p99, rssMB float64
	errors               int // answers ≥ 400 and socket errors
}

func (r result) line() string {
	return fmt.Sprintf("BENCH name=%s conns=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f rss_mb=%.1f", r.name, r.conns, r.rps, r.p50, r.p99, r.rssMB)
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	size, _ := strconv.Atoi(envOr("BENCH_SIZE", "100000"))
	seconds, _ := strconv.Atoi(envOr("BENCH_SECONDS", "6"))
	dbURL := os.Getenv("DATABASE_URL")
	if dbURL == "" || size < 1000 || seconds < 1 {
		return fmt.Errorf("need DATABASE_URL (run through `make bench`), BENCH_SIZE ≥ 1000 and BENCH_SECONDS ≥ 1")
	}
	if err := ensureWrk(); err != nil {
		return err
	}
	pgbench, err := findPgbench()
	if err != nil {
		return err
	}
	profile := os.Getenv("BENCH_PROFILE")
	loadBefore := loadAverage()
	ctx := context.Background()
	db, err := repository.Open(ctx, dbURL, repository.PoolOptions{MaxOpen: 2})
	if err != nil {
		return err
	}
	defer db.Close()
	loadStart := time.Now()
	loaded, err := load(ctx, db, size)
	if err != nil {
		return err
	}
	if loaded {
		loadTime = time.Since(loadStart)
	}
	if err := buildFloor(ctx, db); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	plain, err := startAPI(dbURL, "CACHE_MAX_MB=0")
	if err != nil {
		return err
	}
	defer plain.stop()
	cached, err := startAPI(dbURL)
	if err != nil {
		return err
	}
	defer cached.stop()

	d := &dataset{size: size, etags: map[string]string{}, rnd: rand.New(rand.NewPCG(7, 42)),
		words: map[string][]string{}}
	if err := db.Select(&d.countries, `SELECT code FROM countries WHERE code ~ '^(X|Q)' ORDER BY code`); err != nil {
		return err
	}
	d.words = vocabulary
	// The ETags of the conditional requests, from the server itself.
	d.rnd = rand.New(rand.NewPCG(7, 42))
	for _, r := range d.lists()[:300] {
		req, _ := http.NewRequest(r.method, cached.base+r.path, nil)
		for k, v := range r.header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		d.etags[r.key()] = resp.Header.Get("ETag")
	}

	only := onlyRoutes(os.Getenv("BENCH_ONLY"))
	var results []result
	for _, rt := range routes {
		if only != nil && !only[rt.name] {
			continue
		}
		d.rnd = rand.New(rand.NewPCG(7, 42))
		reqs := rt.make(d)
		file := filepath.Join(work, rt.name+".txt")
		if err := writeRequests(file, reqs); err != nil {
			return err
		}
		srv := plain
		if rt.cached {
			srv = cached
			warm(srv, reqs) // measure the hot cache, not its filling
		}
		for _, conns := range []int{16, 64} {
			var prof chan error
			if profile == rt.name && conns == 64 {
				prof = make(chan error, 1)
				go func() { prof <- srv.cpuProfile(filepath.Join(".data", "bench-"+rt.name+".prof"), seconds) }()
			}
			r, err := runWrk(work, srv, file, conns, seconds)
			if prof != nil {
				if perr := <-prof; perr != nil {
					fmt.Fprintln(os.Stderr, "bench: profile:", perr)
				} else {
					fmt.Fprintf(os.Stderr, "bench: CPU profile of %s at 64 connections in .data/bench-%s.prof (go tool pprof -top bin/marketplace .data/bench-%s.prof)\n", rt.name, rt.name, rt.name)
				}
			}
			if err != nil {
				return fmt.Errorf("%s: %w", rt.name, err)
			}
			r.name = rt.name
			fmt.Println(r.line())
			if r.errors > 0 {
				fmt.Printf("  (%d non-2xx/3xx answers or socket errors)\n", r.errors)
			}
			results = append(results, r)
		}
		scripts := map[string]string{}
		if rt.sql != "" {
			scripts[rt.name+"-sql"] = rt.sql
		}
		if rt.floor {
			scripts[rt.name+"-floor"] = "list-floor"
		}
		for _, name := range []string{rt.name + "-sql", rt.name + "-floor"} {
			script, ok := scripts[name]
			if !ok {
				continue
			}
			for _, conns := range []int{16, 64} {
				r, err := runPgbench(pgbench, work, dbURL, d, script, conns, seconds)
				if err != nil {
					return fmt.Errorf("pgbench %s: %w", script, err)
				}
				r.name = name
				fmt.Println(r.line())
				results = append(results, r)
			}
		}
	}
	peak := max(plain.peakRSS(), cached.peakRSS())
	fmt.Printf("BENCH name=peak conns=0 rps=0 p50_ms=0 p99_ms=0 rss_mb=%.1f\n", peak)
	if only != nil {
		// A partial run is for working on a few routes; BENCHMARKS.md holds whole runs only.
		fmt.Fprintln(os.Stderr, "bench: BENCH_ONLY is set: BENCHMARKS.md left as it was")
		return nil
	}
	return writeReport(pgbench, size, seconds, results, peak, loadBefore, loadAverage())
}

// onlyRoutes reads BENCH_ONLY, a comma-separated list of route names (list,search,…): nil
// when unset, so that every route runs.
func onlyRoutes(list string) map[string]bool {
	if strings.TrimSpace(list) == "" {
		return nil
	}
	only := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		only[strings.TrimSpace(name)] = true
	}
	return only
}

// loadAverage is the machine's 1-minute load average as /proc/loadavg gives it: the API, the
// database and the load generator share the cores with whatever else runs.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}

// findPgbench finds pgbench on PATH, or beside the PostgreSQL server binaries.
func findPgbench() (string, error) {
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	if dir, err := pgcluster.FindBinaries(); err == nil {
		if p := filepath.Join(dir, "pgbench"); fileExists(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("pgbench not found on PATH nor beside initdb (Debian: package postgresql-15 or postgresql-contrib)")
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

var vocabulary = map[string][]string{
	"en": {"hotel", "fishing", "solar", "farm", "software", "studio", "housing", "port", "clinic", "school", "factory", "market", "bank"},
	"pt": {"hotel", "pesca", "solar", "quinta", "software", "estúdio", "habitação", "porto", "clínica", "escola", "fábrica", "mercado", "banco"},
	"fr": {"hôtel", "pêche", "solaire", "ferme", "logiciel", "studio", "logement", "port", "clinique", "école", "usine", "marché", "banque"},
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// ensureWrk finds wrk, or installs Debian's package when it can.
func ensureWrk() error {
	if _, err := exec.LookPath("wrk"); err == nil {
		return nil
	}
	if _, err := exec.LookPath("apt-get"); err != nil || os.Geteuid() != 0 {
		return fmt.Errorf("wrk is not installed: install it (Debian: `apt-get install wrk`)")
	}
	fmt.Fprintln(os.Stderr, "bench: installing wrk with apt-get")
	cmd := exec.Command("apt-get", "install", "-y", "wrk")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("apt-get install wrk: %w", err)
	}
	return nil
}

type apiProcess struct {
	cmd   *exec.Cmd
	base  string
	pprof string       // the server's profiling endpoint (PPROF_ADDR)
	peak  atomic.Int64 // kB, sampled
	done  chan struct{}
}

func startAPI(dbURL string, env ...string) (*apiProcess, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	bin := envOr("API_BINARY", "bin/marketplace")
	cmd := exec.Command(bin, "serve")
	pl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	pprofAddr := pl.Addr().String()
	pl.Close()
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "PORT="+port, "SEED_ON_START=false", "LOG_LEVEL=warn", "PPROF_ADDR="+pprofAddr,
		"ANONYMOUS_QUOTA=0") // the load comes from one address: measure the server, not the quota
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &apiProcess{cmd: cmd, base: "http://127.0.0.1:" + port, pprof: "http://" + pprofAddr, done: make(chan struct{})}
	go p.sample()
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(p.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		if time.Since(start) > 60*time.Second {
			p.stop()
			return nil, fmt.Errorf("the API did not get ready")
		}
	}
}

// cpuProfile records the server's CPU profile for most of a measurement into file.
func (p *apiProcess) cpuProfile(file string, seconds int) error {
	secs := max(1, seconds-1)
	client := &http.Client{Timeout: time.Duration(secs+30) * time.Second}
	resp, err := client.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", p.pprof, secs))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: %s", resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := f.ReadFrom(resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (p *apiProcess) stop() {
	close(p.done)
	_ = p.cmd.Process.Signal(os.Interrupt)
	_ = p.cmd.Wait()
}

// rss reads the process's resident set and its peak (kB).
func (p *apiProcess) rss() (now, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 {
			switch f[0] {
			case "VmRSS:":
				now, _ = strconv.ParseInt(f[1], 10, 64)
			case "VmHWM:":
				peak, _ = strconv.ParseInt(f[1], 10, 64)
			}
		}
	}
	return now, peak
}

func (p *apiProcess) sample() {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			now, _ := p.rss()
			for {
				old := p.peak.Load()
				if now <= old || p.peak.CompareAndSwap(old, now) {
					break
				}
			}
		}
	}
}

func (p *apiProcess) peakRSS() float64 {
	_, peak := p.rss()
	return float64(peak) / 1024
}

// writeRequests writes one request per line for the Lua script: method, path, headers, body,
// separated by tabs (headers as name: value, separated by |).
func writeRequests(file string, reqs []request) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, r := range reqs {
		var hs []string
		for k, v := range r.header {
			hs = append(hs, k+": "+v)
		}
		sort.Strings(hs)
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.method, r.path, strings.Join(hs, "|"), r.body)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

const wrkScript = `
local requests = {}
local file = os.getenv("BENCH_REQUESTS")
for line in io.lines(file) do
  local method, path, headers, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
  local h = {}
  for pair in string.gmatch(headers, "[^|]+") do
    local k, v = pair:match("^([^:]+): (.*)$")
    h[k] = v
  end
  if body == "" then body = nil else h["Content-Type"] = "application/json" end
  requests[#requests + 1] = wrk.format(method, path, h, body)
end
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
end
local i = 0
function request()
  i = i + 1
  return requests[((offset or 0) + i) % #requests + 1]
end
function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %d %d %d %d\n", summary.requests, summary.duration, latency:percentile(50), latency:percentile(99)))
  io.write(string.format("ERRORS %d\n", errors))
end
`

func runWrk(work string, srv *apiProcess, file string, conns, seconds int) (result, error) {
	script := filepath.Join(work, "mix.lua")
	if err := os.WriteFile(script, []byte(wrkScript), 0o644); err != nil {
		return result{}, err
	}
	srv.peak.Store(0)
	threads := min(conns, runtime.NumCPU())
	cmd := exec.Command("wrk", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns), "-d", strconv.Itoa(seconds)+"s",
		"--timeout", "10s", "-s", script, srv.base)
	cmd.Env = append(os.Environ(), "BENCH_REQUESTS="+file)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %w\n%s", err, out)
	}
	r := result{conns: conns, rssMB: float64(srv.peak.Load()) / 1024}
	for _, line := range strings.Split(string(out), "\n") {
		var n, dur, p50, p99 int64
		if _, err := fmt.Sscanf(line, "RESULT %d %d %d %d", &n, &dur, &p50, &p99); err == nil {
			r.rps = float64(n) / (float64(dur) / 1e6)
			r.p50, r.p99 = float64(p50)/1000, float64(p99)/1000
		}
		fmt.Sscanf(line, "ERRORS %d", &r.errors)
	}
	if r.rps == 0 {
		return r, fmt.Errorf("no result from wrk:\n%s", out)
	}
	return r, nil
}

// pgbenchScript is the API's own statement for a route, with its parameters drawn as the
// route draws them (random country and sector; random word), prepared (-M prepared).
func pgbenchScript(d *dataset, name string) string {
	countries := "ARRAY['" + strings.Join(d.countries, "','") + "']"
	sectors := "ARRAY['" + strings.Join(domain.Sectors.Codes, "','") + "']"
	if name == "list-floor" {
		return "\\set c random(1, 30)\n\\set s random(1, 13)\n" +
			"SELECT id, slug, title, summary, published_at FROM bench_floor WHERE country_code = ((" + countries +
			")[:c])::char(2) AND sector_code = (" + sectors + ")[:s] AND lang = 'en' ORDER BY published_at DESC, id DESC LIMIT 20;\n"
	}
	switch name {
	case "detail":
		// The item's statement (its linked incentives and programmes are two more), for a
		// random opportunity in English; one in twenty is a draft, not found, as in the route.
		sqlText, args := repository.DetailSQL(domain.KindOpportunity, []string{"en"}, "00000000-0000-4000-8000-000000000001")
		return "\\set g random(1, " + strconv.Itoa(d.size) + ")\n" +
			pgbenchStatement(sqlText, args, func(a any) (string, bool) {
				if a == "00000000-0000-4000-8000-000000000001" {
					return "('00000000-0000-4000-8000-' || lpad(to_hex((:g)::int), 12, '0'))", true
				}
				return "", false
			})
	case "eligibility":
		// The country's precomputed conditions and the rates (the fitting opportunities are
		// one list statement more, measured by list-sql), the documents sent each time as to an
		// instance that has decoded none yet (version 0).
		return "\\set c random(1, " + strconv.Itoa(len(d.countries)) + ")\n" +
			pgbenchStatement(repository.EligibilitySQL(), []any{"XA", 0}, func(a any) (string, bool) {
				return "((" + countries + ")[:c])", a == "XA"
			})
	}
	f := domain.ListFilter{Limit: domain.DefaultLimit, Langs: []string{"en"}, SearchLangs: []string{"en", "fr", "pt", "simple"}, Currency: "EUR"}
	var sets string
	switch name {
	case "list":
		f.Country, f.Sectors = "XA", []string{"tourism"}
		sets = "\\set c random(1, 30)\n\\set s random(1, 13)\n"
	case "search":
		f.Query = "solar"
		sets = "\\set w random(1, 13)\n"
	case "facets":
		f.Country, f.Facets = "XA", []string{"sector", "region", "type"}
		sets = "\\set c random(1, 30)\n"
	}
	sqlText, args := repository.ListSQL(domain.KindOpportunity, f)
	if name == "facets" {
		sqlText, args, _ = repository.FacetsSQL(domain.KindOpportunity, f)
	}
	return sets + pgbenchStatement(sqlText, args, func(a any) (string, bool) {
		switch {
		case (name == "list" || name == "facets") && a == "XA":
			return "((" + countries + ")[:c])::char(2)", true // typed as the API's parameter is
		case name == "list" && fmt.Sprint(a) == `{"tourism"}`:
			return "ARRAY[(" + sectors + ")[:s]]", true
		case name == "list" && a == "tourism":
			return "(" + sectors + ")[:s]", true
		case name == "search" && a == "solar":
			return "(ARRAY['" + strings.Join(d.words["en"], "','") + "'])[:w]", true
		}
		return "", false
	})
}

// pgbenchStatement writes a statement with its arguments as literals, or as the expression
// param gives for an argument drawn at random.
func pgbenchStatement(sqlText string, args []any, param func(any) (string, bool)) string {
	var replace []string
	for i, a := range args {
		if v, ok := a.(driver.Valuer); ok {
			a, _ = v.Value()
		}
		lit, ok := param(a)
		if !ok {
			lit = sqlLiteral(a)
		}
		replace = append(replace, fmt.Sprintf("$%d", i+1), lit)
	}
	// Highest numbers first, so that $1 does not eat $10.
	for i := len(replace) - 2; i >= 0; i -= 2 {
		sqlText = strings.ReplaceAll(sqlText, replace[i], replace[i+1])
	}
	return strings.Join(strings.Fields(sqlText), " ") + ";\n"
}

func sqlLiteral(a any) string {
	switch v := a.(type) {
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		return pq.QuoteLiteral(v)
	}
	return pq.QuoteLiteral(fmt.Sprint(a))
}

func runPgbench(pgbench, work, dbURL string, d *dataset, name string, conns, seconds int) (result, error) {
	script := filepath.Join(work, name+".sql")
	if err := os.WriteFile(script, []byte(pgbenchScript(d, name)), 0o644); err != nil {
		return result{}, err
	}
	logDir := filepath.Join(work, fmt.Sprintf("pgbench-%s-%d", name, conns))
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return result{}, err
	}
	threads := min(conns, runtime.NumCPU())
	cmd := exec.Command(pgbench, "-n", "-M", "prepared", "-c", strconv.Itoa(conns), "-j", strconv.Itoa(threads),
		"-T", strconv.Itoa(seconds), "-f", script, "-l", "--log-prefix", filepath.Join(logDir, "log"), dbURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("%w\n%s", err, out)
	}
	r := result{conns: conns}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "tps = "); ok {
			r.rps, _ = strconv.ParseFloat(strings.Fields(v)[0], 64)
		}
	}
	// Per-transaction latencies (µs, third column) from the logs.
	var lat []float64
	logs, _ := filepath.Glob(filepath.Join(logDir, "log*"))
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) > 2 {
				v, _ := strconv.ParseFloat(f[2], 64)
				lat = append(lat, v/1000)
			}
		}
	}
	sort.Float64s(lat)
	if len(lat) > 0 {
		r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return r, nil
}

// target is one of the goals for a measurement at 64 connections.
type target struct {
	name, what string
	minRPS     float64
	maxP99     float64 // ms
}

var targets = []target{
	{"list", "list by country and sector, uncached: ≥ 6,000 req/s, p99 ≤ 25 ms", 6000, 25},
	{"list-cached", "the same with the cache: ≥ 23,000 req/s, p99 ≤ 5 ms", 23000, 5},
	{"search", "search, uncached: ≥ 1,000 req/s, p99 ≤ 50 ms", 1000, 50},
	{"search-cached", "search with the cache: ≥ 1,000 req/s, p99 ≤ 50 ms", 1000, 50},
	{"facets", "facets, uncached: ≥ 1,000 req/s (issue 16)", 1000, 1e9},
	{"eligibility", "eligibility: ≥ 1,000 req/s (issue 16)", 1000, 1e9},
}

// verdict says whether r meets t, and by how much it misses.
func verdict(t target, r result) string {
	var miss []string
	if r.rps < t.minRPS {
		miss = append(miss, fmt.Sprintf("rate %.0f is %.1f× short", r.rps, t.minRPS/max(r.rps, 1)))
	}
	if r.p99 > t.maxP99 {
		miss = append(miss, fmt.Sprintf("p99 %.1f ms is %.1f× over", r.p99, r.p99/t.maxP99))
	}
	if len(miss) == 0 {
		return fmt.Sprintf("met (%.0f req/s, p99 %.1f ms)", r.rps, r.p99)
	}
	return "missed: " + strings.Join(miss, ", ")
}

func writeReport(pgbench string, size, seconds int, results []result, peak float64, loadBefore, loadAfter string) error {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	pgVersion, _ := exec.Command(pgbench, "--version").Output()
	var b strings.Builder
	fmt.Fprintf(&b, "Written by `make bench` (cmd/bench) on %s, `BENCH_SIZE=%d`, `BENCH_SECONDS=%d`.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), size, seconds)
	fmt.Fprintf(&b, "- Machine: %d cores (%s), %s, %s; load generator, API and PostgreSQL share the cores.\n",
		runtime.NumCPU(), cpu, runtime.Version(), strings.TrimSpace(string(pgVersion)))
	fmt.Fprintf(&b, "- Load average (1 min) before the run %s (other work on the shared machine), after it %s (the run's own processes included).\n", loadBefore, loadAfter)
	fmt.Fprintf(&b, "- Data set: %d opportunities × pt/en/fr in 30 countries, 900 incentives, 300 programmes with eligibility criteria (synthetic, deterministic).\n", size)
	if loadTime > 0 {
		fmt.Fprintf(&b, "- The data set and its read model were loaded in %s by this run.\n", loadTime.Round(time.Second))
	}
	fmt.Fprintf(&b, "- wrk, %d s per measurement; `-sql` rows are the same statement through pgbench (prepared), the database's own limit (no API process: RSS 0).\n", seconds)
	fmt.Fprintf(&b, "- Routes without `-cached` run against an instance with the cache off (`CACHE_MAX_MB=0`); `list-304` sends If-None-Match.\n")
	fmt.Fprintf(&b, "- errors: answers ≥ 400 and socket errors, wrk's count (every request of the mix expects 200 or 304).\n\n")
	fmt.Fprintf(&b, "| route | connections | requests/s | p50 ms | p99 ms | peak RSS MB | errors |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %d | %.0f | %.2f | %.2f | %.1f | %d |\n", r.name, r.conns, r.rps, r.p50, r.p99, r.rssMB, r.errors)
	}
	fmt.Fprintf(&b, "\nPeak RSS of the API over the run (VmHWM): %.1f MB (target ≤ 80 MB: %s).\n\n", peak,
		map[bool]string{true: "met", false: "missed"}[peak <= 80])
	fmt.Fprintf(&b, "### Targets of issue 7, at 64 connections\n\nWhy a target is missed, and what would close the gap: README, section Performance.\n\n")
	for _, t := range targets {
		for _, r := range results {
			if r.name == t.name && r.conns == 64 {
				fmt.Fprintf(&b, "- %s — %s\n", t.what, verdict(t, r))
			}
		}
	}
	b.WriteString("\n```\n")
	for _, r := range results {
		fmt.Fprintln(&b, r.line())
	}
	b.WriteString("```\n")
	old, err := os.ReadFile(reportFile)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.WriteFile(reportFile, []byte(mergeReport(string(old), size, b.String())), 0o644)
}
