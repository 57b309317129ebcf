package main

import (
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The pgbench scripts are the API's own statements with every parameter replaced: no $n is
// left, and the drawn values come from pgbench variables.
func TestPgbenchScript(t *testing.T) {
	d := &dataset{countries: []string{"XA", "XB", "XC"}, words: vocabulary}
	for name, vars := range map[string][]string{"list": {":c", ":s"}, "search": {":w"}} {
		script := pgbenchScript(d, name)
		if m := regexp.MustCompile(`\$\d+`).FindString(script); m != "" {
			t.Errorf("%s: parameter %s left in\n%s", name, m, script)
		}
		for _, v := range vars {
			if !strings.Contains(script, v) {
				t.Errorf("%s: variable %s unused\n%s", name, v, script)
			}
		}
		if !strings.HasSuffix(script, ";\n") || strings.Count(script, "\n") != len(vars)+1 {
			t.Errorf("%s: want %d \\set lines and one statement on one line\n%s", name, len(vars), script)
		}
	}
}

func TestVerdict(t *testing.T) {
	tg := target{minRPS: 1000, maxP99: 50}
	for _, c := range []struct {
		r    result
		want string
	}{
		{result{rps: 1500, p99: 10}, "met (1500 req/s, p99 10.0 ms)"},
		{result{rps: 500, p99: 10}, "missed: rate 500 is 2.0× short"},
		{result{rps: 2000, p99: 100}, "missed: p99 100.0 ms is 2.0× over"},
		{result{rps: 0, p99: 100}, "missed: rate 0 is 1000.0× short, p99 100.0 ms is 2.0× over"},
	} {
		if got := verdict(tg, c.r); got != c.want {
			t.Errorf("%+v: got %q, want %q", c.r, got, c.want)
		}
	}
}

// The eligibility requests are the same for the same seed, JSON situations of the data set's
// countries and regions, each on one line of the request file.
func TestEligibilityRequests(t *testing.T) {
	gen := func() []request {
		d := &dataset{countries: []string{"XA", "XB", "XC"}, rnd: rand.New(rand.NewPCG(7, 42))}
		return d.eligibility()
	}
	a, b := gen(), gen()
	if !slices.EqualFunc(a, b, func(x, y request) bool { return x.key() == y.key() && x.body == y.body }) {
		t.Fatal("two runs with the same seed differ")
	}
	facts := map[string]int{}
	for _, r := range a {
		var sit map[string]any
		if err := json.Unmarshal([]byte(r.body), &sit); err != nil || r.method != "POST" || !strings.HasPrefix(r.path, "/v1/eligibility") {
			t.Fatalf("%s %s %s: %v", r.method, r.path, r.body, err)
		}
		if !slices.Contains([]string{"XA", "XB", "XC"}, sit["country"].(string)) || strings.ContainsAny(r.body, "\t\n") {
			t.Fatalf("body %s", r.body)
		}
		if region, ok := sit["region"].(string); ok && !regexp.MustCompile(`^r[1-5]$`).MatchString(region) {
			t.Fatalf("region %q", region)
		}
		for k := range sit {
			facts[k]++
		}
	}
	// Every fact but the country is sometimes left out, and usually sent.
	for _, k := range []string{"investor_type", "region", "amount", "jobs"} {
		if facts[k] == len(a) || facts[k] < len(a)/2 {
			t.Errorf("%s in %d of %d situations", k, facts[k], len(a))
		}
	}
}
