package domain

import (
	"fmt"
	"unicode/utf8"
)

// TextKind says how strictly a piece of client text is checked: the shorter and more
// identifying the text, the fewer characters it may hold that a reader cannot see.
type TextKind int

const (
	// FreeText is long prose (descriptions, messages): line breaks and tabs are allowed, other
	// control characters are not. Bidi and zero-width characters are left to the writer, whose
	// language may need them.
	FreeText TextKind = iota
	// TitleText is one line shown as a heading (titles): no control character, no bidi
	// override or isolate (they can make a title read as something else).
	TitleText
	// NameText is a name, code, e-mail, identifier or address: like TitleText, and no
	// zero-width character either (two names that look alike must be alike).
	NameText
)

// TextProblem is why a text was refused: a stable code and the first offending character.
type TextProblem struct {
	Code string // "invalid_encoding" or "invalid_character"
	Char string // "U+0000"; empty for invalid_encoding
}

// CheckText reports the first character of s that text of kind k may not hold, or nil. NUL is
// refused in every kind: PostgreSQL cannot store it, and no client means it.
func CheckText(s string, k TextKind) *TextProblem {
	if !utf8.ValidString(s) {
		return &TextProblem{Code: "invalid_encoding"}
	}
	for _, r := range s {
		if r == utf8.RuneError {
			// What a decoder makes of a lone \ud800 escape or a broken byte: damaged text.
			return &TextProblem{Code: "invalid_encoding"}
		}
		if !allowedRune(r, k) {
			return &TextProblem{Code: "invalid_character", Char: fmt.Sprintf("U+%04X", r)}
		}
	}
	return nil
}

func allowedRune(r rune, k TextKind) bool {
	switch {
	case r == 0:
		return false
	case r == '\t' || r == '\n' || r == '\r':
		return k == FreeText
	case r < 0x20 || (r >= 0x7f && r <= 0x9f): // C0 controls, DEL and C1 controls
		return false
	case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
		return k == FreeText
	case (r >= 0x200b && r <= 0x200d) || r == 0x2060 || r == 0xfeff:
		return k != NameText
	}
	return true
}

// LoneSurrogate reports whether a JSON string literal (with its quotes, as in the raw body)
// holds a \uD800–\uDFFF escape that is not half of a pair: encoding/json would silently turn it
// into U+FFFD.
func LoneSurrogate(literal []byte) bool {
	high := false // the previous escape was a high surrogate waiting for its low half
	for i := 0; i < len(literal); i++ {
		if literal[i] != '\\' || i+1 >= len(literal) {
			if high {
				return true
			}
			continue
		}
		i++
		if literal[i] != 'u' || i+4 >= len(literal) {
			if high {
				return true
			}
			continue
		}
		var r rune
		for _, h := range literal[i+1 : i+5] {
			r <<= 4
			switch {
			case h >= '0' && h <= '9':
				r |= rune(h - '0')
			case h >= 'a' && h <= 'f':
				r |= rune(h-'a') + 10
			case h >= 'A' && h <= 'F':
				r |= rune(h-'A') + 10
			}
		}
		i += 4
		switch {
		case r >= 0xd800 && r < 0xdc00:
			if high {
				return true
			}
			high = true
		case r >= 0xdc00 && r <= 0xdfff:
			if !high {
				return true
			}
			high = false
		default:
			if high {
				return true
			}
		}
	}
	return high
}
