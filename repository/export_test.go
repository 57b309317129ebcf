package repository

import (
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
)

// For the external tests.

// PreparedReads is preparedReads, with the number of statements it keeps.
type PreparedReads = preparedReads

// NewPreparedReads is newPreparedReads.
func NewPreparedReads(db *sqlx.DB) *PreparedReads { return newPreparedReads(db) }

// Kept is how many statements p keeps prepared.
func (p *preparedReads) Kept() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.stmts)
}

// MaxPrepared is maxPrepared.
const MaxPrepared = maxPrepared

// ReadFromContentTables makes s answer the public reads with the content tables' own queries,
// as before the read model, for the equivalence test.
func ReadFromContentTables(s *Store) { s.noReadModel = true }

// KindStatement is a statement of a kind's list or detail (or the eligibility candidates),
// with its arguments, the names of the columns its fields say it selects and how many columns
// they scan.
type KindStatement struct {
	Name    string
	SQL     string
	Args    []any
	Columns []string
	Scanned int
}

// KindStatements are the statements that scan into the kinds' fields: each kind's list (and a
// search) and detail of idOrSlug, from the content tables and from the read model, and the
// eligibility candidates.
func KindStatements(idOrSlug string) []KindStatement {
	var out []KindStatement
	out = append(out, kindStatements(opportunitySpec, opportunityFields, idOrSlug)...)
	out = append(out, kindStatements(incentiveSpec, incentiveFields, idOrSlug)...)
	out = append(out, kindStatements(programmeSpec, programmeFields, idOrSlug)...)
	c := candidateFields(new(domain.Candidate))
	return append(out, KindStatement{"eligibility candidates", sqlEligibilityCandidates,
		[]any{"CV", pq.Array([]string{"en"}), true}, c.names(), len(c.dest)})
}

func kindStatements[T any](k kindSpec, fields kindFields[T], idOrSlug string) []KindStatement {
	list, detail := fields(new(kindRow[T]), false), fields(new(kindRow[T]), true)
	public := domain.ListFilter{Country: "CV", Langs: []string{"en"}}
	search := domain.ListFilter{Query: "energia", Langs: []string{"pt", "en"}, SearchLangs: []string{"portuguese", "english"}}
	editors := domain.ListFilter{AnyStatus: true, Langs: []string{"de"}}
	var out []KindStatement
	add := func(name, sqlText string, args []any, cols columns) {
		out = append(out, KindStatement{k.singular + " " + name, sqlText, args, cols.names(), len(cols.dest)})
	}
	for name, f := range map[string]domain.ListFilter{"public": public, "search": search, "editors'": editors} {
		sqlText, args, _ := k.selectSQL(f, "")
		add(name+" list, content tables", sqlText, args, list)
		sqlText, args, _ = k.selectSQL(f, idOrSlug)
		add(name+" detail, content tables", sqlText, args, detail)
		if readModelAnswers(f) {
			sqlText, args, _ = readSQL(k.kind, f)
			add(name+" list, read model", sqlText, args, list)
			sqlText, args = readDetailSQL(k.kind, f, idOrSlug)
			add(name+" detail, read model", sqlText, args, detail)
		}
	}
	return out
}
