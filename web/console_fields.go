package web

// The language-neutral fields of incentives and programmes in the editor: type, legal basis,
// operator, amounts, validity, the structured eligibility conditions and the benefits, as the
// JSON API's PATCH takes them, checked by the same use case (editorial.Patch). A field left
// empty clears it; the benefits are written only when the editor changed them, so that the
// terms the form does not show (a reduced rate, a headcount tier…) are not lost by a save.

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/editorial"
	"github.com/diaspora-investor/marketplace/domain"
)

// maxBenefits is the number of benefits an incentive may list (as the use case checks).
const maxBenefits = 20

// validityForm is an incentive's or programme's neutral fields as the form shows and sends them.
type validityForm struct {
	Type, LegalInstrument, LegalArticle, LegalURL string // legal basis: incentives
	Operator, URL, MaxAmount, MaxCurrency         string // programmes
	ValidFrom, ValidUntil                         string
	// The eligibility conditions.
	InvestorTypes, Sectors, Regions []string
	Min, Max, Currency, MinJobs     string
	ResidenceAbroad                 string // "", "yes", "no"
	Benefits                        []benefitForm
	SourceTitle, SourceURL          string
}

// benefitForm is one row of an incentive's benefits.
type benefitForm struct{ Kind, Tax, Percent, Cap, Years, Amount, Currency string }

func (b benefitForm) empty() bool { return b.Kind == "" }

// validityFormOf is the form of an item as stored.
func validityFormOf(item any) validityForm {
	var f validityForm
	var el domain.Eligibility
	var src *domain.Source
	switch it := item.(type) {
	case *domain.Incentive:
		f.Type, f.LegalInstrument, f.LegalArticle, f.LegalURL = it.Type, it.LegalInstrument, derefString(it.LegalArticle), derefString(it.LegalURL)
		f.ValidFrom, f.ValidUntil = dayOf(it.ValidFrom), dayOf(it.ValidUntil)
		for _, b := range it.Benefits {
			row := benefitForm{Kind: b.Kind, Tax: derefString(b.Tax), Percent: derefString(b.Percent), Cap: derefString(b.CapPercentOfTax)}
			if b.DurationYears != nil {
				row.Years = strconv.Itoa(*b.DurationYears)
			}
			if b.Amount != nil {
				row.Amount, row.Currency = b.Amount.Amount, b.Amount.Currency
			}
			f.Benefits = append(f.Benefits, row)
		}
		el, src = it.Eligibility, it.Source
	case *domain.Programme:
		f.Type, f.Operator, f.URL = it.Type, it.Operator.ID, derefString(it.URL)
		if it.MaxAmount != nil {
			f.MaxAmount, f.MaxCurrency = it.MaxAmount.Amount, it.MaxAmount.Currency
		}
		f.ValidFrom, f.ValidUntil = dayOf(it.ValidFrom), dayOf(it.ValidUntil)
		el, src = it.Eligibility, it.Source
	}
	f.InvestorTypes, f.Sectors = el.InvestorTypes, el.Sectors
	f.Regions = regionCodes(el.Regions)
	f.Min, f.Max, f.Currency = amountRange(el.MinInvestment, el.MaxInvestment, "")
	if el.MinJobs != nil {
		f.MinJobs = strconv.Itoa(*el.MinJobs)
	}
	if el.ResidenceAbroad != nil {
		f.ResidenceAbroad = map[bool]string{true: "yes", false: "no"}[*el.ResidenceAbroad]
	}
	if src != nil {
		f.SourceTitle, f.SourceURL = src.Title, src.URL
	}
	if f.Currency == "" {
		f.Currency = defaultCurrency
	}
	if f.MaxCurrency == "" {
		f.MaxCurrency = defaultCurrency
	}
	return f
}

// defaultCurrency is the currency an amount's select shows before one is chosen.
const defaultCurrency = "EUR"

func dayOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

// textForm is the text of the editor's tab as stored, empty when the item has none in it.
func (st *editorState) textForm() textForm {
	if !st.HasTab {
		return textForm{}
	}
	return textForm{Title: st.Text.Title, Summary: st.Text.Summary, Description: st.Text.Description, HowToApply: st.Text.HowToApply}
}

