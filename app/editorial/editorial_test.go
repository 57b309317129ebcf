package editorial_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/diaspora-investor/marketplace/app/editorial"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// The use cases against a real database, cloned from the seeded template per test.

var langs = []string{"en", "fr", "pt"}

type fixture struct {
	svc   *editorial.Service
	store *repository.Store
	owner domain.Actor // owner of an unverified organization of Cabo Verde
	admin domain.Actor
	org   string
	draft string // an opportunity of the owner's, in draft
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	db, _ := testdb.New(t)
	store := repository.New(db)
	ctx := context.Background()
	u, err := store.CreateUser(ctx, "owner@agency.cv", "h", "Owner", nil)
	if err != nil {
		t.Fatal(err)
	}
	org, err := store.CreateOrganization(ctx, u.ID, repository.OrgInput{Name: "Agência", Country: "CV", Type: "ngo"})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := store.Actor(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	match := func(tag string) (string, bool) {
		tag = strings.ToLower(tag)
		return tag, slices.Contains(langs, tag)
	}
	f := fixture{svc: editorial.New(store, editorial.Languages{Match: match, Codes: langs}), store: store,
		owner: owner, admin: domain.Actor{UserID: u.ID, Admin: true}, org: org}
	if f.draft, err = f.svc.Create(ctx, owner, domain.KindOpportunity, opportunity()); err != nil {
		t.Fatal(err)
	}
	return f
}

// opportunity is a complete draft of an opportunity of Cabo Verde.
func opportunity() domain.ContentChange {
	return domain.ContentChange{Country: domain.Some("cv"), Lang: domain.Some("pt"), Title: domain.Some(" Hotel em Sal "),
		Summary: domain.Some("Resumo"), Description: domain.Some("Descrição"), Sectors: domain.Some([]string{"tourism", "tourism"})}
}

func eur(amount string) domain.Opt[domain.Money] {
	return domain.Some(domain.Money{Amount: amount, Currency: "EUR"})
}

// field is one broken rule, as a scenario expects it.
type field struct{ Name, Code string }

// outcome checks an error against a scenario: no error, the broken rules, a decision of the
// rules, or a domain error.
type outcome struct {
	fields   []field
	decision domain.Decision
	is       error
}

func (want outcome) check(t *testing.T, err error) {
	t.Helper()
	var invalid *domain.Invalid
	var denied domain.Denied
	switch {
	case want.fields != nil:
		if !errors.As(err, &invalid) {
			t.Fatalf("got %v, want broken rules %v", err, want.fields)
		}
		var got []field
		for _, f := range invalid.Fields {
			got = append(got, field{f.Name, f.Code})
		}
		if !slices.Equal(got, want.fields) {
			t.Errorf("broken rules: got %v, want %v", got, want.fields)
		}
	case want.decision != domain.Allowed:
		if !errors.As(err, &denied) || denied.Decision != want.decision {
			t.Errorf("got %v, want the decision %d", err, want.decision)
		}
	case want.is != nil:
		if !errors.Is(err, want.is) {
			t.Errorf("got %v, want %v", err, want.is)
		}
	case err != nil:
		t.Errorf("got %v, want no error", err)
	}
}

func TestCreate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	stranger := domain.Actor{UserID: f.owner.UserID}
	change := func(edit func(*domain.ContentChange)) domain.ContentChange {
		c := opportunity()
		edit(&c)
		return c
	}
	tests := []struct {
		name  string
		actor domain.Actor
		kind  domain.Kind
		in    domain.ContentChange
		want  outcome
	}{
		{"a complete opportunity", f.owner, domain.KindOpportunity, opportunity(), outcome{}},
		{"nothing", f.owner, domain.KindOpportunity, domain.ContentChange{}, outcome{fields: []field{{"country", "required"},
			{"lang", "required"}, {"title", "required"}, {"summary", "required"}, {"description", "required"}, {"sectors", "required"}}}},
		{"an incentive needs its type and legal instrument", f.owner, domain.KindIncentive,
			change(func(c *domain.ContentChange) { c.Sectors = domain.Opt[[]string]{} }),
			outcome{fields: []field{{"type", "required"}, {"legal_instrument", "required"}}}},
		{"unknown country and language", f.owner, domain.KindOpportunity, change(func(c *domain.ContentChange) {
			c.Country, c.Lang = domain.Some("XX"), domain.Some("de")
		}), outcome{fields: []field{{"country", "unknown_country"}, {"lang", "unsupported_language"}}}},
		{"codes", f.owner, domain.KindOpportunity, change(func(c *domain.ContentChange) {
			c.Sectors, c.Instrument = domain.Some([]string{"mining"}), domain.Some("loan-ish")
		}), outcome{fields: []field{{"sectors", "unknown_code"}, {"instrument", "unknown_code"}}}},
		{"an empty list of sectors", f.owner, domain.KindOpportunity, change(func(c *domain.ContentChange) {
			c.Sectors = domain.Some([]string{})
		}), outcome{fields: []field{{"sectors", "required"}}}},
		{"a range upside down", f.owner, domain.KindOpportunity, change(func(c *domain.ContentChange) {
			c.MinInvestment, c.MaxInvestment = eur("900"), eur("100")
		}), outcome{fields: []field{{"min_investment", "min_greater_than_max"}}}},
		{"a range in two currencies", f.owner, domain.KindOpportunity, change(func(c *domain.ContentChange) {
			c.MinInvestment, c.MaxInvestment = eur("100"), domain.Some(domain.Money{Amount: "900", Currency: "USD"})
		}), outcome{fields: []field{{"max_investment", "currency_mismatch"}}}},
		{"one end of a range", f.owner, domain.KindOpportunity, change(func(c *domain.ContentChange) {
			c.MinInvestment = eur("100")
		}), outcome{}},
		{"amounts, dates, counts and regions", f.owner, domain.KindOpportunity, change(func(c *domain.ContentChange) {
			c.MaxInvestment, c.Deadline = eur("1e9"), domain.Some("2027-02-30")
			c.Jobs, c.Region = domain.Some(-1), domain.Some("atlantis")
		}), outcome{fields: []field{{"region", "unknown_region"}, {"max_investment", "invalid_amount"},
			{"jobs", "invalid_count"}, {"deadline", "invalid_date"}}}},
		{"text hygiene", f.owner, domain.KindOpportunity, change(func(c *domain.ContentChange) {
			c.Title, c.Summary = domain.Some("   "), domain.Some("a\x00b")
		}), outcome{fields: []field{{"title", "required"}, {"summary", "invalid_encoding"}}}},
		{"a contact", f.owner, domain.KindOpportunity, change(func(c *domain.ContentChange) {
			bad := "not an address"
			c.Contact = domain.Some(domain.Contact{Email: &bad})
		}), outcome{fields: []field{{"contact.email", "invalid_email"}}}},
		{"a validity window upside down", f.owner, domain.KindProgramme, change(func(c *domain.ContentChange) {
			c.Sectors, c.Type = domain.Opt[[]string]{}, domain.Some("grant")
			c.ValidFrom, c.ValidUntil = domain.Some("2026-05-01"), domain.Some("2026-01-01")
		}), outcome{fields: []field{{"valid_until", "before_start"}}}},
		{"someone of no organization", stranger, domain.KindOpportunity, opportunity(), outcome{decision: domain.NotAMember}},
		{"an administrator names the organization", f.admin, domain.KindOpportunity, opportunity(),
			outcome{fields: []field{{"organization_id", "required"}}}},
		{"an organization that does not exist", f.admin, domain.KindOpportunity, change(func(c *domain.ContentChange) {
			c.Organization = domain.Some("00000000-0000-4000-8000-000000000000")
		}), outcome{fields: []field{{"organization_id", "unknown_organization"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.Create(ctx, tt.actor, tt.kind, tt.in)
			tt.want.check(t, err)
		})
	}
}

func TestPatch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it, err := f.svc.Target(ctx, f.owner, domain.KindOpportunity, f.draft)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		ifVersion int
		in        domain.ContentChange
		wantLang  string
		want      outcome
	}{
		{"the source language's text by default", 0, domain.ContentChange{Title: domain.Some("Hotel novo")}, "pt", outcome{}},
		{"neutral fields only", 0, domain.ContentChange{Jobs: domain.Some(12), Region: domain.Some("sal")}, "", outcome{}},
		{"null clears", 0, domain.ContentChange{Region: domain.Cleared[string](), Contact: domain.Cleared[domain.Contact]()}, "", outcome{}},
		{"a draft's fields are read only", 0, domain.ContentChange{Country: domain.Some("SN"), Organization: domain.Some(f.org)},
			"", outcome{fields: []field{{"country", "read_only"}, {"organization_id", "read_only"}}}},
		{"a language without text", 0, domain.ContentChange{Lang: domain.Some("en"), Jobs: domain.Some(3)},
			"", outcome{fields: []field{{"lang", "lang_without_text"}}}},
		{"one end of a range", 0, domain.ContentChange{MaxInvestment: eur("5")},
			"", outcome{fields: []field{{"min_investment", "give_both"}}}},
		{"part of a language that does not exist", 0, domain.ContentChange{Lang: domain.Some("en"), Title: domain.Some("Hotel")},
			"", outcome{fields: []field{{"lang", "no_such_translation"}}}},
		{"a stale version", 1, domain.ContentChange{Jobs: domain.Some(1)}, "", outcome{is: domain.ErrPreconditionFailed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lang, err := f.svc.Patch(ctx, f.owner, domain.KindOpportunity, it, tt.ifVersion, tt.in)
			tt.want.check(t, err)
			if lang != tt.wantLang {
				t.Errorf("language written %q, want %q", lang, tt.wantLang)
			}
		})
	}
	o, err := f.store.OpportunityForEditor(ctx, f.draft, []string{"pt"})
	if err != nil {
		t.Fatal(err)
	}
	if o.Title != "Hotel novo" || o.Jobs == nil || *o.Jobs != 12 || o.Region != nil || o.Contact.Email != nil {
		t.Errorf("after the changes: title %q, jobs %v, region %v", o.Title, o.Jobs, o.Region)
	}
	if !slices.Equal(o.Sectors, []string{"tourism"}) {
		t.Errorf("sectors: got %v, want [tourism]", o.Sectors)
	}
}

