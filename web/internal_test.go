package web

import (
	"html/template"
	"strings"
	"testing"
)

// These need no database: they run in make check too.

func TestPluralForms(t *testing.T) {
	tx, err := loadTexts("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "0 incentives"}, {"en", 1, "1 incentive"}, {"en", 2, "2 incentives"},
		{"fr", 0, "0 incitation"}, {"fr", 1, "1 incitation"}, {"fr", 2, "2 incitations"},
		{"pt", 1, "1 incentivo"}, {"pt", 5, "5 incentivos"},
	} {
		if got := tx.count(c.lang, "web.count.incentives", c.n); got != c.want {
			t.Errorf("%s %d: %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	tx, err := loadTexts("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ cookie, accept, want string }{
		{"", "pt-BR,pt;q=0.9,en;q=0.8", "pt"}, {"", "fr-CA", "fr"}, {"", "de", "en"}, {"", "!!", "en"},
		{"fr", "pt", "fr"}, {"zz", "pt", "pt"}, {"", "de;q=1, fr;q=0.5", "fr"}, {"", "fr;q=0", "en"},
	} {
		if got := tx.negotiate(c.cookie, c.accept); got != c.want {
			t.Errorf("cookie %q, Accept-Language %q: %q, want %q", c.cookie, c.accept, got, c.want)
		}
	}
}

func TestHighlight(t *testing.T) {
	for _, c := range []struct{ text, q, want string }{
		{"Energia renovável em Santiago", "energia renovavel", "<mark>Energia</mark> <mark>renovável</mark> em Santiago"},
		{"Tourism <b>zones</b>", "tourism", "<mark>Tourism</mark> &lt;b&gt;zones&lt;/b&gt;"},
		{"Turismo", "", "Turismo"},
		{"Hotels & resorts", "hotel", "<mark>Hotels</mark> &amp; resorts"},
	} {
		if got := string(highlight(c.text, c.q)); got != c.want {
			t.Errorf("highlight(%q, %q) = %q, want %q", c.text, c.q, got, c.want)
		}
	}
}

func TestNeutralizeBidi(t *testing.T) {
	in := "<p>Ana \u202egnp.exe\u202c and \u2067x\u2069</p>"
	out := string(neutralizeBidi([]byte(in)))
	if strings.ContainsAny(out, "\u202e\u202c\u2067\u2069") || !strings.Contains(out, "[U+202E]") {
		t.Errorf("bidi controls reached the page: %q", out)
	}
	if plain := "<p>Olá, Mindelo</p>"; string(neutralizeBidi([]byte(plain))) != plain {
		t.Error("plain text changed")
	}
}

func TestSafeNext(t *testing.T) {
	for next, want := range map[string]string{
		"/fr/opportunities/x": "/fr/opportunities/x", "//evil.example/": "/fr/account", "https://evil.example/": "/fr/account",
		"/en/account": "/fr/account", "/fr/\\evil": "/fr/account", "": "/fr/account",
	} {
		if got := safeNext("fr", next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	for _, c := range []struct{ lang, amount, want string }{
		{"en", "750000.00", "750,000\u00a0EUR"}, {"fr", "82698750.50", "82\u00a0698\u00a0750,50\u00a0EUR"}, {"pt", "1000", "1\u00a0000\u00a0EUR"},
	} {
		if got := formatMoney(c.lang, c.amount, "EUR"); got != c.want {
			t.Errorf("formatMoney(%s, %s) = %q, want %q", c.lang, c.amount, got, c.want)
		}
	}
}

func TestTelLinks(t *testing.T) {
	tel := funcs["tel"].(func(string) template.URL)
	for in, want := range map[string]string{"+238 260 41 10": "tel:+2382604110", "(238) 123-4567": "tel:2381234567", "javascript:alert(1)": "", "12": ""} {
		if got := string(tel(in)); got != want {
			t.Errorf("tel(%q) = %q, want %q", in, got, want)
		}
	}
}
