package editorial_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/app/editorial"
	"github.com/diaspora-investor/marketplace/domain"
)

func TestSetAsOf(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other := otherOwner(t, f)
	tomorrowPlus := time.Now().UTC().AddDate(0, 0, 3).Format(time.DateOnly)
	steps := []struct {
		name      string
		actor     domain.Actor
		ifVersion int
		date      string
		want      outcome
	}{
		{"not a date", f.owner, 0, "2026-02-30", outcome{fields: []field{{"as_of", "invalid_date"}}}},
		{"a date to come", f.owner, 0, tomorrowPlus, outcome{fields: []field{{"as_of", "date_in_future"}}}},
		{"another organization's item", other, 0, "2026-01-15", outcome{decision: domain.Hidden}},
		{"a stale version", f.owner, 99, "2026-01-15", outcome{is: domain.ErrPreconditionFailed}},
		{"the date the sources were checked", f.owner, 0, "2026-01-15", outcome{}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			_, err := f.svc.SetAsOf(ctx, s.actor, domain.KindOpportunity, f.draft, s.ifVersion, s.date)
			s.want.check(t, err)
		})
	}
	ed, err := f.svc.Editorial(ctx, domain.KindOpportunity, f.draft)
	if err != nil || ed.AsOf == nil || ed.AsOf.Format(time.DateOnly) != "2026-01-15" {
		t.Fatalf("as_of after the change: %+v, %v", ed, err)
	}
	// The same date again writes nothing; clearing it is an edit of its own.
	if v, err := f.svc.SetAsOf(ctx, f.owner, domain.KindOpportunity, f.draft, ed.Version, "2026-01-15"); err != nil || v != ed.Version {
		t.Errorf("the same date: version %d (was %d), %v", v, ed.Version, err)
	}
	if v, err := f.svc.SetAsOf(ctx, f.owner, domain.KindOpportunity, f.draft, ed.Version, ""); err != nil || v != ed.Version+1 {
		t.Errorf("clearing: version %d, %v", v, err)
	}
	events, _, err := itemHistory(t, f, 0, 2)
	if err != nil || len(events) != 2 || events[0].Changes["as_of"].Before != "2026-01-15" || events[1].Changes["as_of"].After != "2026-01-15" {
		t.Errorf("the trail, newest first: %+v, %v", events, err)
	}
}

// TestAsOfOneRule checks that the console's SetAsOf and the API's Patch give the same answer for
// the same date: they share one check.
func TestAsOfOneRule(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	day := func(n int) string { return time.Now().UTC().AddDate(0, 0, n).Format(time.DateOnly) }
	dates := []struct {
		date string
		want outcome
	}{
		{day(0), outcome{}},
		{day(1), outcome{}}, // somewhere it is already tomorrow
		{day(2), outcome{fields: []field{{"as_of", "date_in_future"}}}},
		{"2026-13-01", outcome{fields: []field{{"as_of", "invalid_date"}}}},
	}
	it, err := f.svc.Target(ctx, f.owner, domain.KindOpportunity, f.draft)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dates {
		t.Run(d.date, func(t *testing.T) {
			_, err := f.svc.SetAsOf(ctx, f.owner, domain.KindOpportunity, f.draft, 0, d.date)
			d.want.check(t, err)
			_, err = f.svc.Patch(ctx, f.owner, domain.KindOpportunity, it, 0, domain.ContentChange{AsOf: domain.Some(d.date)})
			d.want.check(t, err)
		})
	}
}