// readValidityForm reads the form as sent.
func readValidityForm(c *fiber.Ctx) validityForm {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	f := validityForm{Type: v("type"), LegalInstrument: v("legal_instrument"), LegalArticle: v("legal_article"), LegalURL: v("legal_url"),
		Operator: v("operator_id"), URL: v("url"), MaxAmount: v("max_amount"), MaxCurrency: v("max_amount_currency"),
		ValidFrom: v("valid_from"), ValidUntil: v("valid_until"),
		InvestorTypes: formList(c, "eligibility_investor_types"), Sectors: formList(c, "eligibility_sectors"), Regions: formList(c, "eligibility_regions"),
		Min: v("eligibility_min"), Max: v("eligibility_max"), Currency: v("eligibility_currency"), MinJobs: v("eligibility_min_jobs"),
		ResidenceAbroad: v("eligibility_residence_abroad"), SourceTitle: v("source_title"), SourceURL: v("source_url")}
	for i := 0; i < maxBenefits; i++ {
		n := strconv.Itoa(i)
		b := benefitForm{Kind: v("benefit_kind_" + n), Tax: v("benefit_tax_" + n), Percent: v("benefit_percent_" + n), Cap: v("benefit_cap_" + n),
			Years: v("benefit_years_" + n), Amount: v("benefit_amount_" + n), Currency: v("benefit_currency_" + n)}
		if b.Amount == "" {
			b.Currency = "" // the select always sends one: without an amount it says nothing
		}
		if !b.empty() {
			f.Benefits = append(f.Benefits, b)
		}
	}
	return f
}

// optText is a text field of the change: empty clears it.
func optText(s string) domain.Opt[string] {
	if s == "" {
		return domain.Cleared[string]()
	}
	return domain.Some(s)
}

func optMoney(amount, currency string) domain.Opt[domain.Money] {
	if amount == "" {
		return domain.Cleared[domain.Money]()
	}
	return domain.Some(domain.Money{Amount: amount, Currency: currency})
}

func optList(list []string) domain.Opt[[]string] {
	if len(list) == 0 {
		return domain.Cleared[[]string]()
	}
	return domain.Some(list)
}

// change is the form as the use case takes it, against the item as it was read (stored): the
// operator and the benefits are sent only when changed. A count that is no number is a broken
// rule of its own.
func (f validityForm) change(kind domain.Kind, stored validityForm) (domain.ContentChange, error) {
	var bad domain.Invalid
	in := domain.ContentChange{Type: domain.Some(f.Type), ValidFrom: optText(f.ValidFrom), ValidUntil: optText(f.ValidUntil)}
	el := domain.CriteriaChange{InvestorTypes: optList(f.InvestorTypes), Sectors: optList(f.Sectors), Regions: optList(f.Regions),
		MinInvestment: optMoney(f.Min, f.Currency), MaxInvestment: optMoney(f.Max, f.Currency), MinJobs: domain.Cleared[int]()}
	if f.MinJobs != "" {
		if n, err := strconv.Atoi(f.MinJobs); err == nil {
			el.MinJobs = domain.Some(n)
		} else {
			bad.Add("eligibility.min_jobs", "invalid_count", nil)
		}
	}
	switch f.ResidenceAbroad {
	case "yes", "no":
		el.ResidenceAbroad = domain.Some(f.ResidenceAbroad == "yes")
	default:
		el.ResidenceAbroad = domain.Cleared[bool]()
	}
	in.Eligibility = domain.Some(el)
	if f.SourceTitle == "" && f.SourceURL == "" {
		in.Source = domain.Cleared[domain.SourceLink]()
	} else {
		in.Source = domain.Some(domain.SourceLink{Title: f.SourceTitle, URL: f.SourceURL})
	}
	switch kind {
	case domain.KindIncentive:
		in.LegalInstrument, in.LegalArticle, in.LegalURL = domain.Some(f.LegalInstrument), optText(f.LegalArticle), optText(f.LegalURL)
		if !slices.Equal(f.Benefits, stored.Benefits) {
			list := make([]domain.Benefit, 0, len(f.Benefits))
			for _, b := range f.Benefits {
				out := domain.Benefit{Kind: b.Kind, Tax: optPtr(b.Tax), Percent: optPtr(b.Percent), CapPercentOfTax: optPtr(b.Cap)}
				if b.Years != "" {
					n, err := strconv.Atoi(b.Years)
					if err != nil {
						bad.Add("benefits", "invalid_count", nil)
						continue
					}
					out.DurationYears = &n
				}
				if b.Amount != "" {
					out.Amount = &domain.Money{Amount: b.Amount, Currency: b.Currency}
				}
				list = append(list, out)
			}
			in.Benefits = domain.Some(list)
		}
	case domain.KindProgramme:
		in.URL, in.MaxAmount = optText(f.URL), optMoney(f.MaxAmount, f.MaxCurrency)
		if f.Operator != "" && f.Operator != stored.Operator {
			in.Operator = domain.Some(f.Operator)
		}
	}
	return in, bad.Err()
}

