package web

import (
	"testing"
	"time"
)

// Turning the page cache off drops what it holds at once, so that turning it on again serves
// nothing kept before.
func TestPageCacheOffDropsPages(t *testing.T) {
	pages := NewPageCache(1<<20, time.Minute)
	pages.Live(true)
	pages.core.Put("/fr/countries/CV", pages.core.Gen(), time.Now(), &pageEntry{body: []byte("page"), lang: "fr"}, 4)
	pages.Live(false)
	if b := pages.core.Stats().Bytes; b != 0 {
		t.Errorf("%d bytes held after Live(false)", b)
	}
	pages.Live(true)
	if _, ok := pages.core.Get("/fr/countries/CV", time.Now(), nil); ok {
		t.Error("a page kept before Live(false) was served after Live(true)")
	}
}
