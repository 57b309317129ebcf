package domain

import "testing"

func TestCheckText(t *testing.T) {
	for _, c := range []struct {
		s    string
		kind TextKind
		code string // "" when accepted
		char string
	}{
		{"Eco-lodge em Santa Maria, Sal", NameText, "", ""},
		{"Hôtel « Mar Azul » — ilha do Sal", TitleText, "", ""},
		{"line one\nline two\ttabbed\r\n", FreeText, "", ""},
		{"line one\nline two", TitleText, "invalid_character", "U+000A"},
		{"tab\there", NameText, "invalid_character", "U+0009"},
		{"nul\x00", FreeText, "invalid_character", "U+0000"},
		{"nul\x00", NameText, "invalid_character", "U+0000"},
		{"bell\a", FreeText, "invalid_character", "U+0007"},
		{"del\x7f", FreeText, "invalid_character", "U+007F"},
		{"c1\u0085", FreeText, "invalid_character", "U+0085"},
		{"\xff\xfe", FreeText, "invalid_encoding", ""},
		{"replacement \ufffd", FreeText, "invalid_encoding", ""},
		{"evil\u202ecod.exe", TitleText, "invalid_character", "U+202E"},
		{"evil\u2066isolate", NameText, "invalid_character", "U+2066"},
		{"bidi in prose \u202e is the writer's", FreeText, "", ""},
		{"zero\u200bwidth", NameText, "invalid_character", "U+200B"},
		{"bom\ufeff", NameText, "invalid_character", "U+FEFF"},
		{"joiner\u2060", NameText, "invalid_character", "U+2060"},
		{"zwnj\u200c in a title", TitleText, "", ""},
		{"", NameText, "", ""},
	} {
		p := CheckText(c.s, c.kind)
		switch {
		case c.code == "" && p != nil:
			t.Errorf("%q (kind %d) refused: %+v", c.s, c.kind, p)
		case c.code != "" && (p == nil || p.Code != c.code || p.Char != c.char):
			t.Errorf("%q (kind %d): %+v, want %s %s", c.s, c.kind, p, c.code, c.char)
		}
	}
}

func TestLoneSurrogate(t *testing.T) {
	for lit, want := range map[string]bool{
		`"plain"`:              false,
		`"\ud83d\ude00"`:       false, // a pair: 😀
		`"\uD83D\uDE00 ok"`:    false,
		`"\ud800"`:             true,
		`"\udc00"`:             true,
		`"\ud800x"`:            true,
		`"\ud800\u0041"`:       true,
		`"\ud800\ud800\udc00"`: true,
		`"\\ud800"`:            false, // an escaped backslash, then text
		`"\u00e9\n\""`:         false,
	} {
		if got := LoneSurrogate([]byte(lit)); got != want {
			t.Errorf("%s: %v, want %v", lit, got, want)
		}
	}
}

func TestDecodeCursorRefusesControlsInTheKey(t *testing.T) {
	good := Cursor{List: 3, ID: "10156cb2-b362-5793-8d99-4e0d93fb2bda", PublishedAt: timeOf(1700000000), Key: "Agência"}
	if _, err := DecodeCursor(good.Encode(), 3); err != nil {
		t.Fatalf("a plain key refused: %v", err)
	}
	for _, key := range []string{"a\x00b", "x\u202e", "\x1b[31m"} {
		c := good
		c.Key = key
		if _, err := DecodeCursor(c.Encode(), 3); err == nil {
			t.Errorf("key %q accepted", key)
		}
	}
}
