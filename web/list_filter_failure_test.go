package web_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/web"
)

// filterDown is the real catalogue whose check of a list's filter fails, as when the database
// does while a region or a currency is looked up.
type filterDown struct{ web.Catalogue }

func (filterDown) Filter(context.Context, web.ListQuery) (domain.ListFilter, error) {
	return domain.ListFilter{}, errors.New("catalogue store down")
}

// A list filter that could not be checked is our failure, answered 500 with the error page, not
// a 400 that blames a field of the reader's form.
func TestListFilterFailureIsOurs(t *testing.T) {
	app, _ := newSiteWired(t, func(*web.Options) {}, func(d *web.Deps) { d.Catalogue = filterDown{d.Catalogue} })
	for _, target := range []string{"/en/countries/CV/opportunities", "/en/countries/CV/incentives?region=sal"} {
		p := newBrowser(t, app).get(target)
		expectStatus(t, p, 500)
		if strings.Contains(p.body, `aria-invalid="true"`) {
			t.Errorf("%s: the failure is shown beside a field of the form", target)
		}
	}
}
