package domain

import (
	"testing"
	"time"
)

func TestClosedTheDayAfterTheDeadline(t *testing.T) {
	deadline := time.Date(2026, 1, 23, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 1, 22, 23, 59, 0, 0, time.UTC), false},
		{time.Date(2026, 1, 23, 23, 59, 59, 0, time.UTC), false}, // the deadline day itself is open
		{time.Date(2026, 1, 24, 0, 0, 0, 0, time.UTC), true},
		// In UTC whatever the clock's zone: 23 Jan 20:00 in Praia (UTC-1) is 21:00 UTC, open;
		// 24 Jan 00:30 in Lisbon in winter (UTC) is closed.
		{time.Date(2026, 1, 23, 20, 0, 0, 0, time.FixedZone("CVT", -3600)), false},
		{time.Date(2026, 1, 24, 0, 30, 0, 0, time.FixedZone("WET", 0)), true},
	} {
		if got := Closed(&deadline, c.now); got != c.want {
			t.Errorf("deadline %s at %s: closed %v, want %v", deadline.Format(time.DateOnly), c.now, got, c.want)
		}
	}
	if Closed(nil, time.Now()) {
		t.Error("no deadline is never closed")
	}
}

func TestRecheckDueAfterTheSetAge(t *testing.T) {
	today := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) *time.Time {
		t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return &t
	}
	for _, c := range []struct {
		asOf   *time.Time
		months int
		want   bool
	}{
		{nil, 12, true}, // never checked
		{day(2026, 11, 24), 12, false},
		{day(2025, 12, 3), 12, true}, // exactly 12 months ago, earlier in the day: due
		{day(2025, 12, 4), 12, false},
		{day(2025, 10, 1), 24, false},
	} {
		if got := RecheckDue(c.asOf, today, c.months); got != c.want {
			t.Errorf("as_of %v, %d months: recheck %v, want %v", c.asOf, c.months, got, c.want)
		}
	}
}
