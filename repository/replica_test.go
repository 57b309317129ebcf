package repository

import (
	"testing"
	"time"
)

func TestParseLSN(t *testing.T) {
	for in, want := range map[string]uint64{"0/0": 0, "0/3000060": 0x3000060, "16/B374D848": 0x16_B374D848, "FFFFFFFF/FFFFFFFF": 1<<64 - 1} {
		got, err := parseLSN(in)
		if err != nil || got != want {
			t.Errorf("parseLSN(%q) = %x, %v; want %x", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "x/1", "1/", "100000000/0", "0/-1"} {
		if _, err := parseLSN(in); err == nil {
			t.Errorf("parseLSN(%q) took it", in)
		}
	}
	var got uint64
	if err := (lsnScanner{&got}).Scan([]byte("1/2")); err != nil || got != 1<<32|2 {
		t.Errorf("scan: %x, %v", got, err)
	}
}

// The lag is the age of the oldest position of the primary the replica has not replayed.
func TestLagOf(t *testing.T) {
	now := time.Now()
	samples := []walSample{{now.Add(-3 * time.Second), 100}, {now.Add(-2 * time.Second), 200}, {now.Add(-time.Second), 200}, {now, 300}}
	// 250 and 200: the newest position (300) is not replayed yet, but it is from now.
	for replay, want := range map[uint64]time.Duration{300: 0, 400: 0, 250: 0, 200: 0, 199: 2 * time.Second, 100: 2 * time.Second, 99: 3 * time.Second} {
		if got := lagOf(samples, replay, now); got != want {
			t.Errorf("replay %d: lag %s, want %s", replay, got, want)
		}
	}
	if lagOf(nil, 0, now) != 0 {
		t.Error("no samples: some lag")
	}
}

func TestLSNText(t *testing.T) {
	for _, in := range []string{"0/0", "0/3000060", "16/B374D848", "FFFFFFFF/FFFFFFFF"} {
		l, err := ParseLSN(in)
		if err != nil || l.String() != in {
			t.Errorf("ParseLSN(%q) = %v, %v; want it back", in, l, err)
		}
	}
}
