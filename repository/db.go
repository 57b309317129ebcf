// Package repository is the only place that speaks SQL. Every query uses bound parameters;
// lists use keyset pagination over the indexes the migrations create.
package repository

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq" // the PostgreSQL driver; its errors are read only in this package
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/migrations"
)

// ErrNotFound is returned when a row does not exist or is not visible to the caller (the
// domain's own error: use cases and interfaces test domain.ErrNotFound).
var ErrNotFound = domain.ErrNotFound

// Store reads and writes the catalogue.
type Store struct {
	db    *sqlx.DB
	reads catalogueReads // the public catalogue's reads, as prepared statements (or a Replica)
	// examples: illustrative items are public like the others (SHOW_EXAMPLES); otherwise
	// they exist for their editors only. Set once, before the store is used.
	examples bool
	// hideClosed: lists leave out opportunities whose deadline has passed, unless asked.
	hideClosed bool
	// noReadModel reads the public catalogue from the content tables' own queries, not from
	// the read model (the equivalence test compares the two).
	noReadModel bool
}

// Public sets what the public catalogue shows: illustrative items only when showExamples, and
// closed opportunities only when a list asks (include_closed). A new store shows everything
// (the repository has no public of its own); the HTTP layer calls this with its configuration.
func (s *Store) Public(showExamples bool) { s.examples, s.hideClosed = showExamples, true }

// public narrows a catalogue filter to what the public may see.
func (s *Store) public(f domain.ListFilter) domain.ListFilter {
	f.HideExamples = !s.examples
	f.HideClosed = s.hideClosed && !f.IncludeClosed
	return f
}

// New wraps an open database.
func New(db *sqlx.DB) *Store { return &Store{db: db, reads: newPreparedReads(db), examples: true} }

// Close releases the prepared statements (the database itself is the caller's to close).
func (s *Store) Close() { s.reads.Close() }

// DB returns the underlying pool.
func (s *Store) DB() *sqlx.DB { return s.db }

// PoolOptions size the connection pool.
type PoolOptions struct {
	MaxOpen          int
	StatementTimeout time.Duration // a query running longer is cancelled by PostgreSQL
}

// Open connects to PostgreSQL and checks the connection.
func Open(ctx context.Context, databaseURL string, opts PoolOptions) (*sqlx.DB, error) {
	dsn, err := connectionURL(databaseURL, opts.StatementTimeout)
	if err != nil {
		return nil, err
	}
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, err
	}
	if opts.MaxOpen > 0 {
		db.SetMaxOpenConns(opts.MaxOpen)
		db.SetMaxIdleConns(opts.MaxOpen)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to the database: %w", err)
	}
	return db, nil
}

// connectionURL adds run-time parameters to every connection (lib/pq passes unknown URL
// parameters to the server): the statement timeout, unless the URL sets one, exact float
// output, so that a search's relevance comes back exactly and its cursor finds its place, and no
// JIT compilation.
func connectionURL(databaseURL string, timeout time.Duration) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("DATABASE_URL must be a postgres:// URL")
	}
	q := u.Query()
	if q.Get("statement_timeout") == "" && timeout > 0 {
		q.Set("statement_timeout", fmt.Sprint(timeout.Milliseconds()))
	}
	q.Set("extra_float_digits", "3")
	// The API's queries are short: JIT compilation (hundreds of milliseconds when a plan looks
	// expensive, as on fresh tables without statistics) would cost more than it saves.
	q.Set("jit", "off")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func migrator(db *sql.DB) (*goose.Provider, error) {
	// The session lock makes instances that start together wait for one another instead of
	// applying the same migration twice.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(locker))
}

// Migrate applies every pending migration.
func Migrate(ctx context.Context, db *sql.DB) error {
	return migrate(db, "migrate up", func(p *goose.Provider) error { _, err := p.Up(ctx); return err })
}

// MigrateDown rolls back the last applied migration.
func MigrateDown(ctx context.Context, db *sql.DB) error {
	return migrate(db, "migrate down", func(p *goose.Provider) error { _, err := p.Down(ctx); return err })
}

// MigrateDownTo rolls back every migration after version (0: all of them).
func MigrateDownTo(ctx context.Context, db *sql.DB, version int64) error {
	return migrate(db, fmt.Sprintf("migrate down to %d", version), func(p *goose.Provider) error {
		_, err := p.DownTo(ctx, version)
		return err
	})
}

// migrate runs one step of the migrator; what names it in its error.
func migrate(db *sql.DB, what string, step func(*goose.Provider) error) error {
	p, err := migrator(db)
	if err != nil {
		return err
	}
	if err := step(p); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// MigrationsApplied reports whether the schema is at the binary's latest version.
func MigrationsApplied(ctx context.Context, db *sql.DB) (bool, error) {
	p, err := migrator(db)
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	return !pending, err
}

// getOne reads the one row of query into an R; ErrNotFound when there is none.
func getOne[R any](ctx context.Context, q sqlx.QueryerContext, query string, args ...any) (*R, error) {
	var r R
	err := sqlx.GetContext(ctx, q, &r, query, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// scanOne reads the one row of query into a T, its fields filled by columns (as scanInto
// does); ErrNotFound when there is none.
func scanOne[T any](ctx context.Context, q sqlx.QueryerContext, columns func(v *T) []any, query string, args ...any) (*T, error) {
	var v T
	err := q.QueryRowxContext(ctx, query, args...).Scan(columns(&v)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// selectAll reads the rows of query into Rs and turns each into a T.
func selectAll[R, T any](ctx context.Context, q sqlx.QueryerContext, convert func(R) T, query string, args ...any) ([]T, error) {
	var rows []R
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return nil, err
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = convert(r)
	}
	return out, nil
}

// pageOf cuts rows, read with one row more than limit to know whether another page follows,
// to the page, with the cursor of the next page (made from the page's last row) or nil.
func pageOf[R any](rows []R, limit int, cursor func(last R) domain.Cursor) ([]R, *domain.Cursor) {
	if len(rows) <= limit {
		return rows, nil
	}
	rows = rows[:limit]
	next := cursor(rows[len(rows)-1])
	return rows, &next
}

// inTx runs fn in a transaction: all of it commits, or none of it does.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// IsStatementTimeout reports PostgreSQL cancelling a statement that ran past statement_timeout
// (SQLSTATE 57014). The driver's error types stay in this package.
func IsStatementTimeout(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "57014"
}

// IsUnavailable reports a database error that means "cannot answer now, retry later": a
// connection exception (08), shutting down or cannot connect now (57P01-57P03), a statement
// timeout or cancel (57014), insufficient resources (53).
func IsUnavailable(err error) bool {
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) {
		return false
	}
	code := string(pqErr.Code)
	return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "57P") || code == "57014" || strings.HasPrefix(code, "53")
}
