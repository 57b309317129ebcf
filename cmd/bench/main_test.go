package main

import (
	"regexp"
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
