package repository

import (
	"context"
	"database/sql"
	"sync"

	"github.com/jmoiron/sqlx"
)

// maxPrepared bounds the statements kept prepared: list statements are built from the filters
// a request uses, so their texts are several (one per combination of filters used), and each
// costs memory in every PostgreSQL session that has run it; a text beyond the bound simply
// runs unprepared.
const maxPrepared = 128

// preparedReads runs the catalogue's hot reads as prepared statements, one per statement text,
// each prepared once on every connection that runs it (database/sql does that, and prepares
// again on a new connection after a lost one). Unprepared, lib/pq sends each query to be
// parsed and planned and then, in a second round trip, to be run; prepared, a read is one
// round trip, and PostgreSQL may reuse its plan. Measured with pprof and `make bench`: the
// planning of the list statement took about half the database's time per list request.
//
// It has the sqlx.QueryerContext methods, so the same query code runs prepared or not.
type preparedReads struct {
	db *sqlx.DB

	mu    sync.Mutex
	stmts map[string]*sqlx.Stmt
}

func newPreparedReads(db *sqlx.DB) *preparedReads {
	return &preparedReads{db: db, stmts: map[string]*sqlx.Stmt{}}
}

// stmt returns the prepared statement of query, preparing it on first use; nil when the
// bound is reached or preparing fails (the caller then runs the query unprepared, and any
// error in the query shows there).
func (p *preparedReads) stmt(ctx context.Context, query string) *sqlx.Stmt {
	p.mu.Lock()
	st, ok := p.stmts[query]
	full := len(p.stmts) >= maxPrepared
	p.mu.Unlock()
	if ok {
		return st
	}
	if full {
		return nil
	}
	// Prepared on one connection now, outside the lock (the database may be slow or away);
	// other connections prepare it when they first run it.
	st, err := p.db.PreparexContext(ctx, query)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if other, ok := p.stmts[query]; ok { // prepared meanwhile by another request
		_ = st.Close()
		return other
	}
	p.stmts[query] = st
	return st
}

// QueryContext runs query, prepared.
func (p *preparedReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

// QueryxContext runs query, prepared.
func (p *preparedReads) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryxContext(ctx, args...)
	}
	return p.db.QueryxContext(ctx, query, args...)
}

// QueryRowxContext runs query, prepared.
func (p *preparedReads) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowxContext(ctx, args...)
	}
	return p.db.QueryRowxContext(ctx, query, args...)
}

// Close releases the statements.
func (p *preparedReads) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for q, st := range p.stmts {
		_ = st.Close()
		delete(p.stmts, q)
	}
}
