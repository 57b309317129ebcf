package domain

import (
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	good := map[string]string{"0": "0.00", "1500000": "1500000.00", "1500000.5": "1500000.50",
		"007.25": "7.25", "9999999999999999.99": "9999999999999999.99"}
	for in, want := range good {
		if got, err := ParseAmount(in); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "1e6", "1,5", "1.234", ".5", "5.", "NaN", "12345678901234567", " 1", "0x10"} {
		if _, err := ParseAmount(bad); err == nil {
			t.Errorf("ParseAmount(%q) accepted", bad)
		}
	}
}

func TestParseCurrency(t *testing.T) {
	if c, err := ParseCurrency("eur"); err != nil || c != "EUR" {
		t.Errorf("eur: %q %v", c, err)
	}
	for _, bad := range []string{"", "EU", "EURO", "E1R", "€"} {
		if _, err := ParseCurrency(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCursorRoundTripAndMisuse(t *testing.T) {
	f := ListFilter{Country: "CV", Sectors: []string{"tourism"}}
	rank := float32(0.0607927)
	c := Cursor{List: f.Fingerprint(KindOpportunity), Rank: &rank,
		PublishedAt: time.Date(2026, 5, 18, 9, 0, 0, 123456000, time.UTC), ID: "10156cb2-b362-5793-8d99-4e0d93fb2bda"}
	got, err := DecodeCursor(c.Encode(), f.Fingerprint(KindOpportunity))
	if err != nil {
		t.Fatal(err)
	}
	if !got.PublishedAt.Equal(c.PublishedAt) || got.ID != c.ID || *got.Rank != rank {
		t.Errorf("round trip: %+v", got)
	}
	other := ListFilter{Country: "CV", Sectors: []string{"ict"}}
	for name, s := range map[string]string{
		"another filter":   "", // set below
		"not base64":       "%%%",
		"not JSON":         "bm90IGpzb24",
		"unknown field":    "eyJ4IjoxfQ",
		"no id":            (Cursor{List: c.List, PublishedAt: c.PublishedAt}).Encode(),
		"id not a uuid":    (Cursor{List: c.List, PublishedAt: c.PublishedAt, ID: "1 OR 1=1"}).Encode(),
		"no position":      (Cursor{List: c.List, ID: c.ID}).Encode(),
		"absurdly long":    string(make([]byte, 600)),
		"another kind":     "",
		"empty JSON value": "bnVsbA",
	} {
		list := f.Fingerprint(KindOpportunity)
		switch name {
		case "another filter":
			s, list = c.Encode(), other.Fingerprint(KindOpportunity)
		case "another kind":
			s, list = c.Encode(), f.Fingerprint(KindIncentive)
		}
		if _, err := DecodeCursor(s, list); err != ErrInvalidCursor {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestFingerprintIgnoresPagingAndLanguage(t *testing.T) {
	a := ListFilter{Country: "CV", Limit: 10, Langs: []string{"pt"}}
	b := ListFilter{Country: "CV", Limit: 50, Langs: []string{"fr"}}
	if a.Fingerprint(KindOpportunity) != b.Fingerprint(KindOpportunity) {
		t.Error("page size or language changed the fingerprint")
	}
	// Fields are separated: ("ab", "") and ("a", "b") differ.
	if (ListFilter{Country: "ab"}).Fingerprint(KindOpportunity) == (ListFilter{Country: "a", Region: "b"}).Fingerprint(KindOpportunity) {
		t.Error("fingerprint fields run together")
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(Cursor{List: 7, PublishedAt: time.Unix(1, 0), ID: "10156cb2-b362-5793-8d99-4e0d93fb2bda"}.Encode())
	f.Add("%%%")
	f.Add("eyJsIjoxfQ")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := DecodeCursor(s, 7)
		if err == nil && (c == nil || !IsID(c.ID)) {
			t.Errorf("accepted %q as %+v", s, c)
		}
	})
}

func BenchmarkCursorEncodeDecode(b *testing.B) {
	c := Cursor{List: 42, PublishedAt: time.Now(), ID: "10156cb2-b362-5793-8d99-4e0d93fb2bda"}
	for b.Loop() {
		if _, err := DecodeCursor(c.Encode(), 42); err != nil {
			b.Fatal(err)
		}
	}
}
