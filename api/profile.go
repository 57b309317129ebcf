package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

type profileJSON struct {
	DisplayName      string          `json:"display_name"`
	OriginCountry    *string         `json:"origin_country"`
	ResidenceCountry *string         `json:"residence_country"`
	Languages        []string        `json:"languages"`
	Sectors          []coded         `json:"sectors"`
	Regions          []regionRefJSON `json:"regions"`
	TicketMin        *domain.Money   `json:"ticket_min"`
	TicketMax        *domain.Money   `json:"ticket_max"`
	InvestorType     *coded          `json:"investor_type"`
	LegalForm        *coded          `json:"legal_form"`
	UpdatedAt        *time.Time      `json:"updated_at"`
}

func (v *view) profile(p *domain.Profile) profileJSON {
	out := profileJSON{DisplayName: p.DisplayName, OriginCountry: p.OriginCountry, ResidenceCountry: p.ResidenceCountry,
		Languages: orEmpty(p.Languages), Sectors: v.labels(domain.Sectors, p.Sectors),
		Regions: make([]regionRefJSON, len(p.Regions)), TicketMin: p.TicketMin, TicketMax: p.TicketMax,
		InvestorType: v.optionalLabel(domain.InvestorTypes, p.InvestorType),
		LegalForm:    v.optionalLabel(domain.LegalForms, p.LegalForm)}
	for i, r := range p.Regions {
		out.Regions[i] = regionRefJSON(r)
	}
	if p.UpdatedAt != nil {
		t := p.UpdatedAt.UTC()
		out.UpdatedAt = &t
	}
	return out
}

func (s *server) getProfile(c *fiber.Ctx) error {
	p, err := readAs(c, requireUser, s.accounts.Profile)
	if err != nil {
		return err
	}
	v := s.newView(requestPrefs(c))
	return s.sendPrivate(c, v, v.profile(p))
}

// profileInput is the body of PUT /v1/me/profile: a domain.ProfileChange with its JSON names.
type profileInput struct {
	DisplayName      *string       `json:"display_name"`
	OriginCountry    *string       `json:"origin_country"`
	ResidenceCountry *string       `json:"residence_country"`
	Languages        []string      `json:"languages"`
	Sectors          []string      `json:"sectors"`
	Regions          []string      `json:"regions"`
	TicketMin        *domain.Money `json:"ticket_min"`
	TicketMax        *domain.Money `json:"ticket_max"`
	InvestorType     *string       `json:"investor_type"`
	LegalForm        *string       `json:"legal_form"`
}

func (s *server) putProfile(c *fiber.Ctx) error {
	user, in, err := writeOf[profileInput](s, c, "origin_country", "residence_country", "ticket_min", "ticket_max", "investor_type", "legal_form")
	if err != nil {
		return err
	}
	if err := s.accounts.PutProfile(c.UserContext(), user, domain.ProfileChange(in)); err != nil {
		return writeError(err, "")
	}
	return s.getProfile(c)
}

type savedJSON struct {
	SavedAt     time.Time       `json:"saved_at"`
	Opportunity opportunityJSON `json:"opportunity"`
}

func (s *server) listSaved(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	f, currency, err := s.savedParams(c, user)
	if err != nil {
		return err
	}
	page, err := s.accounts.Saved(c.UserContext(), user, f)
	if err != nil {
		return err
	}
	v := s.newView(f.Langs)
	if err := s.showAmounts(c, v, currency); err != nil {
		return err
	}
	items := make([]savedJSON, len(page.Items))
	for i, it := range page.Items {
		items[i] = savedJSON{SavedAt: it.SavedAt.UTC(), Opportunity: v.opportunity(it.Opportunity)}
	}
	if err := sendList(s, c, v, items, page.Next, nil); err != nil {
		return err
	}
	s.private(c, v)
	return nil
}

