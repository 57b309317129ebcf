package catalogue

import (
	"context"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// DirectoryQuery is a page of the directory of organizations as a reader asks for it: the
// values as written. Status is "verified" (the default) or "pending", the applications that
// administrators verify.
type DirectoryQuery struct {
	Country string
	Type    string
	Status  string
	Limit   string
	Cursor  string
}

// DirectoryFilter checks a directory query and returns the filter it stands for, every broken
// rule listed (*domain.Invalid, named by parameter).
func (s *Service) DirectoryFilter(ctx context.Context, q DirectoryQuery) (domain.OrgFilter, error) {
	var v domain.Invalid
	f := domain.OrgFilter{Limit: v.FilterLimit("limit", q.Limit)}
	if q.Type != "" && v.Code("type", q.Type, domain.OrgTypes) {
		f.Type = q.Type
	}
	if q.Country != "" {
		code, err := s.KnownCountry(ctx, q.Country)
		if err != nil {
			return f, err
		}
		if code == "" {
			v.Add("country", "unknown_country", map[string]any{"Value": domain.Truncate(q.Country)})
		}
		f.Country = code
	}
	switch q.Status {
	case "", "verified":
	case "pending":
		f.Pending = true
	default:
		v.Add("status", "unknown_code", map[string]any{"Value": domain.Truncate(q.Status), "Allowed": "verified, pending"})
	}
	f.List = domain.ListFingerprint("organizations", f.Country, f.Type, q.Status)
	if q.Cursor != "" {
		cur, err := domain.DecodeCursor(q.Cursor, f.List)
		if err != nil {
			v.Add("cursor", "invalid_cursor", nil)
		} else {
			f.AfterID, f.AfterKey = cur.ID, cur.Key
			if f.Pending {
				f.AfterKey = cur.PublishedAt.Format(time.RFC3339Nano)
			}
		}
	}
	return f, v.Err()
}

// Directory reads a page of the directory (f from DirectoryFilter): verified organizations by
// name for anyone, pending applications by age for administrators only. The cursor of the
// next page is nil on the last.
func (s *Service) Directory(ctx context.Context, user *domain.User, f domain.OrgFilter) ([]domain.OrgDetail, *domain.Cursor, error) {
	if f.Pending && (user == nil || user.Role != "admin") {
		return nil, nil, domain.Denied{Decision: domain.AdminOnly}
	}
	orgs, more, err := s.store.Organizations(ctx, f)
	if err != nil || !more {
		return orgs, nil, err
	}
	last := orgs[len(orgs)-1]
	next := &domain.Cursor{List: f.List, ID: last.ID, PublishedAt: last.CreatedAt}
	if !f.Pending {
		next.Key = last.Name // the directory is by name; applications by date
	}
	return orgs, next, nil
}
