package api

import (
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/language"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
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
	user, err := requireUser(c)
	if err != nil {
		return err
	}
	p, err := s.store.Profile(c.UserContext(), user.ID)
	if err != nil {
		return err
	}
	v := s.newView(requestPrefs(c))
	s.private(c, v)
	return s.sendJSON(c, v.profile(p))
}

// moneyInput is a money amount as clients send it.
type moneyInput struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

const (
	maxProfileLanguages = 10
	maxProfileRegions   = 20
)

func (s *server) putProfile(c *fiber.Ctx) error {
	user, err := s.writer(c)
	if err != nil {
		return err
	}
	var in struct {
		DisplayName      *string     `json:"display_name"`
		OriginCountry    *string     `json:"origin_country"`
		ResidenceCountry *string     `json:"residence_country"`
		Languages        []string    `json:"languages"`
		Sectors          []string    `json:"sectors"`
		Regions          []string    `json:"regions"`
		TicketMin        *moneyInput `json:"ticket_min"`
		TicketMax        *moneyInput `json:"ticket_max"`
		InvestorType     *string     `json:"investor_type"`
		LegalForm        *string     `json:"legal_form"`
	}
	if err := decodeBody(c, &in, "origin_country", "residence_country", "ticket_min", "ticket_max", "investor_type", "legal_form"); err != nil {
		return err
	}
	ctx := c.UserContext()
	var v invalid
	out := repository.ProfileInput{DisplayName: user.DisplayName}
	if in.DisplayName != nil {
		out.DisplayName = checkDisplayName(&v, *in.DisplayName)
	}
	if in.OriginCountry != nil {
		code, err := s.knownCountry(ctx, *in.OriginCountry)
		if err != nil {
			return err
		}
		if code != "" {
			out.OriginCountry = &code
		} else {
			v.add("origin_country", "body", "unknown_country", map[string]any{"Value": truncate(*in.OriginCountry)})
		}
	}
	if in.ResidenceCountry != nil {
		// Any country of the world: people live everywhere, not only in the alliance.
		if code, ok := worldCountry(*in.ResidenceCountry); ok {
			out.ResidenceCountry = &code
		} else {
			v.add("residence_country", "body", "unknown_country", map[string]any{"Value": truncate(*in.ResidenceCountry)})
		}
	}
	if len(in.Languages) > maxProfileLanguages {
		v.add("languages", "body", "too_long", map[string]any{"Max": maxProfileLanguages})
	} else {
		for _, l := range in.Languages {
			tag, ok := knownLanguage(l)
			if !ok {
				v.add("languages", "body", "invalid_language", nil)
				break
			}
			if !slices.Contains(out.Languages, tag) {
				out.Languages = append(out.Languages, tag)
			}
		}
	}
	if len(in.Sectors) > len(domain.Sectors.Codes) {
		v.add("sectors", "body", "too_long", map[string]any{"Max": len(domain.Sectors.Codes)})
	} else {
		for _, sector := range in.Sectors {
			if !domain.Sectors.Has(sector) {
				v.add("sectors", "body", "unknown_code", map[string]any{"Value": truncate(sector), "Allowed": strings.Join(domain.Sectors.Codes, ", ")})
				break
			}
			if !slices.Contains(out.Sectors, sector) {
				out.Sectors = append(out.Sectors, sector)
			}
		}
	}
	if len(in.Regions) > maxProfileRegions {
		v.add("regions", "body", "too_long", map[string]any{"Max": maxProfileRegions})
	} else if len(in.Regions) > 0 {
		// Regions of interest are regions of the origin country, checked in one query.
		for _, region := range in.Regions {
			if !slices.Contains(out.Regions, region) {
				out.Regions = append(out.Regions, region)
			}
		}
		if out.OriginCountry == nil {
			v.add("regions", "body", "unknown_region", map[string]any{"Value": truncate(out.Regions[0])})
		} else {
			unknown, err := s.store.UnknownRegions(ctx, *out.OriginCountry, out.Regions)
			if err != nil {
				return err
			}
			if len(unknown) > 0 {
				v.add("regions", "body", "unknown_region", map[string]any{"Value": truncate(unknown[0])})
			}
		}
	}
	if err := s.ticket(c, &v, in.TicketMin, in.TicketMax, &out); err != nil {
		return err
	}
	if in.InvestorType != nil {
		if domain.InvestorTypes.Has(*in.InvestorType) {
			out.InvestorType = in.InvestorType
		} else {
			v.add("investor_type", "body", "unknown_code", map[string]any{"Value": truncate(*in.InvestorType), "Allowed": strings.Join(domain.InvestorTypes.Codes, ", ")})
		}
	}
	if in.LegalForm != nil {
		if domain.LegalForms.Has(*in.LegalForm) {
			out.LegalForm = in.LegalForm
		} else {
			v.add("legal_form", "body", "unknown_code", map[string]any{"Value": truncate(*in.LegalForm), "Allowed": strings.Join(domain.LegalForms.Codes, ", ")})
		}
	}
	if err := v.err("invalid-body"); err != nil {
		return err
	}
	if err := s.store.PutProfile(ctx, user.ID, out); err != nil {
		return err
	}
	return s.getProfile(c)
}

