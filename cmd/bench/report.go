package main

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// reportFile holds one section per data-set size (BENCH_SIZE): a whole run at a size replaces
// that size's section only, so that the 100,000 and the 1,000,000 runs stand side by side.
const reportFile = "BENCHMARKS.md"

// loadTime is how long this run took to load its data set (0: it was already loaded).
var loadTime time.Duration

var (
	sectionStart = regexp.MustCompile(`(?m)^<!-- bench size=(\d+) -->\n`)
	sectionEnd   = "<!-- /bench -->\n"
	oldSize      = regexp.MustCompile("`BENCH_SIZE=(\\d+)`")
	benchLine    = regexp.MustCompile(`(?m)^BENCH name=(\S+) conns=(\d+) rps=([\d.]+) p50_ms=[\d.]+ p99_ms=([\d.]+)`)
)

// mergeReport returns the report old with the section of size replaced by (or given) body, the
// sections in size order, and the comparison of the sizes when there are two or more. A report
// of the older form (one run, no sections) becomes the section of the size it names.
func mergeReport(old string, size int, body string) string {
	sections := map[int]string{}
	if starts := sectionStart.FindAllStringSubmatchIndex(old, -1); len(starts) > 0 {
		for _, m := range starts {
			n, _ := strconv.Atoi(old[m[2]:m[3]])
			rest := old[m[1]:]
			if end := strings.Index(rest, sectionEnd); end >= 0 {
				sections[n] = stripHeading(rest[:end])
			}
		}
	} else if m := oldSize.FindStringSubmatch(old); m != nil {
		n, _ := strconv.Atoi(m[1])
		text := strings.TrimPrefix(old, "# Benchmarks\n\n")
		sections[n] = strings.ReplaceAll(text, "\n## Targets", "\n### Targets")
	}
	sections[size] = body
	var sizes []int
	for n := range sections {
		sizes = append(sizes, n)
	}
	sort.Ints(sizes)

	var b strings.Builder
	b.WriteString("# Benchmarks\n\nWritten by `make bench`: one section per data-set size (`BENCH_SIZE`), each replaced only by a whole run at its size.\n")
	b.WriteString("Runs meant to be compared are made on a quiet machine; each section gives the load average around its run.\n\n")
	if len(sizes) > 1 {
		b.WriteString(scaleComparison(sections, sizes))
	}
	for _, n := range sizes {
		fmt.Fprintf(&b, "<!-- bench size=%d -->\n## %s opportunities\n\n%s%s\n", n, thousands(n), strings.TrimRight(sections[n], "\n")+"\n", sectionEnd)
	}
	return b.String()
}

// stripHeading removes a section's own "## n opportunities" line, written again by mergeReport.
func stripHeading(s string) string {
	if strings.HasPrefix(s, "## ") {
		if i := strings.Index(s, "\n"); i >= 0 {
			return strings.TrimLeft(s[i+1:], "\n")
		}
	}
	return s
}

// scaledRoutes are the routes issue 16 asks to stay within 1.5× of their 100,000 figures.
var scaledRoutes = []string{"list", "search", "facets", "eligibility"}

// scaleComparison compares, per route and connection count, the requests per second of the
// largest size with those of the smallest.
func scaleComparison(sections map[int]string, sizes []int) string {
	small, large := sizes[0], sizes[len(sizes)-1]
	type figure struct{ rps, p99 float64 }
	read := func(text string) map[string]figure {
		out := map[string]figure{}
		for _, m := range benchLine.FindAllStringSubmatch(text, -1) {
			rps, _ := strconv.ParseFloat(m[3], 64)
			p99, _ := strconv.ParseFloat(m[4], 64)
			out[m[1]+"/"+m[2]] = figure{rps, p99}
		}
		return out
	}
	a, z := read(sections[small]), read(sections[large])
	var b strings.Builder
	fmt.Fprintf(&b, "## %s against %s opportunities\n\nIssue 16: list, search, facets and eligibility within 1.5× of their figures at the smaller size (slowdown: requests/s at %s over requests/s at %s).\n\n",
		thousands(large), thousands(small), thousands(small), thousands(large))
	fmt.Fprintf(&b, "| route | connections | req/s at %s | req/s at %s | slowdown | p99 ms at %s | p99 ms at %s | within 1.5× |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n",
		thousands(small), thousands(large), thousands(small), thousands(large))
	for _, route := range scaledRoutes {
		for _, conns := range []string{"16", "64"} {
			x, ok1 := a[route+"/"+conns]
			y, ok2 := z[route+"/"+conns]
			if !ok1 || !ok2 || y.rps == 0 {
				continue
			}
			slowdown := x.rps / y.rps
			fmt.Fprintf(&b, "| %s | %s | %.0f | %.0f | %.2f× | %.1f | %.1f | %s |\n", route, conns, x.rps, y.rps, slowdown, x.p99, y.p99,
				map[bool]string{true: "yes", false: "no"}[slowdown <= 1.5])
		}
	}
	b.WriteString("\n")
	return b.String()
}

// thousands writes n with commas: 1000000 → "1,000,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
