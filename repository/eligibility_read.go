package repository

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/diaspora-investor/marketplace/domain"
)

// sqlReadEligibility reads everything an eligibility answer needs of the database in one
// statement: whether the country ($1, a well-formed code or ”) is in the catalogue, its
// precomputed regions and conditions (read_eligibility, migration 00070) unless their version
// is $2 (the one this instance has decoded already), and the rates in use.
var sqlReadEligibility = statement("read_eligibility", `
	SELECT co.code IS NOT NULL AS known, coalesce(e.version, 0) AS version,
		CASE WHEN e.version = $2 THEN NULL ELSE coalesce(e.regions, '[]') END AS regions,
		CASE WHEN e.version = $2 THEN NULL ELSE coalesce(e.candidates, '[]') END AS candidates,
		(SELECT coalesce(jsonb_agg(jsonb_build_array(r.currency, trim_scale(r.per_eur)::text, r.as_of, r.source)), '[]')
			FROM `+ratesInUse+` r) AS rates
	FROM (SELECT $1::char(2) AS code) q
	LEFT JOIN countries co ON co.code = q.code
	LEFT JOIN read_eligibility e ON e.country_code = q.code`)

// decodedConditions are a version of a country's read_eligibility row, decoded: read-only
// once made, shared by the requests that read that version. candidates[i] is docs[i] as a
// candidate but for its name and language, which depend on the reader's (see
// candidateDoc.name): its conditions and dates are decoded once per version, not per request.
type decodedConditions struct {
	version    int64
	regions    map[string]string
	docs       []candidateDoc
	candidates []domain.Candidate
}

// decoded keeps the last version of each country's conditions decoded by this process, so
// that a request decodes nothing unless the row changed. A version is a hash of the row's
// content, so one (country, version) names one content whatever the database.
var decoded = struct {
	sync.Mutex
	byCountry map[string]*decodedConditions
}{byCountry: map[string]*decodedConditions{}}

// eligibilityConditions is what assessing a situation in a country needs: whether the country
// is in the catalogue, the names of its regions by code, its published incentives and
// programmes with their conditions (named in the first of langs each is written in;
// incentives first, then programmes, each newest first), and the rates in use.
type eligibilityConditions struct {
	Known      bool
	Regions    map[string]string
	Candidates []domain.Candidate
	Rates      domain.Rates
}

// candidateDoc is one candidate of read_eligibility.candidates.
type candidateDoc struct {
	Kind         string  `json:"kind"`
	ID           string  `json:"id"`
	Type         string  `json:"type"`
	Illustrative bool    `json:"illustrative"`
	ValidFrom    *string `json:"valid_from"`
	ValidUntil   *string `json:"valid_until"`
	eligibilityDoc
	Names map[string][2]string `json:"names"` // by read model key: [lang, name]
}

// eligibilityDoc are a candidate's structured conditions, as the read model's candidates
// (read_eligibility) write them.
type eligibilityDoc struct {
	InvestorTypes   []string `json:"investor_types"`
	MinInvestment   *string  `json:"min_investment"`
	MaxInvestment   *string  `json:"max_investment"`
	Currency        *string  `json:"investment_currency"`
	MinJobs         *int     `json:"min_jobs"`
	ResidenceAbroad *bool    `json:"residence_abroad"`
	Sectors         []string `json:"sectors"`
	RegionCodes     []string `json:"region_codes"`
	RegionNames     []string `json:"region_names"`
}

func (e eligibilityDoc) eligibility() domain.Eligibility {
	out := domain.Eligibility{
		InvestorTypes:   e.InvestorTypes,
		MinInvestment:   money(e.MinInvestment, e.Currency),
		MaxInvestment:   money(e.MaxInvestment, e.Currency),
		Sectors:         e.Sectors,
		MinJobs:         e.MinJobs,
		ResidenceAbroad: e.ResidenceAbroad,
		Regions:         make([]domain.RegionRef, len(e.RegionCodes)),
	}
	for i, code := range e.RegionCodes {
		out.Regions[i] = domain.RegionRef{Code: code, Name: e.RegionNames[i]}
	}
	return out
}

// name picks the candidate's name for the reader's keys as the read model's lists pick a
// translation: the first key the item is written in, else the first key's fallback. No row
// for the first key: not shown.
func (d *candidateDoc) name(keys []string) (lang, name string, ok bool) {
	first, ok := d.Names[keys[0]]
	if !ok {
		return "", "", false
	}
	for _, k := range keys {
		if n, ok := d.Names[k]; ok && n[0] == k {
			return n[0], n[1], true
		}
	}
	return first[0], first[1], true
}

// EligibilityConditions reads a country's conditions in one statement (see
// eligibilityConditions). For languages the read model does not resolve, or with the read
// model off, it reads them from the content tables as before.
func (s *Store) EligibilityConditions(ctx context.Context, country string, langs []string) (known bool, regions map[string]string,
	candidates []domain.Candidate, rates domain.Rates, err error) {
	var c eligibilityConditions
	keys, ok := readKeys(langs)
	if !ok || s.noReadModel {
		c, err = s.eligibilityFromTables(ctx, country, langs)
	} else {
		c, err = s.readEligibility(ctx, country, keys)
	}
	return c.Known, c.Regions, c.Candidates, c.Rates, err
}

