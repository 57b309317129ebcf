package repository_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
)

// editorFixture is an organization of Cabo Verde with one owner, and a draft of theirs.
func editorFixture(t *testing.T) (*repository.Store, domain.Actor, string, string) {
	t.Helper()
	s := newStore(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "owner@agency.cv", "h", "Owner", nil)
	if err != nil {
		t.Fatal(err)
	}
	org, err := s.CreateOrganization(ctx, u.ID, repository.OrgInput{Name: "Agência", Country: "CV", Type: "ngo"})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := s.Actor(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if m := actor.Orgs[org]; m.Role != domain.RoleOwner || m.Country != "CV" || m.Verified {
		t.Fatalf("membership %+v", m)
	}
	title, text := "Título", "Texto"
	id, err := s.CreateContent(ctx, domain.KindOpportunity, actor, org, "CV", domain.ContentChange{
		Jobs:    domain.Some(4),
		Sectors: domain.Some([]string{"ict"}),
		Lang:    domain.Some("pt"), Title: domain.Some(title), Summary: domain.Some(text), Description: domain.Some(text),
	})
	if err != nil {
		t.Fatal(err)
	}
	return s, actor, org, id
}

func TestEditRecordsWhatChanged(t *testing.T) {
	s, actor, org, id := editorFixture(t)
	ctx := context.Background()
	v, err := s.UpdateContent(ctx, domain.KindOpportunity, id, actor, 1, domain.ContentChange{Jobs: domain.Some(4)})
	if err != nil || v != 1 {
		t.Fatalf("an unchanged write: version %d, %v", v, err)
	}
	title := "Título novo"
	v, err = s.UpdateContent(ctx, domain.KindOpportunity, id, actor, 1, domain.ContentChange{
		Jobs: domain.Some(9), Title: domain.Some(title)})
	if err != nil || v != 2 {
		t.Fatalf("an edit: version %d, %v", v, err)
	}
	events, more, err := s.History(ctx, id, "", 0, 10)
	if err != nil || more || len(events) != 2 {
		t.Fatalf("history %v %v %v", events, more, err)
	}
	e := events[1]
	if e.Action != "update" || e.Actor == nil || e.Actor.ID != actor.UserID || e.Lang == nil || *e.Lang != "pt" {
		t.Errorf("event %+v", e)
	}
	if c := e.Changes["jobs"]; c.Before != 4.0 || c.After != 9.0 {
		t.Errorf("jobs change %+v", c)
	}
	if c := e.Changes["title"]; c.Before != "Título" || c.After != "Título novo" {
		t.Errorf("title change %+v", c)
	}
	if len(e.Changes) != 2 {
		t.Errorf("changes %v", e.Changes)
	}
	// The organization's trail holds its own creation and the item's events.
	orgEvents, _, err := s.History(ctx, "", org, 0, 10)
	if err != nil || len(orgEvents) != 3 {
		t.Errorf("organization history %d events, %v", len(orgEvents), err)
	}
	// A write from version 1 is now stale; the rules refuse a wrong transition.
	if _, err := s.UpdateContent(ctx, domain.KindOpportunity, id, actor, 1, domain.ContentChange{Jobs: domain.Some(1)}); !errors.Is(err, repository.ErrPreconditionFailed) {
		t.Errorf("stale version: %v", err)
	}
	var denied domain.Denied
	if _, err := s.Transition(ctx, domain.KindOpportunity, id, actor, 0, domain.ActionArchive, nil); !errors.As(err, &denied) || denied.Decision != domain.WrongStatus {
		t.Errorf("archiving a draft: %v", err)
	}
}

// TestConcurrentTransitions: of two publications at once, one happens; the item is locked
// while the rules are asked, so the second sees the new status.
func TestConcurrentTransitions(t *testing.T) {
	s, actor, _, id := editorFixture(t)
	ctx := context.Background()
	admin := domain.Actor{UserID: actor.UserID, Admin: true}
	if _, err := s.Transition(ctx, domain.KindOpportunity, id, admin, 0, domain.ActionSubmit, nil); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Transition(ctx, domain.KindOpportunity, id, admin, 0, domain.ActionPublish, nil)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		var denied domain.Denied
		switch {
		case err == nil:
			ok++
		case errors.As(err, &denied) && denied.Decision == domain.WrongStatus:
		default:
			t.Errorf("unexpected %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d publications succeeded, want 1", ok)
	}
	events, _, _ := s.History(ctx, id, "", 0, 100)
	if n := len(events); n != 3 {
		t.Errorf("%d events, want create, submit, publish", n)
	}
}

// TestErasureKeepsPublicContent: erasing the account of someone who wrote a published item's
// translation leaves the item as the public sees it — no new updated_at, no change-log entry.
func TestErasureKeepsPublicContent(t *testing.T) {
	s, owner, org, id := editorFixture(t)
	ctx := context.Background()
	db := s.DB()
	if _, err := db.ExecContext(ctx, `UPDATE opportunities SET status = 'published', published_at = now() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	writer, err := s.CreateUser(ctx, "writer@agency.cv", "h", "Writer", nil)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := s.Invite(ctx, owner.UserID, org, "writer@agency.cv", domain.RoleMember, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AnswerInvitation(ctx, writer, inv.ID, true); err != nil {
		t.Fatal(err)
	}
	actor, err := s.Actor(ctx, writer)
	if err != nil {
		t.Fatal(err)
	}
	title, text := "Title", "Text"
	if _, _, err := s.PutTranslation(ctx, domain.KindOpportunity, id, actor, 0,
		domain.TextChange{Lang: "en", Title: domain.Some(title), Summary: domain.Some(text), Description: domain.Some(text)}); err != nil {
		t.Fatal(err)
	}
	var updatedAt string
	if err := db.GetContext(ctx, &updatedAt, `SELECT updated_at::text FROM opportunities WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	last, err := s.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx, writer.ID); err != nil {
		t.Fatal(err)
	}
	var after string
	if err := db.GetContext(ctx, &after, `SELECT updated_at::text FROM opportunities WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if after != updatedAt {
		t.Errorf("erasure changed updated_at: %s -> %s", updatedAt, after)
	}
	if now, err := s.LastChange(ctx); err != nil || now != last {
		t.Errorf("erasure wrote to the change log: %d -> %d (%v)", last, now, err)
	}
	if err := s.DeleteUser(ctx, owner.UserID); err != nil {
		t.Fatal(err)
	}
	if now, err := s.LastChange(ctx); err != nil || now != last {
		t.Errorf("erasing the creator wrote to the change log: %d -> %d (%v)", last, now, err)
	}
}
