package editorial

import (
	"context"
	"strings"

	"github.com/diaspora-investor/marketplace/domain"
)

// Text limits, as the database checks them.
const (
	maxTitle       = 300
	maxSummary     = 2000
	maxDescription = 20000
	maxHowToApply  = 5000
	maxShortText   = 500
	maxReason      = 2000
	maxContactName = 200
	maxPhone       = 50
)

// checker turns a draft or a change into the normalized change the store writes, collecting
// every broken rule.
type checker struct {
	s        *Service
	ref      reference // what codes and organizations exist
	ctx      context.Context
	kind     domain.Kind
	country  string // the item's country: regions are checked against it
	creating bool   // a new item: an absent field is simply not set
	v        domain.Invalid
	out      domain.ContentChange
}

// titleName is the name of the kind's title field.
func titleName(kind domain.Kind) string {
	if kind == domain.KindOpportunity {
		return "title"
	}
	return "name"
}

// required lists the fields a draft of kind must give.
func required(kind domain.Kind) []string {
	names := []string{"lang", titleName(kind), "summary", "description"}
	switch kind {
	case domain.KindOpportunity:
		return append(names, "sectors")
	case domain.KindIncentive:
		return append(names, "type", "legal_instrument")
	}
	return append(names, "type")
}

// check checks a draft (creating, country "") or a change to an item of country.
func (s *Service) check(ctx context.Context, kind domain.Kind, in domain.ContentChange, creating bool, country string) (domain.ContentChange, error) {
	return s.checkWith(ctx, s.store, kind, in, creating, country)
}

// reference is what the checks need to know of the catalogue: the database's for an edit, a
// file's (then the database's) for a file of content.
type reference interface {
	CountryExists(ctx context.Context, code string) (bool, error)
	CurrencyConvertible(ctx context.Context, currency string) (bool, error)
	UnknownRegions(ctx context.Context, country string, codes []string) ([]string, error)
	Organization(ctx context.Context, id string) (*domain.OrgDetail, error)
}

// checkWith is check against ref.
func (s *Service) checkWith(ctx context.Context, ref reference, kind domain.Kind, in domain.ContentChange, creating bool, country string) (domain.ContentChange, error) {
	k := &checker{s: s, ref: ref, ctx: ctx, kind: kind, country: country, creating: creating}
	if creating {
		if err := k.draft(in); err != nil {
			return k.out, err
		}
	} else {
		if in.Country.Set {
			k.v.Add("country", "read_only", nil)
		}
		if in.Organization.Set {
			k.v.Add("organization_id", "read_only", nil)
		}
	}
	k.language(in)
	if err := k.neutral(in); err != nil {
		return k.out, err
	}
	return k.out, k.v.Err()
}

// draft checks what only a draft gives: its country and the required fields.
func (k *checker) draft(in domain.ContentChange) error {
	if !in.Country.Set {
		k.v.Add("country", "required", nil)
	} else {
		code, err := domain.KnownCountry(k.ctx, k.ref, in.Country.Value)
		if err != nil {
			return err
		}
		if code == "" {
			k.v.Add("country", "unknown_country", map[string]any{"Value": domain.Truncate(in.Country.Value)})
		}
		k.country = code
		k.out.Country = domain.Some(code)
	}
	k.out.Organization = in.Organization
	sent := map[string]bool{"lang": in.Lang.Set, titleName(k.kind): in.Title.Set, "summary": in.Summary.Set,
		"description": in.Description.Set, "sectors": in.Sectors.Set, "type": in.Type.Set, "legal_instrument": in.LegalInstrument.Set}
	for _, name := range required(k.kind) {
		if !sent[name] {
			k.v.Add(name, "required", nil)
		}
	}
	return nil
}

// language checks the text of one language.
func (k *checker) language(in domain.ContentChange) {
	if in.Lang.Set {
		if lang, ok := k.s.langs.Match(in.Lang.Value); ok && lang == strings.ToLower(in.Lang.Value) {
			k.out.Lang = domain.Some(lang)
		} else {
			k.v.Add("lang", "unsupported_language", map[string]any{"Value": domain.Truncate(in.Lang.Value), "Allowed": strings.Join(k.s.langs.Codes, ", ")})
		}
	}
	k.out.Title, k.out.Summary, k.out.Description, k.out.HowToApply = checkTexts(&k.v, k.kind, in.Title, in.Summary, in.Description, in.HowToApply)
	if !k.out.HasText() && !k.creating && in.Lang.Set {
		k.v.Add("lang", "lang_without_text", nil)
	}
}

// checkTexts checks the text fields of one language.
func checkTexts(v *domain.Invalid, kind domain.Kind, title, summary, description, howTo domain.Opt[string]) (t, s, d, h domain.Opt[string]) {
	keep := func(name string, o domain.Opt[string], min, max int) domain.Opt[string] {
		if text, ok := checkText(v, name, o, min, max); ok {
			return domain.Some(text)
		}
		return domain.Opt[string]{}
	}
	return keep(titleName(kind), title, 1, maxTitle), keep("summary", summary, 0, maxSummary),
		keep("description", description, 0, maxDescription), keep("how_to_apply", howTo, 0, maxHowToApply)
}

// checkTranslation checks the whole text of one language.
func checkTranslation(kind domain.Kind, t domain.TextChange) (domain.TextChange, error) {
	var v domain.Invalid
	sent := map[string]bool{titleName(kind): t.Title.Set, "summary": t.Summary.Set, "description": t.Description.Set}
	for _, name := range []string{titleName(kind), "summary", "description"} {
		if !sent[name] {
			v.Add(name, "required", nil)
		}
	}
	out := domain.TextChange{Lang: t.Lang}
	out.Title, out.Summary, out.Description, out.HowToApply = checkTexts(&v, kind, t.Title, t.Summary, t.Description, t.HowToApply)
	return out, v.Err()
}
