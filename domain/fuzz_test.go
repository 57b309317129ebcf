package domain

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseAmount: any input is either refused or becomes a canonical two-decimal amount that
// parses to itself. Run longer with `make fuzz`.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"0", "1500000", "1500000.5", "00012.30", "1e9", "-1", "1.234", "", " 1", "9999999999999999.99", "١٢"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		if err != nil {
			return
		}
		if again, err := ParseAmount(a); err != nil || again != a {
			t.Errorf("%q → %q → %q, %v", s, a, again, err)
		}
		whole, frac, ok := strings.Cut(a, ".")
		if !ok || len(frac) != 2 || whole == "" || (len(whole) > 1 && whole[0] == '0') {
			t.Errorf("%q → %q is not canonical", s, a)
		}
	})
}

// FuzzParseCurrency: accepted codes are three upper-case ASCII letters.
func FuzzParseCurrency(f *testing.F) {
	for _, s := range []string{"EUR", "cve", "E U", "EURO", "", "ÉUR", "ǅǅǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCurrency(s)
		if err != nil {
			return
		}
		if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			t.Errorf("%q → %q", s, c)
		}
	})
}

// FuzzCursorRoundTrip: a cursor decodes to what was encoded, and only for its own list.
func FuzzCursorRoundTrip(f *testing.F) {
	f.Add(uint32(7), int64(1700000000), "10156cb2-b362-5793-8d99-4e0d93fb2bda", float32(0.5))
	f.Fuzz(func(t *testing.T, list uint32, unix int64, id string, rank float32) {
		c := Cursor{List: list, PublishedAt: timeOf(unix), ID: id, Rank: &rank}
		got, err := DecodeCursor(c.Encode(), list)
		if err != nil {
			return // an id that is no UUID, a zero or out-of-range time, a NaN rank
		}
		if got.ID != id || !got.PublishedAt.Equal(c.PublishedAt) || (rank == rank && *got.Rank != rank) {
			t.Errorf("%+v → %+v", c, got)
		}
		if _, err := DecodeCursor(c.Encode(), list+1); err == nil {
			t.Errorf("a cursor of list %d accepted by list %d", list, list+1)
		}
	})
}

func timeOf(unix int64) time.Time { return time.Unix(unix%(1<<34), 0).UTC() }