// ticket checks the investment ticket range: amounts, one known currency, min ≤ max.
func (s *server) ticket(c *fiber.Ctx, v *invalid, min, max *moneyInput, out *repository.ProfileInput) error {
	read := func(name string, m *moneyInput) (amount, currency string, ok bool, err error) {
		if m == nil {
			return "", "", true, nil
		}
		a, errA := domain.ParseAmount(m.Amount)
		if errA != nil {
			v.add(name, "body", "invalid_amount", nil)
			return "", "", false, nil
		}
		cur, err := s.knownCurrency(c.UserContext(), m.Currency)
		if err != nil {
			return "", "", false, err
		}
		if cur == "" {
			v.add(name, "body", "invalid_currency", map[string]any{"Value": truncate(m.Currency)})
			return "", "", false, nil
		}
		return a, cur, true, nil
	}
	minAmount, minCur, okMin, err := read("ticket_min", min)
	if err != nil {
		return err
	}
	maxAmount, maxCur, okMax, err := read("ticket_max", max)
	if err != nil || !okMin || !okMax {
		return err
	}
	if min != nil && max != nil {
		if minCur != maxCur {
			v.add("ticket_max", "body", "currency_mismatch", nil)
			return nil
		}
		if decimalLess(maxAmount, minAmount) {
			v.add("ticket_min", "body", "min_greater_than_max", nil)
			return nil
		}
	}
	if min != nil {
		out.TicketMin, out.TicketCurrency = &minAmount, &minCur
	}
	if max != nil {
		out.TicketMax, out.TicketCurrency = &maxAmount, &maxCur
	}
	return nil
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
	q := &queryParams{c: c}
	f := domain.ListFilter{Owner: user.ID, Langs: requestPrefs(c), Limit: q.limit()}
	currency := s.displayCurrency(q)
	if err := q.err("invalid-parameters"); err != nil {
		return err
	}
	if cursor := q.one("cursor"); cursor != "" {
		if f.After, err = domain.DecodeCursor(cursor, f.Fingerprint(domain.KindSaved)); err != nil {
			q.add("cursor", "query", "invalid_cursor", nil)
		}
	}
	if err := q.err("invalid-parameters"); err != nil {
		return err
	}
	page, err := s.store.SavedOpportunities(c.UserContext(), user.ID, f)
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

func (s *server) saveOpportunity(c *fiber.Ctx) error {
	user, err := s.writer(c)
	if err != nil {
		return err
	}
	id := c.Params("opportunity_id")
	if !idPattern.MatchString(id) {
		return notFound("opportunity")
	}
	if err := s.store.SaveOpportunity(c.UserContext(), user.ID, id); err != nil {
		if err == repository.ErrNotFound {
			return notFound("opportunity")
		}
		return err
	}
	return sendNoContent(c)
}

func (s *server) unsaveOpportunity(c *fiber.Ctx) error {
	user, err := s.writer(c)
	if err != nil {
		return err
	}
	id := c.Params("opportunity_id")
	if !idPattern.MatchString(id) {
		// Not the shape of an id or slug (openapi.yaml's pattern): no opportunity has it.
		return notFound("opportunity")
	}
	if err := s.store.UnsaveOpportunity(c.UserContext(), user.ID, id); err != nil {
		return err
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
	ctx := c.UserContext()
	profile, err := s.store.Profile(ctx, user.ID)
	if err != nil {
		return err
	}
	saved, err := s.store.SavedIDs(ctx, user.ID)
	if err != nil {
		return err
	}
	sessions, err := s.store.Sessions(ctx, user.ID)
	if err != nil {
		return err
	}
	keys, err := s.store.APIKeys(ctx, user.ID)
	if err != nil {
		return err
	}
	interests, err := s.store.AllInterests(ctx, user.ID, requestPrefs(c))
	if err != nil {
		return err
	}
	memberships, err := s.store.Memberships(ctx, user.ID)
	if err != nil {
		return err
	}
	v := s.newView(requestPrefs(c))
	now := time.Now()
	out := exportJSON{ExportedAt: now.UTC(), User: v.me(user), Profile: v.profile(profile),
		Saved: make([]savedRef, len(saved)), Sessions: make([]sessionJSON, len(sessions)), APIKeys: make([]apiKeyJSON, len(keys))}
	for i, k := range keys {
		out.APIKeys[i] = apiKeyView(k, now)
	}
	for i, r := range saved {
		out.Saved[i] = savedRef{OpportunityID: r.ID, SavedAt: r.SavedAt.UTC()}
	}
	for i, r := range sessions {
		out.Sessions[i] = sessionJSON{CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(), RevokedAt: utc(r.RevokedAt)}
	}
	out.Interests = make([]interestJSON, len(interests))
	for i := range interests {
		out.Interests[i] = v.interest(&interests[i])
	}
	out.Memberships = make([]membershipJSON, len(memberships))
	for i, m := range memberships {
		out.Memberships[i] = membershipJSON{Organization: orgRef(m.Organization), Role: v.label(domain.MemberRoles, m.Role), AddedAt: m.AddedAt.UTC()}
	}
	s.private(c, v)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="diaspora-marketplace-export.json"`)
	return s.sendJSON(c, out)
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// knownLanguage accepts a language a person can read: a well-formed tag of a real language
// (no private-use or reserved codes), with a real country when it names one. It returns the
// tag in its canonical form.
func knownLanguage(s string) (string, bool) {
	tag, err := parseTag(s)
	if err != nil || strings.Contains(strings.ToLower(s), "x-") {
		return "", false
	}
	base, confidence := tag.Base()
	if confidence == language.No {
		return "", false
	}
	iso3 := base.ISO3()
	if iso3 == "" || (iso3 >= "qaa" && iso3 <= "qtz") {
		return "", false
	}
	if region, c := tag.Region(); c == language.Exact && !region.IsCountry() {
		return "", false
	}
	return tag.String(), true
}
