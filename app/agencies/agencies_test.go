package agencies_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/diaspora-investor/marketplace/app/agencies"
	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/internal/testdb"
	"github.com/diaspora-investor/marketplace/repository"
)

// world is one database with an owner, a newcomer and an administrator, and the use cases over
// the real store.
type world struct {
	t                      *testing.T
	ctx                    context.Context
	store                  *repository.Store
	svc                    *agencies.Service
	owner, newcomer, admin *domain.User
}

func newWorld(t *testing.T) *world {
	testdb.SkipIfShort(t)
	db, _ := testdb.New(t)
	w := &world{t: t, ctx: context.Background(), store: repository.New(db)}
	w.svc = agencies.New(w.store)
	w.owner = w.user("owner@example.org")
	w.newcomer = w.user("newcomer@example.org")
	w.admin = w.user("admin@example.org")
	w.admin.Role = "admin"
	return w
}

func (w *world) user(email string) *domain.User {
	u, err := w.store.CreateUser(w.ctx, email, "not-a-real-hash", email, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

// actor reads the user's memberships as they are now.
func (w *world) actor(u *domain.User) domain.Actor {
	a, err := w.store.Actor(w.ctx, u)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

func ptr(s string) *string { return &s }

func ptrActor(a domain.Actor) *domain.Actor { return &a }

// fieldsOf lists the fields an Invalid error names, or nil.
func fieldsOf(err error) []string {
	var invalid *domain.Invalid
	if !errors.As(err, &invalid) {
		return nil
	}
	var names []string
	for _, f := range invalid.Fields {
		names = append(names, f.Name+":"+f.Code)
	}
	return names
}

func deniedAs(err error) domain.Decision {
	var d domain.Denied
	if errors.As(err, &d) {
		return d.Decision
	}
	return domain.Allowed
}

// Each scenario runs on a fresh world where the owner has applied for an organization in Cabo
// Verde; it returns the error of its last step, which must be the one expected.
func TestOrganizationScenarios(t *testing.T) {
	type scenario struct {
		name       string
		run        func(w *world, orgID string) error
		wantFields []string        // an Invalid error naming these fields (field:code)
		wantDenied domain.Decision // a Denied error with this decision
		wantErr    error           // errors.Is this error
	}
	scenarios := []scenario{
		{name: "an application with every field wrong names each field",
			run: func(w *world, _ string) error {
				_, err := w.svc.Apply(w.ctx, w.newcomer, domain.OrgApplication{Name: " ", Country: "ZZ", Type: "church", Website: ptr("ftp://x")})
				return err
			},
			wantFields: []string{"name:required", "country:unknown_country", "type:unknown_code", "website:invalid_url"}},
		{name: "a stranger cannot invite",
			run: func(w *world, orgID string) error {
				_, err := w.svc.Invite(w.ctx, w.actor(w.newcomer), orgID, agencies.Invitation{Email: "x@example.org"})
				return err
			},
			wantDenied: domain.Hidden},
		{name: "an invitation with a bad address and role names both",
			run: func(w *world, orgID string) error {
				_, err := w.svc.Invite(w.ctx, w.actor(w.owner), orgID, agencies.Invitation{Email: "not-an-address", Role: "boss"})
				return err
			},
			wantFields: []string{"email:invalid_email", "role:unknown_code"}},
		{name: "an accepted invitation makes a member, who cannot be invited again",
			run: func(w *world, orgID string) error {
				inv, err := w.svc.Invite(w.ctx, w.actor(w.owner), orgID, agencies.Invitation{Email: "NewComer@Example.org"})
				if err != nil {
					return err
				}
				mine, err := w.svc.Mine(w.ctx, w.newcomer)
				if err != nil || len(mine) != 1 || mine[0].ID != inv.ID {
					t.Fatalf("the invitee's list: %v, %v", mine, err)
				}
				if _, err := w.svc.Answer(w.ctx, w.newcomer, inv.ID, true); err != nil {
					return err
				}
				if _, member := w.actor(w.newcomer).Orgs[orgID]; !member {
					t.Fatal("accepted, but not a member")
				}
				_, err = w.svc.Invite(w.ctx, w.actor(w.owner), orgID, agencies.Invitation{Email: "newcomer@example.org"})
				return err
			},
			wantErr: domain.ErrAlreadyMember},
		{name: "someone else's invitation does not exist for them",
			run: func(w *world, orgID string) error {
				inv, err := w.svc.Invite(w.ctx, w.actor(w.owner), orgID, agencies.Invitation{Email: "third@example.org"})
				if err != nil {
					return err
				}
				_, err = w.svc.Answer(w.ctx, w.newcomer, inv.ID, true)
				return err
			},
			wantErr: domain.ErrNotFound},
		{name: "the last owner cannot leave",
			run: func(w *world, orgID string) error {
				return w.svc.RemoveMember(w.ctx, w.actor(w.owner), orgID, w.owner.ID)
			},
			wantDenied: domain.LastOwner},
		{name: "an unknown role is refused",
			run: func(w *world, orgID string) error {
				return w.svc.ChangeRole(w.ctx, w.actor(w.owner), orgID, w.owner.ID, "king")
			},
			wantFields: []string{"role:unknown_code"}},
		{name: "only an administrator verifies",
			run: func(w *world, orgID string) error {
				_, err := w.svc.Verify(w.ctx, w.actor(w.owner), orgID, true)
				return err
			},
			wantDenied: domain.AdminOnly},
		{name: "once verified, the owner cannot rename it",
			run: func(w *world, orgID string) error {
				if _, err := w.svc.Verify(w.ctx, w.actor(w.admin), orgID, true); err != nil {
					return err
				}
				_, err := w.svc.Edit(w.ctx, w.actor(w.owner), orgID, domain.OrgIdentity{Name: ptr("Banco de Cabo Verde")})
				return err
			},
			wantDenied: domain.IdentityNeedsAdmin},
		{name: "an application is not public",
			run: func(w *world, orgID string) error {
				_, err := w.svc.Organization(w.ctx, nil, orgID)
				return err
			},
			wantErr: domain.ErrNotFound},
		{name: "an application is hidden from a stranger, shown to its owner",
			run: func(w *world, orgID string) error {
				if org, err := w.svc.Organization(w.ctx, ptrActor(w.actor(w.owner)), orgID); err != nil || org.ID != orgID {
					t.Fatalf("the owner reads %v, %v", org, err)
				}
				_, err := w.svc.Members(w.ctx, w.actor(w.newcomer), orgID)
				return err
			},
			wantDenied: domain.Hidden},
		{name: "two verified organizations of a country never share a name",
			run: func(w *world, orgID string) error {
				if _, err := w.svc.Verify(w.ctx, w.actor(w.admin), orgID, true); err != nil {
					return err
				}
				twin, err := w.svc.Apply(w.ctx, w.newcomer, domain.OrgApplication{Name: "Scenario Agency", Country: "CV", Type: "investment_promotion_agency"})
				if err != nil {
					return err
				}
				_, err = w.svc.Verify(w.ctx, w.actor(w.admin), twin, true)
				return err
			},
			wantErr: domain.ErrIdentityTaken},
		{name: "a person reads their own memberships, and another's do not exist for them",
			run: func(w *world, orgID string) error {
				mine, err := w.svc.Memberships(w.ctx, w.actor(w.owner), w.owner.ID)
				if err != nil || len(mine) != 1 || mine[0].Organization.ID != orgID || mine[0].Role != domain.RoleOwner {
					t.Fatalf("the owner's memberships: %+v, %v", mine, err)
				}
				if theirs, err := w.svc.Memberships(w.ctx, w.actor(w.admin), w.owner.ID); err != nil || len(theirs) != 1 {
					t.Fatalf("an administrator reads them: %+v, %v", theirs, err)
				}
				_, err = w.svc.Memberships(w.ctx, w.actor(w.newcomer), w.owner.ID)
				return err
			},
			wantDenied: domain.Hidden},
		{name: "only an administrator lists the pending applications",
			run: func(w *world, _ string) error {
				_, _, err := w.svc.PendingOrganizations(w.ctx, w.actor(w.owner), domain.OrgFilter{Limit: 10})
				return err
			},
			wantDenied: domain.AdminOnly},
		{name: "the pending applications come oldest first, page by page, and leave once verified",
			run: func(w *world, orgID string) error {
				second, err := w.svc.Apply(w.ctx, w.newcomer, domain.OrgApplication{Name: "Second Agency", Country: "CV", Type: "ngo"})
				if err != nil {
					return err
				}
				admin := w.actor(w.admin)
				first, more, err := w.svc.PendingOrganizations(w.ctx, admin, domain.OrgFilter{Country: "CV", Limit: 1})
				if err != nil || len(first) != 1 || first[0].ID != orgID || !more {
					t.Fatalf("first page: %+v, more %v, %v", first, more, err)
				}
				next, more, err := w.svc.PendingOrganizations(w.ctx, admin, domain.OrgFilter{Country: "CV", Limit: 1,
					AfterKey: first[0].CreatedAt.Format(time.RFC3339Nano), AfterID: first[0].ID})
				if err != nil || len(next) != 1 || next[0].ID != second || more {
					t.Fatalf("second page: %+v, more %v, %v", next, more, err)
				}
				if _, err := w.svc.Verify(w.ctx, admin, orgID, true); err != nil {
					return err
				}
				left, _, err := w.svc.PendingOrganizations(w.ctx, admin, domain.OrgFilter{Country: "CV", Limit: 10})
				if err != nil || len(left) != 1 || left[0].ID != second {
					t.Fatalf("after verification: %+v, %v", left, err)
				}
				return nil
			}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t)
			orgID, err := w.svc.Apply(w.ctx, w.owner, domain.OrgApplication{Name: "Scenario Agency", Country: "cv", Type: "investment_promotion_agency"})
			if err != nil {
				t.Fatal(err)
			}
			err = sc.run(w, orgID)
			switch {
			case sc.wantFields != nil:
				if got := fieldsOf(err); !slices.Equal(got, sc.wantFields) {
					t.Fatalf("fields %v, want %v (error %v)", got, sc.wantFields, err)
				}
			case sc.wantDenied != domain.Allowed:
				if got := deniedAs(err); got != sc.wantDenied {
					t.Fatalf("decision %d, want %d (error %v)", got, sc.wantDenied, err)
				}
			case !errors.Is(err, sc.wantErr):
				t.Fatalf("error %v, want %v", err, sc.wantErr)
			}
		})
	}
}
