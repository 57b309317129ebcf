package repository

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"gopkg.in/yaml.v3"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/seed"
)

// ExportCountry writes a country's current catalogue — the country, its organizations and
// every incentive, programme and opportunity in any status — in the seed format, so that
// importing the result changes nothing.
func (s *Store) ExportCountry(ctx context.Context, code string) (*seed.CountryFile, error) {
	return exportCountry(ctx, s.db, code)
}

func exportCountry(ctx context.Context, q sqlx.QueryerContext, code string) (*seed.CountryFile, error) {
	f := &seed.CountryFile{Name: code}
	c := &f.Country
	var head struct {
		Code       string `db:"code"`
		Currency   string `db:"currency"`
		SourceLang string `db:"source_lang"`
	}
	err := sqlx.GetContext(ctx, q, &head, sqlExportCountry, code)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", code, err)
	}
	c.Code, c.Currency, c.SourceLang = head.Code, head.Currency, head.SourceLang
	f.Name = lowerASCII(code)
	var texts []struct {
		Lang, Name, Summary string
	}
	if err := sqlx.SelectContext(ctx, q, &texts, sqlExportCountryTexts, code); err != nil {
		return nil, err
	}
	c.Text = map[string]seed.CountryText{}
	for _, t := range texts {
		c.Text[t.Lang] = seed.CountryText{Name: t.Name, Summary: t.Summary}
	}
	if err := exportFacts(ctx, q, c); err != nil {
		return nil, err
	}
	if err := exportRegions(ctx, q, c); err != nil {
		return nil, err
	}
	if err := sqlx.SelectContext(ctx, q, &f.Organizations, sqlExportOrganizations, code); err != nil {
		return nil, err
	}
	if err := exportContacts(ctx, q, f.Organizations); err != nil {
		return nil, err
	}
	if err := exportIncentives(ctx, q, f); err != nil {
		return nil, err
	}
	if err := exportProgrammes(ctx, q, f); err != nil {
		return nil, err
	}
	if err := exportOpportunities(ctx, q, f); err != nil {
		return nil, err
	}
	return f, nil
}

// exportFacts reads the country's facts about its diaspora with the catalogue's own reader, run
// on the export's queryer (in an import, its transaction: the facts about to be committed).
func exportFacts(ctx context.Context, q sqlx.QueryerContext, c *seed.Country) error {
	facts, err := countryFacts(ctx, q, c.Code)
	if err != nil {
		return err
	}
	for _, f := range facts {
		c.Facts = append(c.Facts, seedFact(f))
	}
	return nil
}

// seedFact is a catalogue fact in the seed format, which leaves out empty texts and lists.
func seedFact(f domain.Fact) seed.Fact {
	out := seed.Fact{Metric: f.Metric, Value: f.Value, ValueMax: f.ValueMax, Unit: f.Unit,
		ResidenceCountry: f.ResidenceCountry, Municipality: f.Municipality, Year: f.Year,
		Definition: nonEmptyMap(f.Definition), Note: nonEmptyMap(f.Note),
		Sourced: seed.Sourced{Sources: seedSources(f.Sources)}}
	if f.AsOf != nil {
		out.AsOf = f.AsOf.Format(time.DateOnly)
	}
	for _, v := range f.Alternatives {
		out.Alternatives = append(out.Alternatives, seed.FactValue{Value: v.Value, ValueMax: v.ValueMax, Year: v.Year,
			Definition: v.Definition, Sources: seedSources(v.Sources)})
	}
	return out
}

// seedSources are sources in the seed format: the same fields as the catalogue's.
func seedSources(sources []domain.SourceRef) []seed.Source {
	out := make([]seed.Source, len(sources))
	for i, s := range sources {
		out[i] = seed.Source(s)
	}
	return out
}

func nonEmptyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// exportRegions reads the country's regions.
func exportRegions(ctx context.Context, q sqlx.QueryerContext, c *seed.Country) error {
	return sqlx.SelectContext(ctx, q, &c.Regions, sqlExportRegions, c.Code)
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// itemColumns are the columns that the three kinds' export rows start with. Publication times
// are the catalogue's own (when an item appeared here), not the file's: they are not exported.
const itemColumns = `t.id, t.slug, o.slug AS organization, t.status, t.illustrative,
	t.sources, to_char(t.as_of, 'YYYY-MM-DD') AS as_of, t.source_lang`

func nonEmpty(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return list
}

// codesOf reads (item id, code) pairs into lists per item, sorted.
func codesOf(ctx context.Context, q sqlx.QueryerContext, query, country string) (map[string][]string, error) {
	var rows []struct{ ID, Code string }
	if err := sqlx.SelectContext(ctx, q, &rows, query, country); err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.ID] = append(out[r.ID], r.Code)
	}
	for _, list := range out {
		sort.Strings(list)
	}
	return out, nil
}

// textsOf reads an item kind's translations per item id.
func textsOf(ctx context.Context, q sqlx.QueryerContext, query, country string) (map[string]map[string]seed.Text, error) {
	var rows []struct {
		ID          string `db:"id"`
		Lang        string `db:"lang"`
		Name        string `db:"name"`
		Title       string `db:"title"`
		Summary     string `db:"summary"`
		Description string `db:"description"`
		HowToApply  string `db:"how_to_apply"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, query, country); err != nil {
		return nil, err
	}
	out := map[string]map[string]seed.Text{}
	for _, r := range rows {
		if out[r.ID] == nil {
			out[r.ID] = map[string]seed.Text{}
		}
		out[r.ID][r.Lang] = seed.Text{Name: r.Name, Title: r.Title, Summary: r.Summary, Description: r.Description, HowToApply: r.HowToApply}
	}
	return out, nil
}

// exportRow is one row of a kind's export: the item's id (its texts and codes are found by
// it), its sources as stored, its shared part and the rest of its entry (T) in the seed format,
// as the kind's fields fill them; then its texts, and its code lists in the order of the kind's
// code statements.
type exportRow[T any] struct {
	id      string
	sources []byte
	item    seed.Item
	entry   T
	text    map[string]seed.Text
	codes   [][]string
}

// itemFields are where itemColumns go.
func (r *exportRow[T]) itemFields() []any {
	it := &r.item
	return []any{&r.id, &it.Slug, &it.Organization, &it.Status, &it.Illustrative, &r.sources, zeroIfNull(&it.AsOf), &it.SourceLang}
}

// finishItem completes the item's shared part: its sources, and its language when it is not
// the country's.
func (r *exportRow[T]) finishItem(country seed.Country) error {
	if err := json.Unmarshal(r.sources, &r.item.Sources); err != nil {
		return fmt.Errorf("%s: sources: %w", r.item.Slug, err)
	}
	if len(r.item.Sources) == 0 {
		r.item.Sources = nil
	}
	if r.item.SourceLang == country.SourceLang {
		r.item.SourceLang = ""
	}
	return nil
}

// conditionFields are where the columns that incentives' and programmes' export rows end with
// go: their validity and their eligibility conditions (their sectors and regions are read
// apart, as code lists; see seedConditions).
func conditionFields(v *seed.Validity, e *seed.Eligibility) []any {
	min, max, currency := rangeColumns(&e.MinInvestment, &e.MaxInvestment)
	return []any{&v.ValidFrom, &v.ValidUntil, pq.Array(&e.InvestorTypes), min, max, currency, &e.MinJobs, &e.ResidenceAbroad}
}

// seedConditions completes the eligibility conditions of conditionFields with the item's
// sectors and regions.
func seedConditions(e *seed.Eligibility, sectors, regions []string) {
	e.InvestorTypes, e.Sectors, e.Regions = nonEmpty(e.InvestorTypes), sectors, regions
}

// kindExport are the statements that read a kind of a country for the export: its rows, their
// texts, and their lists of codes (sectors, regions, linked items); what names the kind in errors.
type kindExport struct {
	what, rows, texts string
	codes             []string
}

var (
	incentivesExport = kindExport{"incentives", sqlExportIncentives, sqlExportIncentiveTexts,
		[]string{incentiveExportSQL.sectors, incentiveExportSQL.regions}}
	programmesExport = kindExport{"programmes", sqlExportProgrammes, sqlExportProgrammeTexts,
		[]string{programmeExportSQL.sectors, programmeExportSQL.regions}}
	opportunitiesExport = kindExport{"opportunities", sqlExportOpportunities, sqlExportOpportunityTexts,
		[]string{opportunityExportSQL.sectors, sqlExportOpportunityIncentives, sqlExportOpportunityProgrammes}}
)

// exportKind reads a kind of a country, one query for its rows (fields says where their
// columns go), its texts and each code list, and makes each row a seed entry with seedOf.
func exportKind[T any](ctx context.Context, q sqlx.QueryerContext, country seed.Country, k kindExport,
	fields func(r *exportRow[T]) []any, seedOf func(r exportRow[T]) T) ([]T, error) {
	var rows []exportRow[T]
	if err := scanInto(ctx, q, &rows, fields, k.rows, country.Code); err != nil {
		return nil, fmt.Errorf("%s: %w", k.what, err)
	}
	texts, err := textsOf(ctx, q, k.texts, country.Code)
	if err != nil {
		return nil, err
	}
	codes := make([]map[string][]string, len(k.codes))
	for i, query := range k.codes {
		if codes[i], err = codesOf(ctx, q, query, country.Code); err != nil {
			return nil, err
		}
	}
	var out []T
	for _, r := range rows {
		if err := r.finishItem(country); err != nil {
			return nil, err
		}
		r.text, r.codes = texts[r.id], make([][]string, len(codes))
		for i := range codes {
			r.codes[i] = codes[i][r.id]
		}
		out = append(out, seedOf(r))
	}
	return out, nil
}

func exportIncentives(ctx context.Context, q sqlx.QueryerContext, f *seed.CountryFile) (err error) {
	var benefits []incentiveBenefit
	if err := scanInto(ctx, q, &benefits, benefitColumns, sqlExportBenefits, f.Country.Code); err != nil {
		return fmt.Errorf("benefits: %w", err)
	}
	f.Incentives, err = exportKind(ctx, q, f.Country, incentivesExport, func(r *exportRow[seed.Incentive]) []any {
		it := &r.entry
		cols := append(r.itemFields(), &it.Type, &it.LegalBasis.Instrument, &it.LegalBasis.Article, &it.LegalBasis.URL)
		return append(cols, conditionFields(&it.Validity, &it.Eligibility)...)
	}, func(r exportRow[seed.Incentive]) seed.Incentive {
		it := r.entry
		it.Item, it.Text = r.item, r.text
		seedConditions(&it.Eligibility, r.codes[0], r.codes[1])
		for _, b := range benefits {
			if b.incentiveID == r.id {
				it.Benefits = append(it.Benefits, seedBenefit(b.Benefit))
			}
		}
		return it
	})
	return err
}

func seedBenefit(b domain.Benefit) seed.Benefit {
	out := seed.Benefit{Kind: b.Kind, Tax: b.Tax, Percent: b.Percent, CapPercentOfTax: b.CapPercentOfTax,
		DurationYears: b.DurationYears, Rate: b.Rate, MinJobs: b.MinJobs, CarryForwardYears: b.CarryForwardYears,
		Unverified: b.Unverified}
	if b.Amount != nil {
		out.Amount = &seed.Money{Amount: b.Amount.Amount, Currency: b.Amount.Currency}
	}
	return out
}

func exportProgrammes(ctx context.Context, q sqlx.QueryerContext, f *seed.CountryFile) (err error) {
	f.Programmes, err = exportKind(ctx, q, f.Country, programmesExport, func(r *exportRow[seed.Programme]) []any {
		p := &r.entry
		maxAmount, maxCurrency := moneyColumns(&p.MaxAmount)
		cols := append(r.itemFields(), &p.Operator, &p.Type, &p.URL, maxAmount, maxCurrency)
		return append(cols, conditionFields(&p.Validity, &p.Eligibility)...)
	}, func(r exportRow[seed.Programme]) seed.Programme {
		p := r.entry
		p.Item, p.Text = r.item, r.text
		seedConditions(&p.Eligibility, r.codes[0], r.codes[1])
		if p.Operator == p.Organization {
			p.Operator = "" // the file names an operator only when it is not the publisher
		}
		return p
	})
	return err
}

func exportOpportunities(ctx context.Context, q sqlx.QueryerContext, f *seed.CountryFile) (err error) {
	f.Opportunities, err = exportKind(ctx, q, f.Country, opportunitiesExport, func(r *exportRow[seed.Opportunity]) []any {
		o := &r.entry
		min, max, currency := rangeColumns(&o.MinInvestment, &o.MaxInvestment)
		return append(r.itemFields(), &o.Region, &o.Instrument, min, max, currency, &o.Jobs, &o.Deadline,
			pq.Array(&o.InvestorTypes), &o.Contact.Name, &o.Contact.Email, &o.Contact.Phone, &o.Contact.URL)
	}, func(r exportRow[seed.Opportunity]) seed.Opportunity {
		o := r.entry
		o.Item, o.Sectors, o.Incentives, o.Programmes, o.Text = r.item, r.codes[0], r.codes[1], r.codes[2], r.text
		o.InvestorTypes = nonEmpty(o.InvestorTypes)
		return o
	})
	return err
}

// Change is one difference an import makes (or would make).
type Change = seed.Change

// ImportCountry loads a country file through the seed loader and reports what it changed. It
// first loads the whole file inside a savepoint and compares the country's export before and
// after, so that the changes are what the database itself would store (numbers at its scale,
// instants at its precision); then, unless dryRun, it keeps only the parts that change, so that
// an unchanged item is not written at all (no new version, no change-log entry).
func (s *Store) ImportCountry(ctx context.Context, f *seed.CountryFile, dryRun bool) ([]Change, error) {
	var changes []Change
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		before, err := exportCountry(ctx, tx, f.Country.Code)
		if errors.Is(err, ErrNotFound) {
			before, err = &seed.CountryFile{}, nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT import_trial`); err != nil {
			return err
		}
		if err := loadCountry(ctx, tx, *f, true); err != nil {
			return err
		}
		after, err := exportCountry(ctx, tx, f.Country.Code)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT import_trial`); err != nil {
			return err
		}
		changes, err = compareExports(before, after)
		if err != nil {
			return err
		}
		if dryRun || len(changes) == 0 {
			return errRollback
		}
		if err := loadCountry(ctx, tx, onlyChanged(*f, changes), hasChange(changes, "country", f.Country.Code)); err != nil {
			return err
		}
		if err := RefreshReadModelAll(ctx, tx); err != nil {
			return err
		}
		return auditImport(ctx, tx, changes)
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	return changes, err
}

// The organization an imported organization or item belongs to, by slug, for its audit event.
var sqlImportedEntity = map[string]string{
	"organization": statement("imported_organization", `SELECT id, id AS organization_id FROM organizations WHERE slug = $1`),
	"opportunity":  statement("imported_opportunity", `SELECT id, organization_id FROM opportunities WHERE slug = $1`),
	"incentive":    statement("imported_incentive", `SELECT id, organization_id FROM incentives WHERE slug = $1`),
	"programme":    statement("imported_programme", `SELECT id, organization_id FROM programmes WHERE slug = $1`),
}

// auditImport records, in the import's transaction, an event on each organization and item it
// created or changed, as an agency's edit is recorded: no actor (the operator), the changed
// fields in the note.
func auditImport(ctx context.Context, tx *sqlx.Tx, changes []Change) error {
	for _, c := range changes {
		query, ok := sqlImportedEntity[c.Kind]
		if !ok {
			continue // the country itself: reference data, not in the trail
		}
		var ids struct {
			ID    string  `db:"id"`
			OrgID *string `db:"organization_id"`
		}
		if err := tx.GetContext(ctx, &ids, query, c.Slug); err != nil {
			return err
		}
		note := "new"
		if !c.New {
			note = strings.Join(c.Fields, ", ")
		}
		if err := writeAudit(ctx, tx, auditEvent{entity: c.Kind, entityID: ids.ID, orgID: deref(ids.OrgID),
			action: "import", note: &note}); err != nil {
			return err
		}
	}
	return nil
}

// errRollback ends a transaction that must write nothing, without being a failure.
var errRollback = errors.New("rollback")

func hasChange(changes []Change, kind, slug string) bool {
	for _, c := range changes {
		if c.Kind == kind && c.Slug == slug {
			return true
		}
	}
	return false
}

// onlyChanged keeps the organizations and items of f that change.
func onlyChanged(f seed.CountryFile, changes []Change) seed.CountryFile {
	out := f
	out.Organizations = changedOnly(changes, "organization", f.Organizations, func(o seed.Organization) string { return o.Slug })
	out.Incentives = changedOnly(changes, "incentive", f.Incentives, func(o seed.Incentive) string { return o.Slug })
	out.Programmes = changedOnly(changes, "programme", f.Programmes, func(o seed.Programme) string { return o.Slug })
	out.Opportunities = changedOnly(changes, "opportunity", f.Opportunities, func(o seed.Opportunity) string { return o.Slug })
	return out
}

// changedOnly keeps the entries of a kind that have a change.
func changedOnly[T any](changes []Change, kind string, all []T, slug func(T) string) []T {
	var out []T
	for _, x := range all {
		if hasChange(changes, kind, slug(x)) {
			out = append(out, x)
		}
	}
	return out
}

// compareExports lists what differs from before to after, part by part.
func compareExports(before, after *seed.CountryFile) ([]Change, error) {
	var changes []Change
	add := func(kind, slug string, b, a any, existed bool) error {
		if !existed {
			changes = append(changes, Change{Kind: kind, Slug: slug, New: true})
			return nil
		}
		fields, err := changedFields(b, a)
		if err != nil {
			return err
		}
		if len(fields) > 0 {
			changes = append(changes, Change{Kind: kind, Slug: slug, Fields: fields})
		}
		return nil
	}
	if err := add("country", after.Country.Code, before.Country, after.Country, before.Country.Code != ""); err != nil {
		return nil, err
	}
	if err := compareBySlug(add, "organization", before.Organizations, after.Organizations, func(o seed.Organization) string { return o.Slug }); err != nil {
		return nil, err
	}
	if err := compareBySlug(add, "incentive", before.Incentives, after.Incentives, func(o seed.Incentive) string { return o.Slug }); err != nil {
		return nil, err
	}
	if err := compareBySlug(add, "programme", before.Programmes, after.Programmes, func(o seed.Programme) string { return o.Slug }); err != nil {
		return nil, err
	}
	if err := compareBySlug(add, "opportunity", before.Opportunities, after.Opportunities, func(o seed.Opportunity) string { return o.Slug }); err != nil {
		return nil, err
	}
	return changes, nil
}

func compareBySlug[T any](add func(kind, slug string, b, a any, existed bool) error, kind string, before, after []T, slug func(T) string) error {
	old := map[string]T{}
	for _, b := range before {
		old[slug(b)] = b
	}
	for _, a := range after {
		b, existed := old[slug(a)]
		if err := add(kind, slug(a), b, a, existed); err != nil {
			return err
		}
	}
	return nil
}

// changedFields compares two values field by field through their seed YAML (so that the names
// are the file's), one level deeper for text, by language.
func changedFields(before, after any) ([]string, error) {
	b, err := yamlMap(before)
	if err != nil {
		return nil, err
	}
	a, err := yamlMap(after)
	if err != nil {
		return nil, err
	}
	var fields []string
	for _, k := range sortedKeys(union(a, b)) {
		if k == "text" {
			bt, _ := b[k].(map[string]any)
			at, _ := a[k].(map[string]any)
			for _, lang := range sortedKeys(union(at, bt)) {
				if !sameYAML(bt[lang], at[lang]) {
					fields = append(fields, "text."+lang)
				}
			}
			continue
		}
		if !sameYAML(b[k], a[k]) {
			fields = append(fields, k)
		}
	}
	return fields, nil
}

func yamlMap(v any) (map[string]any, error) {
	b, err := yaml.Marshal(v)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

func union(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func sameYAML(a, b any) bool {
	x, err1 := yaml.Marshal(a)
	y, err2 := yaml.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// OrganizationRef finds an organization by id or slug, for the command line.
func (s *Store) OrganizationRef(ctx context.Context, ref string) (id, name string, verified bool, err error) {
	var row struct {
		ID       string `db:"id"`
		Name     string `db:"name"`
		Verified bool   `db:"verified"`
	}
	err = s.db.GetContext(ctx, &row, sqlExportOrganizationRef, ref)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, ErrNotFound
	}
	return row.ID, row.Name, row.Verified, err
}