// otherOwner is the owner of another organization of Cabo Verde.
func otherOwner(t *testing.T, f fixture) domain.Actor {
	t.Helper()
	ctx := context.Background()
	u, err := f.store.CreateUser(ctx, "other@agency.cv", "h", "Other", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CreateOrganization(ctx, u.ID, domain.OrgApplication{Name: "Outra Agência", Country: "CV", Type: "ngo"}); err != nil {
		t.Fatal(err)
	}
	a, err := f.store.Actor(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The trail of an item or an organization is read newest first, 200 at a time, and the older
// pages follow by key until the item's creation.
func TestHistoryOlderPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it, err := f.svc.Target(ctx, f.owner, domain.KindOpportunity, f.draft)
	if err != nil {
		t.Fatal(err)
	}
	const edits = 230
	for i := 1; i <= edits; i++ {
		if _, err := f.svc.Patch(ctx, f.owner, domain.KindOpportunity, it, 0, domain.ContentChange{Jobs: domain.Some(i)}); err != nil {
			t.Fatal(err)
		}
	}
	first, more, err := itemHistory(t, f, 0, 200)
	if err != nil || len(first) != 200 || !more {
		t.Fatalf("first page: %d events, more %v, %v", len(first), more, err)
	}
	if got := first[0].Changes["jobs"].After; got != float64(edits) {
		t.Errorf("the newest event first: jobs → %v", got)
	}
	older, more, err := itemHistory(t, f, first[len(first)-1].ID, 200)
	if err != nil || len(older) != edits+1-200 || more {
		t.Fatalf("older page: %d events, more %v, %v", len(older), more, err)
	}
	if last := older[len(older)-1]; last.Action != "create" || last.ID >= first[len(first)-1].ID {
		t.Errorf("the oldest event last: %+v", last)
	}
	orgEvents, _, err := f.svc.OrganizationHistory(ctx, f.owner, f.org, 0, 5)
	if err != nil || len(orgEvents) != 5 || orgEvents[0].ID != first[0].ID {
		t.Errorf("the organization's trail: %d events, %v", len(orgEvents), err)
	}
	other := otherOwner(t, f)
	_, err = f.svc.HistoryTarget(ctx, other, domain.KindOpportunity, f.draft) // who may read an item's trail
	outcome{decision: domain.Hidden}.check(t, err)
	_, _, err = f.svc.OrganizationHistory(ctx, other, f.org, 0, 200)
	outcome{decision: domain.Hidden}.check(t, err)
}

// The language gaps are found by the list's one statement, however far back the items are:
// past 500 items without a gap, the next page still has the right ones.
func TestContentPageGaps(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	create := func(lang, title string) string {
		c := opportunity()
		c.Lang, c.Title = domain.Some(lang), domain.Some(title)
		id, err := f.svc.Create(ctx, f.owner, domain.KindOpportunity, c)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// The oldest: 25 in English only (missing in Portuguese), one of them translated into
	// Portuguese before its English text changed (stale in Portuguese).
	var english []string
	for i := 0; i < 25; i++ {
		english = append(english, create("en", "English "+strconv.Itoa(i)))
	}
	staleOne := english[0]
	text := domain.TextChange{Lang: "pt", Title: domain.Some("Hotel"), Summary: domain.Some("Resumo"), Description: domain.Some("Texto")}
	if _, err := f.svc.PutTranslation(ctx, f.owner, domain.KindOpportunity, staleOne, 0, text); err != nil {
		t.Fatal(err)
	}
	it, err := f.svc.Target(ctx, f.owner, domain.KindOpportunity, staleOne)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Patch(ctx, f.owner, domain.KindOpportunity, it, 0, domain.ContentChange{Summary: domain.Some("A new summary")}); err != nil {
		t.Fatal(err)
	}
	// Then 500 newer ones in Portuguese (with the fixture's draft): no gap in Portuguese.
	for i := 0; i < 500; i++ {
		create("pt", "Português "+strconv.Itoa(i))
	}
	filter := domain.SummaryFilter{OrgID: f.org, Limit: 20, Langs: []string{"en"}}
	var found []string
	pages := 0
	start := time.Now()
	for after := (*domain.Cursor)(nil); ; pages++ {
		filter.After = after
		rows, next, err := f.svc.ContentPage(ctx, f.owner, filter, editorial.Gap{Missing: "pt"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			found = append(found, r.ID)
		}
		if next == nil {
			break
		}
		after = next
	}
	t.Logf("missing in Portuguese behind 500 newer items: %d pages read in %v (one statement each)", pages+1, time.Since(start).Round(time.Microsecond))
	want := slices.Clone(english[1:])
	slices.Reverse(want) // newest change first
	if pages != 1 || !slices.Equal(found, want) {
		t.Errorf("missing in Portuguese: %d items on %d pages, want the 24 English-only ones on 2", len(found), pages+1)
	}
	rows, next, err := f.svc.ContentPage(ctx, f.owner, domain.SummaryFilter{OrgID: f.org, Limit: 20}, editorial.Gap{Stale: true})
	if err != nil || next != nil || len(rows) != 1 || rows[0].ID != staleOne || !slices.Equal(rows[0].StaleLangs, []string{"pt"}) {
		t.Errorf("stale: %+v, next %v, %v", rows, next, err)
	}
	_, _, err = f.svc.ContentPage(ctx, otherOwner(t, f), domain.SummaryFilter{OrgID: f.org, Limit: 20}, editorial.Gap{Stale: true})
	outcome{decision: domain.Hidden}.check(t, err)
	_, _, err = f.svc.ContentPage(ctx, f.owner, domain.SummaryFilter{Review: true, Limit: 20}, editorial.Gap{})
	outcome{decision: domain.AdminOnly}.check(t, err)
}

// TestSummaryReadersAgree: the console's content list and the API's two lists (an
// organization's content, the review queue) let the same people read the same summaries.
func TestSummaryReadersAgree(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other := otherOwner(t, f)
	for _, c := range []struct {
		name   string
		actor  domain.Actor
		review bool
		want   outcome
	}{
		{"the owner, its content", f.owner, false, outcome{}},
		{"another organization's owner, its content", other, false, outcome{decision: domain.Hidden}},
		{"an administrator, its content", f.admin, false, outcome{}},
		{"the owner, the review queue", f.owner, true, outcome{decision: domain.AdminOnly}},
		{"an administrator, the review queue", f.admin, true, outcome{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			filter := domain.SummaryFilter{OrgID: f.org, Review: c.review, Limit: 5}
			_, _, err := f.svc.ContentPage(ctx, c.actor, filter, editorial.Gap{})
			c.want.check(t, err)
			if c.review {
				_, _, err = f.svc.ReviewQueue(ctx, c.actor, filter)
			} else {
				_, _, err = f.svc.OrgContent(ctx, c.actor, f.org, filter)
			}
			c.want.check(t, err)
		})
	}
}

// itemHistory reads a page of the draft's trail as the console does: the item found once, then
// its trail.
func itemHistory(t *testing.T, f fixture, before int64, limit int) ([]domain.AuditEvent, bool, error) {
	t.Helper()
	it, err := f.svc.HistoryTarget(context.Background(), f.owner, domain.KindOpportunity, f.draft)
	if err != nil {
		return nil, false, err
	}
	return f.svc.ItemHistory(context.Background(), it, before, limit)
}
