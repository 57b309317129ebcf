package locales

import "testing"

func TestGroupDigits(t *testing.T) {
	for _, c := range []struct{ lang, amount, whole, frac, mark string }{
		{"en", "1500000.50", "1,500,000", "50", "."},
		{"fr", "82698750.00", "82\u00a0698\u00a0750", "00", ","},
		{"pt", "1000", "1\u00a0000", "", ","},
		{"en", "-150000", "-150,000", "", "."},
		{"en", "999", "999", "", "."},
	} {
		whole, frac, mark := GroupDigits(c.lang, c.amount)
		if whole != c.whole || frac != c.frac || mark != c.mark {
			t.Errorf("GroupDigits(%s, %s) = %q %q %q, want %q %q %q", c.lang, c.amount, whole, frac, mark, c.whole, c.frac, c.mark)
		}
	}
}