func TestTranslationsAndWorkflow(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	text := domain.TextChange{Lang: "en", Title: domain.Some("Hotel"), Summary: domain.Some("Summary"), Description: domain.Some("Text")}
	steps := []struct {
		name string
		run  func() error
		want outcome
	}{
		{"a translation needs its whole text", func() error {
			_, err := f.svc.PutTranslation(ctx, f.owner, domain.KindOpportunity, f.draft, 0, domain.TextChange{Lang: "en"})
			return err
		}, outcome{fields: []field{{"title", "required"}, {"summary", "required"}, {"description", "required"}}}},
		{"a new translation", func() error {
			created, err := f.svc.PutTranslation(ctx, f.owner, domain.KindOpportunity, f.draft, 0, text)
			if err == nil && !created {
				t.Error("the translation is not reported new")
			}
			return err
		}, outcome{}},
		{"the source language stays", func() error {
			_, err := f.svc.DeleteTranslation(ctx, f.owner, domain.KindOpportunity, f.draft, 0, "pt")
			return err
		}, outcome{is: domain.ErrSourceLanguage}},
		{"deleting a translation", func() error {
			_, err := f.svc.DeleteTranslation(ctx, f.owner, domain.KindOpportunity, f.draft, 0, "en")
			return err
		}, outcome{}},
		{"archiving a draft", func() error {
			return f.svc.Transition(ctx, f.owner, domain.KindOpportunity, f.draft, 0, domain.ActionArchive, "")
		}, outcome{decision: domain.WrongStatus}},
		{"submitting", func() error {
			return f.svc.Transition(ctx, f.owner, domain.KindOpportunity, f.draft, 0, domain.ActionSubmit, "")
		}, outcome{}},
		{"an unverified organization does not publish", func() error {
			return f.svc.Transition(ctx, f.owner, domain.KindOpportunity, f.draft, 0, domain.ActionPublish, "")
		}, outcome{decision: domain.NotVerified}},
		{"only an administrator rejects", func() error {
			return f.svc.Transition(ctx, f.owner, domain.KindOpportunity, f.draft, 0, domain.ActionReject, "No")
		}, outcome{decision: domain.AdminOnly}},
		{"a rejection needs its reason", func() error {
			return f.svc.Transition(ctx, f.admin, domain.KindOpportunity, f.draft, 0, domain.ActionReject, " ")
		}, outcome{fields: []field{{"reason", "required"}}}},
		{"a rejection", func() error {
			return f.svc.Transition(ctx, f.admin, domain.KindOpportunity, f.draft, 0, domain.ActionReject, "Sources?")
		}, outcome{}},
		{"deleting the draft", func() error {
			return f.svc.Delete(ctx, f.owner, domain.KindOpportunity, f.draft, 0)
		}, outcome{}},
		{"a deleted draft", func() error {
			_, err := f.svc.Target(ctx, f.owner, domain.KindOpportunity, f.draft)
			return err
		}, outcome{is: domain.ErrNotFound}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) { s.want.check(t, s.run()) })
	}
	events, _, err := f.svc.History(ctx, f.draft, "", 0, 20)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	want := []string{"create", "translate", "delete_translation", "submit", "reject", "delete"}
	if !slices.Equal(actions, want) {
		t.Errorf("audit trail: got %v, want %v", actions, want)
	}
}