// readEligibility reads a country's precomputed conditions, named for the reader's read model
// keys.
func (s *Store) readEligibility(ctx context.Context, country string, keys []string) (eligibilityConditions, error) {
	decoded.Lock()
	have := decoded.byCountry[country]
	decoded.Unlock()
	var version int64
	if have != nil {
		version = have.version
	}
	var out eligibilityConditions
	var current int64
	var regions, candidates, rates []byte // regions and candidates NULL: the version we have
	err := s.reads.QueryRowxContext(ctx, sqlReadEligibility, country, version).
		Scan(&out.Known, &current, &regions, &candidates, &rates)
	if err != nil {
		return eligibilityConditions{}, fmt.Errorf("repository: eligibility: %w", err)
	}
	if out.Rates, err = decodeRates(rates); err != nil || !out.Known {
		return out, err
	}
	cond := have
	if candidates != nil || have == nil || have.version != current {
		if cond, err = decodeConditions(current, regions, candidates); err != nil {
			return out, err
		}
		decoded.Lock()
		// A copy: the caller's code may be a request's string over the server's reused
		// buffers (the site passes the query's), and this map outlives the request.
		decoded.byCountry[strings.Clone(country)] = cond
		decoded.Unlock()
	}
	out.Regions = cond.regions
	out.Candidates = make([]domain.Candidate, 0, len(cond.docs))
	for i := range cond.docs {
		d := &cond.docs[i]
		if d.Illustrative && !s.examples {
			continue
		}
		lang, name, ok := d.name(keys)
		if !ok {
			continue
		}
		c := cond.candidates[i]
		c.Name, c.Lang = name, lang
		out.Candidates = append(out.Candidates, c)
	}
	return out, nil
}

// eligibilityFromTables reads the same as EligibilityConditions in the statements that came
// before the precomputed conditions (four round trips); the equivalence test compares both.
func (s *Store) eligibilityFromTables(ctx context.Context, country string, langs []string) (eligibilityConditions, error) {
	var out eligibilityConditions
	var err error
	if out.Rates, err = s.Rates(ctx); err != nil {
		return out, err
	}
	if out.Known, err = s.CountryExists(ctx, country); err != nil || !out.Known {
		return out, err
	}
	if out.Candidates, err = s.EligibilityCandidates(ctx, country, langs); err != nil {
		return out, err
	}
	regions, err := s.Regions(ctx, country)
	if err != nil {
		return out, err
	}
	out.Regions = make(map[string]string, len(regions))
	for _, r := range regions {
		out.Regions[r.Code] = r.Name
	}
	return out, nil
}

func decodeConditions(version int64, regions, candidates []byte) (*decodedConditions, error) {
	var pairs [][2]string
	if err := json.Unmarshal(regions, &pairs); err != nil {
		return nil, fmt.Errorf("repository: eligibility regions: %w", err)
	}
	out := &decodedConditions{version: version, regions: make(map[string]string, len(pairs))}
	for _, p := range pairs {
		out.regions[p[0]] = p[1]
	}
	if err := json.Unmarshal(candidates, &out.docs); err != nil {
		return nil, fmt.Errorf("repository: eligibility candidates: %w", err)
	}
	out.candidates = make([]domain.Candidate, len(out.docs))
	for i, d := range out.docs {
		c := domain.Candidate{Kind: domain.Kind(d.Kind), ID: d.ID, Type: d.Type, Eligibility: d.eligibility()}
		var err error
		if c.ValidFrom, err = jsonDate(d.ValidFrom); err != nil {
			return nil, err
		}
		if c.ValidUntil, err = jsonDate(d.ValidUntil); err != nil {
			return nil, err
		}
		out.candidates[i] = c
	}
	return out, nil
}

func decodeRates(raw []byte) (domain.Rates, error) {
	var rows [][4]string
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil, fmt.Errorf("repository: eligibility rates: %w", err)
	}
	out := make(domain.Rates, len(rows))
	for _, r := range rows {
		asOf, err := time.Parse(time.DateOnly, r[2])
		if err != nil {
			return nil, fmt.Errorf("repository: eligibility rates: %w", err)
		}
		out[r[0]] = domain.Rate{Currency: r[0], PerEUR: r[1], AsOf: asOf, Source: r[3]}
	}
	return out, nil
}

// jsonDate reads a date of a JSON document as the driver reads a date column: midnight, UTC.
func jsonDate(v *string) (*time.Time, error) {
	if v == nil {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, *v)
	if err != nil {
		return nil, fmt.Errorf("repository: eligibility date: %w", err)
	}
	return &t, nil
}

// EligibilitySQL is the statement an eligibility request reads its country's conditions with
// ($1: the country, $2: the version decoded already, if any): for benchmarks that give the
// database's own figure (pgbench).
func EligibilitySQL() string { return sqlReadEligibility }
