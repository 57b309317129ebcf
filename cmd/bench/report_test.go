package main

import (
	"strings"
	"testing"
)

func TestMergeReportKeepsOneSectionPerSize(t *testing.T) {
	old := "# Benchmarks\n\nWritten by `make bench` (cmd/bench) on 2026-12-03 15:40 UTC, `BENCH_SIZE=100000`, `BENCH_SECONDS=6`.\n\n" +
		"## Targets of issue 7, at 64 connections\n\n```\nBENCH name=list conns=64 rps=1600 p50_ms=1.00 p99_ms=90.00 rss_mb=48.0\n" +
		"BENCH name=search conns=64 rps=900 p50_ms=1.00 p99_ms=40.00 rss_mb=48.0\n```\n"
	large := "Written by `make bench`, `BENCH_SIZE=1000000`.\n\n```\nBENCH name=list conns=64 rps=1400 p50_ms=1.00 p99_ms=99.00 rss_mb=48.0\n" +
		"BENCH name=search conns=64 rps=300 p50_ms=1.00 p99_ms=400.00 rss_mb=48.0\n```\n"
	merged := mergeReport(old, 1000000, large)
	for _, want := range []string{
		"<!-- bench size=100000 -->\n## 100,000 opportunities\n", "<!-- bench size=1000000 -->\n## 1,000,000 opportunities\n",
		"### Targets of issue 7", "| list | 64 | 1600 | 1400 | 1.14× | 90.0 | 99.0 | yes |", "| search | 64 | 900 | 300 | 3.00× | 40.0 | 400.0 | no |",
	} {
		if !strings.Contains(merged, want) {
			t.Errorf("merged report lacks %q:\n%s", want, merged)
		}
	}
	// A new run at 100,000 replaces that section only.
	again := mergeReport(merged, 100000, "Written again, `BENCH_SIZE=100000`.\n\n```\nBENCH name=list conns=64 rps=2800 p50_ms=1.00 p99_ms=20.00 rss_mb=48.0\n```\n")
	if strings.Count(again, "<!-- bench size=") != 2 || !strings.Contains(again, "Written again") || strings.Contains(again, "rps=1600") ||
		!strings.Contains(again, "rps=1400") || !strings.Contains(again, "| list | 64 | 2800 | 1400 | 2.00× |") {
		t.Errorf("a second run at 100,000 should replace its own section only:\n%s", again)
	}
	if mergeReport(again, 100000, "x\n") != mergeReport(mergeReport(again, 100000, "x\n"), 100000, "x\n") {
		t.Error("merging the same run twice should change nothing")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1000000: "1,000,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
