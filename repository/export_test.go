package repository

import "github.com/jmoiron/sqlx"

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
