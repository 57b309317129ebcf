package repository

import (
	"github.com/diaspora-investor/marketplace/domain"
)

// contentWrite is one write to an item in the terms of its table: language-neutral columns,
// the lists it owns, and the text of one language. Nil parts are left as they are.
type contentWrite struct {
	Columns  map[string]any // column → value; nil writes NULL
	Sectors  *[]string
	Regions  *[]string
	Benefits *[]domain.Benefit
	Text     *textWrite
}

// textWrite is an item's text in one language. Nil parts keep what the language has; a new
// language needs the title, summary and description.
type textWrite struct {
	Lang        string
	Title       *string // the title of an opportunity, the name of an incentive or programme
	Summary     *string
	Description *string
	HowToApply  *string // programmes only
}

// column sets a column of a write when set says so.
type column func(name string, set bool, value any)

// columnsOf maps a checked change to the columns of the kind's table: the one place where the
// fields of a change meet the names of columns.
func columnsOf(kind domain.Kind, c domain.ContentChange) contentWrite {
	w := contentWrite{Columns: map[string]any{}}
	col := func(name string, set bool, value any) {
		if set {
			w.Columns[name] = value
		}
	}
	setString(col, "as_of", c.AsOf)
	if c.Source.Set {
		col("source_title", true, optValue(c.Source, func(s domain.SourceLink) any { return s.Title }))
		col("source_url", true, optValue(c.Source, func(s domain.SourceLink) any { return s.URL }))
	}
	switch kind {
	case domain.KindOpportunity:
		w.Sectors = list(c.Sectors)
		opportunityColumns(col, c)
	case domain.KindIncentive:
		setString(col, "legal_instrument", c.LegalInstrument)
		setString(col, "legal_article", c.LegalArticle)
		setString(col, "legal_url", c.LegalURL)
		if c.Benefits.Set {
			w.Benefits = &c.Benefits.Value
		}
	case domain.KindProgramme:
		setString(col, "operator_id", c.Operator)
		setString(col, "url", c.URL)
		col("max_amount", c.MaxAmount.Set, optValue(c.MaxAmount, func(m domain.Money) any { return m.Amount }))
		col("max_amount_currency", c.MaxAmount.Set, optValue(c.MaxAmount, func(m domain.Money) any { return m.Currency }))
	}
	if kind != domain.KindOpportunity {
		w.Sectors, w.Regions = conditionColumns(col, c)
	}
	if len(w.Columns) == 0 {
		w.Columns = nil
	}
	if c.HasText() {
		w.Text = &textWrite{Lang: c.Lang.Value, Title: ptr(c.Title), Summary: ptr(c.Summary),
			Description: ptr(c.Description), HowToApply: ptr(c.HowToApply)}
	}
	return w
}

// opportunityColumns are the columns only opportunities have.
func opportunityColumns(col column, c domain.ContentChange) {
	setString(col, "region_code", c.Region)
	setString(col, "instrument", c.Instrument)
	setRange(col, "currency", c.MinInvestment, c.MaxInvestment)
	col("jobs", c.Jobs.Set, optValue(c.Jobs, func(n int) any { return n }))
	setString(col, "deadline", c.Deadline)
	col("investor_types", c.InvestorTypes.Set, c.InvestorTypes.Value)
	if c.Contact.Set {
		ct := c.Contact.Value
		col("contact_name", true, ptrValue(ct.Name))
		col("contact_email", true, ptrValue(ct.Email))
		col("contact_phone", true, ptrValue(ct.Phone))
		col("contact_url", true, ptrValue(ct.URL))
	}
}

// conditionColumns are the type, validity window and eligibility of incentives and
// programmes; it returns the lists of sectors and regions to write.
func conditionColumns(col column, c domain.ContentChange) (sectors, regions *[]string) {
	setString(col, "type", c.Type)
	setString(col, "valid_from", c.ValidFrom)
	setString(col, "valid_until", c.ValidUntil)
	if !c.Eligibility.Set {
		return nil, nil
	}
	e := c.Eligibility.Value
	col("investor_types", e.InvestorTypes.Set, e.InvestorTypes.Value)
	setRange(col, "investment_currency", e.MinInvestment, e.MaxInvestment)
	col("min_jobs", e.MinJobs.Set, optValue(e.MinJobs, func(n int) any { return n }))
	col("residence_abroad", e.ResidenceAbroad.Set, optValue(e.ResidenceAbroad, func(b bool) any { return b }))
	return list(e.Sectors), list(e.Regions)
}

// textOf is the text write of a translation.
func textOf(t domain.TextChange) textWrite {
	return textWrite{Lang: t.Lang, Title: ptr(t.Title), Summary: ptr(t.Summary), Description: ptr(t.Description),
		HowToApply: ptr(t.HowToApply)}
}

func setString(col column, name string, o domain.Opt[string]) {
	col(name, o.Set, optValue(o, func(s string) any { return s }))
}

// setRange writes a range of two amounts in one currency column: both ends, or neither.
func setRange(col column, currency string, lo, hi domain.Opt[domain.Money]) {
	if !lo.Set && !hi.Set {
		return
	}
	var cur any
	if lo.Has() {
		cur = lo.Value.Currency
	} else if hi.Has() {
		cur = hi.Value.Currency
	}
	col("min_investment", true, optValue(lo, func(m domain.Money) any { return m.Amount }))
	col("max_investment", true, optValue(hi, func(m domain.Money) any { return m.Amount }))
	col(currency, true, cur)
}

// optValue is the column value of a field: nil for null (or absent).
func optValue[T any](o domain.Opt[T], f func(T) any) any {
	if !o.Has() {
		return nil
	}
	return f(o.Value)
}

func ptrValue(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

func ptr(o domain.Opt[string]) *string {
	if !o.Has() {
		return nil
	}
	return &o.Value
}

func list(o domain.Opt[[]string]) *[]string {
	if !o.Set {
		return nil
	}
	return &o.Value
}
