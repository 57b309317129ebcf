package locales

import "testing"

func TestCountryName(t *testing.T) {
	for _, c := range []struct{ lang, code, want string }{
		{"en", "FR", "France"}, {"pt", "FR", "França"}, {"en", "not-a-country", "not-a-country"},
	} {
		if got := CountryName(c.lang, c.code); got != c.want {
			t.Errorf("CountryName(%s, %s) = %q, want %q", c.lang, c.code, got, c.want)
		}
	}
}
