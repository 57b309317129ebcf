package web_test

import (
	"net/http"
	"testing"
)

// The jobs the eligibility form reads itself are refused alone too, not only beside the plan's
// own broken rules.
func TestEligibilityJobsAlone(t *testing.T) {
	t.Parallel()
	app, _ := newSite(t, true)
	b := newBrowser(t, app)
	p := b.get("/en/eligibility?country=CV&jobs=many")
	expectStatus(t, p, http.StatusBadRequest)
	expectContains(t, p, "There is a problem", `href="#f-jobs"`)
	expectStatus(t, b.get("/en/eligibility?country=CV&jobs=12"), http.StatusOK)
}