// BenefitRows are the benefits with empty rows to add more, up to the limit.
func (f validityForm) BenefitRows() []benefitForm {
	rows := append([]benefitForm(nil), f.Benefits...)
	for i := 0; i < 2 && len(rows) < maxBenefits; i++ {
		rows = append(rows, benefitForm{})
	}
	for i := range rows {
		if rows[i].Currency == "" {
			rows[i].Currency = defaultCurrency
		}
	}
	return rows
}

// fieldDiff is one field whose stored value differs from the editor's, for a conflict.
type fieldDiff struct{ Label, Theirs, Mine string }

// diffValidity lists the fields where what is stored now (theirs) differs from what the editor
// sent (mine), labelled in the page's language.
func (p *page) diffValidity(theirs, mine validityForm) []fieldDiff {
	list := func(l []string) string { return strings.Join(l, ", ") }
	money := func(a, c string) string {
		if a == "" {
			return ""
		}
		return a + " " + c
	}
	benefits := func(f validityForm) string {
		parts := make([]string, len(f.Benefits))
		for i, b := range f.Benefits {
			parts[i] = strings.TrimSpace(strings.Join([]string{b.Kind, b.Tax, b.Percent, b.Years, money(b.Amount, b.Currency)}, " "))
		}
		return strings.Join(parts, "; ")
	}
	pairs := []struct {
		key string
		of  func(validityForm) string
	}{
		{"web.console.org.type", func(f validityForm) string { return f.Type }},
		{"web.console.new.legal_instrument", func(f validityForm) string { return f.LegalInstrument }},
		{"web.console.fields.legal_article", func(f validityForm) string { return f.LegalArticle }},
		{"web.console.fields.legal_url", func(f validityForm) string { return f.LegalURL }},
		{"web.console.fields.operator", func(f validityForm) string { return f.Operator }},
		{"web.console.fields.url", func(f validityForm) string { return f.URL }},
		{"web.console.fields.max_amount", func(f validityForm) string { return money(f.MaxAmount, f.MaxCurrency) }},
		{"web.console.fields.valid_from", func(f validityForm) string { return f.ValidFrom }},
		{"web.console.fields.valid_until", func(f validityForm) string { return f.ValidUntil }},
		{"web.console.fields.el_investor_types", func(f validityForm) string { return list(f.InvestorTypes) }},
		{"web.console.fields.el_sectors", func(f validityForm) string { return list(f.Sectors) }},
		{"web.console.fields.el_regions", func(f validityForm) string { return list(f.Regions) }},
		{"web.console.fields.min", func(f validityForm) string { return money(f.Min, f.Currency) }},
		{"web.console.fields.max", func(f validityForm) string { return money(f.Max, f.Currency) }},
		{"web.console.fields.el_min_jobs", func(f validityForm) string { return f.MinJobs }},
		{"web.console.fields.residence_abroad", func(f validityForm) string { return f.ResidenceAbroad }},
		{"web.console.fields.benefits", benefits},
		{"web.console.fields.source", func(f validityForm) string { return strings.TrimSpace(f.SourceTitle + " " + f.SourceURL) }},
	}
	var out []fieldDiff
	for _, pr := range pairs {
		if t, m := pr.of(theirs), pr.of(mine); t != m {
			out = append(out, fieldDiff{Label: p.T(pr.key), Theirs: t, Mine: m})
		}
	}
	return out
}

// saveValidity saves an incentive's or programme's neutral fields (POST …/fields).
func (s *Site) saveValidity(c *fiber.Ctx, v *consoleView, kind domain.Kind, it editorial.Item) error {
	ctx := c.UserContext()
	before, err := s.deps.Console.itemForEditor(ctx, kind, it.ID, pageLang(c))
	if err != nil {
		return s.consoleError(c, err)
	}
	sent := readValidityForm(c)
	in, err := sent.change(kind, validityFormOf(before.Item))
	return s.saveCommonFields(c, v, kind, it, in, err, map[string]any{"Validity": sent}, func(p *page, st *editorState) map[string]any {
		return map[string]any{"ValidityConflict": p.diffValidity(validityFormOf(st.Text.Item), sent)}
	})
}

