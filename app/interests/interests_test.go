package interests_test

import (
	"context"
	"errors"
	"testing"

	"github.com/diaspora-investor/marketplace/app/interests"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// fixture is a seeded published opportunity, its agency's member, an investor and a stranger.
type fixture struct {
	svc                     *interests.Service
	opp                     string
	agency, investor, other domain.Actor
	investorUser            *domain.User
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	db, _ := testdb.New(t)
	store := repository.New(db)
	ctx := context.Background()
	var opp struct {
		ID    string `db:"id"`
		OrgID string `db:"organization_id"`
	}
	if err := db.GetContext(ctx, &opp, `SELECT id, organization_id FROM opportunities
		WHERE status = 'published' AND NOT illustrative ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	actor := func(email string) (domain.Actor, *domain.User) {
		u, err := store.CreateUser(ctx, email, "h", "Name", nil)
		if err != nil {
			t.Fatal(err)
		}
		a, err := store.Actor(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return a, u
	}
	_, member := actor("member@agency.cv")
	if _, err := db.ExecContext(ctx, `INSERT INTO organization_members (organization_id, user_id, role) VALUES ($1, $2, 'member')`,
		opp.OrgID, member.ID); err != nil {
		t.Fatal(err)
	}
	agency, err := store.Actor(ctx, member)
	if err != nil {
		t.Fatal(err)
	}
	investor, investorUser := actor("investor@example.org")
	other, _ := actor("other@example.org")
	return fixture{svc: interests.New(store), opp: opp.ID, agency: agency, investor: investor, other: other, investorUser: investorUser}
}

func fieldCodes(err error) map[string]string {
	var v *domain.Invalid
	if !errors.As(err, &v) {
		return nil
	}
	out := map[string]string{}
	for _, f := range v.Fields {
		out[f.Name] = f.Code
	}
	return out
}

func TestSendChecksInput(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		in   interests.Expression
		want map[string]string
	}{
		{"empty message", interests.Expression{Message: "  "}, map[string]string{"message": "required"}},
		{"long message", interests.Expression{Message: string(make([]rune, interests.MaxMessage+1))}, map[string]string{"message": "too_long"}},
		{"bad amount", interests.Expression{Message: "x", Amount: &domain.Money{Amount: "-5", Currency: "EUR"}}, map[string]string{"amount": "invalid_amount"}},
		{"unknown currency", interests.Expression{Message: "x", Amount: &domain.Money{Amount: "10", Currency: "XXX"}}, map[string]string{"amount": "invalid_currency"}},
		{"unknown field shared", interests.Expression{Message: "x", Share: []string{"email", "password_hash"}}, map[string]string{"share": "unknown_code"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := f.svc.Send(ctx, f.investorUser, f.opp, c.in, nil)
			got := fieldCodes(err)
			if len(got) != len(c.want) {
				t.Fatalf("errors %v (%v), want %v", got, err, c.want)
			}
			for name, code := range c.want {
				if got[name] != code {
					t.Errorf("%s: got %q, want %q", name, got[name], code)
				}
			}
		})
	}
}

func TestSendOnceWhateverTheRetries(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	send := func(opp, msg, key string) (*domain.Interest, bool, error) {
		return f.svc.Send(ctx, f.investorUser, opp, interests.Expression{Message: msg, Share: []string{"email", "email"},
			IdempotencyKey: key, Request: []byte(msg)}, []string{"en"})
	}
	if _, _, err := send("00000000-0000-0000-0000-000000000000", "x", ""); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("an unknown opportunity: %v", err)
	}
	first, replayed, err := send(f.opp, " Tenho interesse. ", "k1")
	if err != nil || replayed {
		t.Fatalf("first: %v, replayed %v", err, replayed)
	}
	if first.Message != "Tenho interesse." || len(first.Shared) != 1 || first.Shared["email"] != "investor@example.org" {
		t.Errorf("first: message %q, shared %v", first.Message, first.Shared)
	}
	for _, c := range []struct {
		name, msg, key string
		want           error
		replay         bool
	}{
		{"retry", " Tenho interesse. ", "k1", nil, true},
		{"same key, other request", "Outra.", "k1", domain.ErrIdempotencyMismatch, false},
		{"second open interest", "Outra.", "k2", domain.ErrInterestOpen, false},
		{"second open interest, no key", "Outra.", "", domain.ErrInterestOpen, false},
	} {
		it, replayed, err := send(f.opp, c.msg, c.key)
		if !errors.Is(err, c.want) || replayed != c.replay || (c.replay && it.ID != first.ID) {
			t.Errorf("%s: %v, replayed %v; want %v, %v", c.name, err, replayed, c.want, c.replay)
		}
	}
	if !errors.Is(domain.ErrInterestOpen, domain.ErrConflict) {
		t.Error("an open interest is not a conflict")
	}
}

func TestWhoSeesAndMovesAnInterest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it, _, err := f.svc.Send(ctx, f.investorUser, f.opp, interests.Expression{Message: "Olá"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, a := range map[string]domain.Actor{"investor": f.investor, "agency": f.agency, "admin": {UserID: f.other.UserID, Admin: true}} {
		if _, err := f.svc.Interest(ctx, a, it.ID, nil); err != nil {
			t.Errorf("%s does not see it: %v", name, err)
		}
	}
	if _, err := f.svc.Interest(ctx, f.other, it.ID, nil); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("a stranger sees it: %v", err)
	}
	reply := func(s string) *string { return &s }
	for _, c := range []struct {
		name    string
		actor   domain.Actor
		change  domain.InterestChange
		invalid map[string]string
		denied  bool
		err     error
		status  string
	}{
		{name: "back to sent", actor: f.agency, change: domain.InterestChange{Status: "sent"}, invalid: map[string]string{"status": "unknown_code"}},
		{name: "answer without reply", actor: f.agency, change: domain.InterestChange{Status: "answered"}, invalid: map[string]string{"reply": "required"}},
		{name: "reply without answer", actor: f.agency, change: domain.InterestChange{Status: "read", Reply: reply("x")}, invalid: map[string]string{"reply": "reply_needs_answered"}},
		{name: "stranger", actor: f.other, change: domain.InterestChange{Status: "closed"}, err: domain.ErrNotFound},
		{name: "investor marks read", actor: f.investor, change: domain.InterestChange{Status: "read"}, denied: true},
		{name: "agency marks read", actor: f.agency, change: domain.InterestChange{Status: "read"}, status: "read"},
		{name: "agency answers", actor: f.agency, change: domain.InterestChange{Status: "answered", Reply: reply(" Obrigado ")}, status: "answered"},
		{name: "investor withdraws", actor: f.investor, change: domain.InterestChange{Status: "closed"}, status: "closed"},
		{name: "closed stays closed", actor: f.agency, change: domain.InterestChange{Status: "answered", Reply: reply("Tarde")}, denied: true},
	} {
		got, err := f.svc.Update(ctx, c.actor, it.ID, c.change, nil)
		var denied domain.Denied
		switch {
		case c.invalid != nil:
			if codes := fieldCodes(err); len(codes) != len(c.invalid) || codes[firstKey(c.invalid)] != c.invalid[firstKey(c.invalid)] {
				t.Errorf("%s: %v, want %v", c.name, err, c.invalid)
			}
		case c.denied:
			if !errors.As(err, &denied) {
				t.Errorf("%s: %v, want denied", c.name, err)
			}
		case c.err != nil:
			if !errors.Is(err, c.err) {
				t.Errorf("%s: %v, want %v", c.name, err, c.err)
			}
		case err != nil || got.Status != c.status:
			t.Errorf("%s: %v, %+v; want status %s", c.name, err, got, c.status)
		case c.status == "answered" && (got.Reply == nil || *got.Reply != "Obrigado"):
			t.Errorf("%s: reply %v", c.name, got.Reply)
		}
	}
}

func firstKey(m map[string]string) string {
	for k := range m {
		return k
	}
	return ""
}

func TestLists(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it, _, err := f.svc.Send(ctx, f.investorUser, f.opp, interests.Expression{Message: "Olá"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	inbox, err := f.svc.Inbox(ctx, f.agency, it.Organization.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Inbox(ctx, f.investor, it.Organization.ID); !errors.As(err, new(domain.Denied)) {
		t.Errorf("an investor opens the agency's inbox: %v", err)
	}
	for _, c := range []struct {
		name   string
		list   interests.List
		status string
		want   int
	}{
		{"inbox", inbox, "", 1},
		{"inbox, sent", inbox, "sent", 1},
		{"inbox, read", inbox, "read", 0},
		{"mine", f.svc.Mine(f.investorUser), "", 1},
		{"nobody's", interests.List{}, "", -1},
	} {
		items, _, err := f.svc.Page(ctx, c.list, interests.Page{Status: c.status, Limit: 10})
		switch {
		case c.want < 0 && err == nil:
			t.Errorf("%s: a list of nobody's interests was read", c.name)
		case c.want >= 0 && (err != nil || len(items) != c.want):
			t.Errorf("%s: %d items, %v; want %d", c.name, len(items), err, c.want)
		}
	}
	if inbox.Fingerprint("") == f.svc.Mine(f.investorUser).Fingerprint("") || inbox.Fingerprint("") == inbox.Fingerprint("sent") {
		t.Error("two lists share their cursors")
	}
}
