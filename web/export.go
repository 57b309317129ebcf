package web

import (
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// The data export, in the shape of the API's (GET /v1/me/export): snake_case names, codes with
// their labels in the reader's language, times in UTC. The password's hash is no data of the
// person's and is not in it.

type coded struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

func (p *page) coded(set domain.CodeSet, code string) coded {
	return coded{Code: code, Label: p.site.texts.label(p.Lang, set, code)}
}

func (p *page) optCoded(set domain.CodeSet, code *string) *coded {
	if code == nil {
		return nil
	}
	c := p.coded(set, *code)
	return &c
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func orgRef(o domain.OrgRef) map[string]any {
	return map[string]any{"id": o.ID, "name": o.Name, "acronym": o.Acronym}
}

// exportView is the export as JSON values.
func (p *page) exportView(e *domain.AccountExport) map[string]any {
	u := e.User
	out := map[string]any{
		"exported_at": e.At.UTC(),
		"user": map[string]any{"id": u.ID, "email": u.Email, "display_name": u.DisplayName, "lang": u.Lang,
			"role": p.coded(domain.Roles, u.Role), "created_at": u.CreatedAt.UTC(), "updated_at": u.UpdatedAt.UTC()},
	}
	if pr := e.Profile; pr != nil {
		sectors := make([]coded, len(pr.Sectors))
		for i, s := range pr.Sectors {
			sectors[i] = p.coded(domain.Sectors, s)
		}
		regions := make([]map[string]any, len(pr.Regions))
		for i, r := range pr.Regions {
			regions[i] = map[string]any{"code": r.Code, "name": r.Name}
		}
		out["profile"] = map[string]any{"display_name": pr.DisplayName, "origin_country": pr.OriginCountry,
			"residence_country": pr.ResidenceCountry, "languages": orEmpty(pr.Languages), "sectors": sectors, "regions": regions,
			"ticket_min": pr.TicketMin, "ticket_max": pr.TicketMax, "investor_type": p.optCoded(domain.InvestorTypes, pr.InvestorType),
			"legal_form": p.optCoded(domain.LegalForms, pr.LegalForm), "updated_at": utc(pr.UpdatedAt)}
	}
	saved := make([]map[string]any, len(e.Saved))
	for i, b := range e.Saved {
		saved[i] = map[string]any{"opportunity_id": b.ID, "saved_at": b.SavedAt.UTC()}
	}
	sessions := make([]map[string]any, len(e.Sessions))
	for i, s := range e.Sessions {
		sessions[i] = map[string]any{"created_at": s.CreatedAt.UTC(), "expires_at": s.ExpiresAt.UTC(), "revoked_at": utc(s.RevokedAt)}
	}
	keys := make([]map[string]any, len(e.APIKeys))
	for i, k := range e.APIKeys {
		keys[i] = map[string]any{"id": k.ID, "name": k.Name, "prefix": k.Prefix, "scopes": orEmpty(k.Scopes),
			"created_at": k.CreatedAt.UTC(), "expires_at": k.ExpiresAt.UTC(), "last_used_at": utc(k.LastUsedAt), "revoked_at": utc(k.RevokedAt)}
	}
	interests := make([]map[string]any, len(e.Interests))
	for i, it := range e.Interests {
		interests[i] = map[string]any{"id": it.ID, "opportunity": map[string]any{"id": it.Opportunity.ID, "title": it.Opportunity.Name},
			"organization": orgRef(it.Organization), "status": p.coded(domain.InterestStatuses, it.Status), "message": it.Message,
			"amount": it.Amount, "shared": it.Shared, "reply": it.Reply, "replied_at": utc(it.RepliedAt),
			"created_at": it.CreatedAt.UTC(), "updated_at": it.UpdatedAt.UTC()}
	}
	memberships := make([]map[string]any, len(e.Memberships))
	for i, m := range e.Memberships {
		memberships[i] = map[string]any{"organization": orgRef(m.Organization), "role": p.coded(domain.MemberRoles, m.Role),
			"added_at": m.AddedAt.UTC()}
	}
	out["saved"], out["sessions"], out["api_keys"], out["interests"], out["memberships"] = saved, sessions, keys, interests, memberships
	return out
}

func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