// saveCommonFields saves the common fields of an item (in) and goes back to the editor. When
// the form itself broke rules (formErr), the use case checks the rest too, so that every broken
// rule shows at once. A refused save shows the editor again, the form holding what the editor
// sent (sent): the broken rules beside their fields (422, against the version the editor read),
// or, when someone saved in between, what conflict shows of the stored values beside the
// editor's (409; saving again keeps the editor's, against the version now stored).
func (s *Site) saveCommonFields(c *fiber.Ctx, v *consoleView, kind domain.Kind, it editorial.Item, in domain.ContentChange, formErr error,
	sent map[string]any, conflict func(p *page, st *editorState) map[string]any) error {
	ctx := c.UserContext()
	err := formErr
	if err == nil {
		_, err = s.deps.Console.editorial.Patch(ctx, v.Actor, kind, it, formVersion(c), in)
	} else {
		err = mergeInvalid(err, s.deps.Console.editorial.CheckChange(ctx, kind, it, in))
	}
	if err == nil {
		return c.Redirect(s.editorURL(c, v, kind, it.ID, c.FormValue("lang"), "saved"), fiber.StatusSeeOther)
	}
	return s.showRefused(c, v, kind, it, c.FormValue("lang"), err, func(p *page, st *editorState, conflicting bool) error {
		if conflicting {
			maps.Copy(sent, conflict(p, st))
		} else {
			sent["FieldsVersion"] = formVersion(c)
		}
		return s.renderEditor(c, p, st, st.textForm(), st.Editorial.Version, sent)
	})
}

// saveAsOf records the date the item's sources were last checked (POST …/as_of).
func (s *Site) saveAsOf(c *fiber.Ctx) error {
	v, kind, it, ok, err := s.editorTarget(c)
	if !ok {
		return err
	}
	date := strings.TrimSpace(c.FormValue("as_of"))
	_, err = s.deps.Console.editorial.SetAsOf(c.UserContext(), v.Actor, kind, it.ID, formVersion(c), date)
	if err == nil {
		return c.Redirect(s.editorURL(c, v, kind, it.ID, c.FormValue("lang"), "as_of"), fiber.StatusSeeOther)
	}
	return s.showRefused(c, v, kind, it, c.FormValue("lang"), err, func(p *page, st *editorState, conflicting bool) error {
		if conflicting {
			// The date is one field: the page shows the date stored now, and the editor's is kept
			// in the field to save again.
			p.Errors = append(p.Errors, fieldMessage{"as_of", p.T("problem.precondition_failed.detail")})
		}
		return s.renderEditor(c, p, st, st.textForm(), st.Editorial.Version, map[string]any{"AsOf": date})
	})
}

// confirmDeleteTranslation asks before deleting one language's text (GET …/text/{lang}/delete).
func (s *Site) confirmDeleteTranslation(c *fiber.Ctx) error {
	v, kind, it, lang, ok, err := s.translationTarget(c)
	if !ok {
		return err
	}
	st, err := s.loadEditor(c, v, kind, it, lang)
	if err != nil {
		return s.consoleError(c, err)
	}
	if !st.HasTab || lang == st.Text.SourceLang {
		return s.notFound(c) // nothing to delete, or the source, which stays
	}
	p := s.consolePage(c, "web.console.translation.confirm_title")
	return s.renderConsole(c, "delete_translation", p, map[string]any{"E": st})
}

// deleteTranslation deletes one language other than the source (POST …/text/{lang}/delete), as
// the API's DELETE …/translations/{lang}: same use case, same rules, same version check.
func (s *Site) deleteTranslation(c *fiber.Ctx) error {
	v, kind, it, _, ok, err := s.writeTranslation(c, s.deps.Console.editorial.DeleteTranslation)
	if !ok {
		return err
	}
	st, err := s.loadEditor(c, v, kind, it, "")
	if err != nil {
		return s.consoleError(c, err)
	}
	return c.Redirect(s.editorURL(c, v, kind, it.ID, st.Text.SourceLang, "translation_deleted"), fiber.StatusSeeOther)
}