// savedParams reads the parameters of the list of saved opportunities: a page's size and
// cursor, and the currency to show amounts in.
func (s *server) savedParams(c *fiber.Ctx, user *domain.User) (domain.ListFilter, string, error) {
	q := &queryParams{c: c}
	f := domain.ListFilter{Owner: user.ID, Langs: requestPrefs(c), Limit: q.limit()}
	currency := s.displayCurrency(q)
	if err := q.err("invalid-parameters"); err != nil {
		return f, "", err
	}
	if cursor := q.one("cursor"); cursor != "" {
		var err error
		if f.After, err = domain.DecodeCursor(cursor, f.Fingerprint(domain.KindSaved)); err != nil {
			q.add("cursor", "query", "invalid_cursor", nil)
		}
	}
	return f, currency, q.err("invalid-parameters")
}

func (s *server) saveOpportunity(c *fiber.Ctx) error {
	return s.changeSaved(c, s.accounts.Save)
}

func (s *server) unsaveOpportunity(c *fiber.Ctx) error {
	return s.changeSaved(c, s.accounts.Unsave)
}

// changeSaved saves or unsaves the opportunity of the path for the signed-in user.
func (s *server) changeSaved(c *fiber.Ctx, change func(context.Context, *domain.User, string) error) error {
	user, id, err := s.opportunityWriter(c, "opportunity_id")
	if err != nil {
		return err
	}
	if err := change(c.UserContext(), user, id); err != nil {
		return writeError(err, "opportunity")
	}
	return sendNoContent(c)
}

type exportJSON struct {
	ExportedAt time.Time     `json:"exported_at"`
	User       meJSON        `json:"user"`
	Profile    profileJSON   `json:"profile"`
	Saved      []savedRef    `json:"saved"`
	Sessions   []sessionJSON `json:"sessions"`
	APIKeys    []apiKeyJSON  `json:"api_keys"`
	// What the user did on the agencies' side: the interests they sent, the organizations they
	// belong to.
	Interests   []interestJSON   `json:"interests"`
	Memberships []membershipJSON `json:"memberships"`
}

type membershipJSON struct {
	Organization orgRefJSON `json:"organization"`
	Role         coded      `json:"role"`
	AddedAt      time.Time  `json:"added_at"`
}

type savedRef struct {
	OpportunityID string    `json:"opportunity_id"`
	SavedAt       time.Time `json:"saved_at"`
}

type sessionJSON struct {
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// export gives everything held about the user, as one JSON document.
func (s *server) export(c *fiber.Ctx) error {
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	x, err := s.accounts.Export(c.UserContext(), user, requestPrefs(c))
	if err != nil {
		return err
	}
	v := s.newView(requestPrefs(c))
	s.private(c, v)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="diaspora-marketplace-export.json"`)
	return s.sendJSON(c, v.export(x))
}

func (v *view) export(x *domain.AccountExport) exportJSON {
	out := exportJSON{ExportedAt: x.At.UTC(), User: v.me(x.User), Profile: v.profile(x.Profile),
		Saved: make([]savedRef, len(x.Saved)), Sessions: make([]sessionJSON, len(x.Sessions)),
		APIKeys: make([]apiKeyJSON, len(x.APIKeys)), Interests: make([]interestJSON, len(x.Interests)),
		Memberships: make([]membershipJSON, len(x.Memberships))}
	for i, k := range x.APIKeys {
		out.APIKeys[i] = apiKeyView(k, x.At)
	}
	for i, r := range x.Saved {
		out.Saved[i] = savedRef{OpportunityID: r.ID, SavedAt: r.SavedAt.UTC()}
	}
	for i, r := range x.Sessions {
		out.Sessions[i] = sessionJSON{CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(), RevokedAt: utc(r.RevokedAt)}
	}
	for i := range x.Interests {
		out.Interests[i] = v.interest(&x.Interests[i])
	}
	for i, m := range x.Memberships {
		out.Memberships[i] = membershipJSON{Organization: orgRef(m.Organization), Role: v.label(domain.MemberRoles, m.Role), AddedAt: m.AddedAt.UTC()}
	}
	return out
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
