package locales

import (
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// CountryName names a country of the world in lang (CLDR names: "France", "França"), or gives
// its code when there is no name.
func CountryName(lang, code string) string {
	region, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if name := display.Regions(language.Make(lang)).Name(region); name != "" {
		return name
	}
	return code
}
