package repository_test

import (
	"context"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// Only changes to what the public can see tell the instances to empty their caches: anyone may
// apply for an organization or save a draft, and once that flushed every instance's cache.
func TestOnlyPublicChangesNotify(t *testing.T) {
	db, url := testdb.New(t)
	store := repository.New(db)
	ctx := context.Background()
	l := pq.NewListener(url, 10*time.Millisecond, time.Second, nil)
	defer l.Close()
	if err := l.Listen(repository.CatalogueChannel); err != nil {
		t.Fatal(err)
	}
	// heard waits for a notification: a short while when none is expected (a late one would
	// still be caught by the next call), longer when one is.
	heard := func(expected bool) bool {
		wait := 300 * time.Millisecond
		if expected {
			wait = 10 * time.Second
		}
		select {
		case <-l.Notify:
		case <-time.After(wait):
			return false
		}
		// One statement may notify for several tables (a text and its item's search document):
		// drain them, so that the next step starts clean.
		for {
			select {
			case <-l.Notify:
			case <-time.After(300 * time.Millisecond):
				return true
			}
		}
	}
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	var draft string
	if err := db.GetContext(ctx, &draft, `SELECT id FROM opportunities WHERE status = 'draft' LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	user, err := store.CreateUser(ctx, "applicant@example.org", "h", "", nil)
	if err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name   string
		do     func()
		notify bool
	}{
		{"apply for an organization", func() {
			if _, err := store.CreateOrganization(ctx, user.ID, repository.OrgInput{Name: "Agência Nova", Country: "CV", Type: "ngo"}); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"edit a draft's text", func() {
			exec(`UPDATE opportunity_translations SET title = title || ' (rascunho)' WHERE opportunity_id = $1`, draft)
		}, false},
		{"change a draft's sectors", func() {
			exec(`DELETE FROM opportunity_sectors WHERE opportunity_id = $1`, draft)
		}, false},
		{"publish the draft", func() {
			exec(`UPDATE opportunities SET status = 'published', published_at = now() WHERE id = $1`, draft)
		}, true},
		{"edit a published text", func() {
			exec(`UPDATE opportunity_translations SET title = title || '!' WHERE opportunity_id = $1`, draft)
		}, true},
		{"archive it", func() {
			exec(`UPDATE opportunities SET status = 'archived' WHERE id = $1`, draft)
		}, true},
		{"edit the archived text", func() {
			exec(`UPDATE opportunity_translations SET title = title || '?' WHERE opportunity_id = $1`, draft)
		}, false},
		{"rename a verified organization", func() {
			exec(`UPDATE organizations SET website = 'https://example.org/x' WHERE id = (SELECT id FROM organizations WHERE verified LIMIT 1)`)
		}, true},
		{"record an exchange rate", func() {
			exec(`UPDATE exchange_rates SET per_eur = per_eur WHERE currency = (SELECT currency FROM exchange_rates LIMIT 1)`)
		}, true},
	}
	for _, step := range steps {
		step.do()
		if got := heard(step.notify); got != step.notify {
			t.Errorf("%s: notified %v, want %v", step.name, got, step.notify)
		}
	}
}
