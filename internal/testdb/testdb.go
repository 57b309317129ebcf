// Package testdb gives each test its own PostgreSQL database, cloned from a template that is
// migrated and seeded once per schema and seed version. Cloning takes a few tens of
// milliseconds, so every test starts from the same known catalogue and tests never see each
// other's writes.
//
// It needs DATABASE_URL, a role allowed to create databases: `make test` starts a private
// cluster and sets it.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/app/editorial"
	"github.com/diaspora-investor/marketplace/migrations"
	"github.com/diaspora-investor/marketplace/repository"
	"github.com/diaspora-investor/marketplace/seed"
)

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// SkipIfShort skips a test that needs a database under -short: `make check`, the fast loop, runs
// only what needs none (make test runs everything).
func SkipIfShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a database: skipped under -short")
	}
}

// New returns a fresh, migrated and seeded database for t, dropped when t ends, and its URL.
func New(t testing.TB) (*sqlx.DB, string) {
	t.Helper()
	SkipIfShort(t)
	base := os.Getenv("DATABASE_URL")
	if base == "" {
		t.Fatal("DATABASE_URL is not set: run the tests with `make test`, which starts a private PostgreSQL")
	}
	templateOnce.Do(func() { templateName, templateErr = prepareTemplate(base) })
	if templateErr != nil {
		t.Fatalf("prepare the template database: %v", templateErr)
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "test_" + randomHex(8)
	if _, err := admin.Exec(`CREATE DATABASE ` + pq.QuoteIdentifier(name) + ` TEMPLATE ` + pq.QuoteIdentifier(templateName)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	dbURL := withDatabase(base, name)
	db, err := repository.Open(context.Background(), dbURL, repository.PoolOptions{MaxOpen: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		dropDatabase(t, base, name)
	})
	return db, dbURL
}

// NewEmpty returns the URL of a new, empty database (no schema, no seed), dropped when t
// ends: for tests of what the server does on first start.
func NewEmpty(t testing.TB) string {
	t.Helper()
	SkipIfShort(t)
	base := os.Getenv("DATABASE_URL")
	if base == "" {
		t.Fatal("DATABASE_URL is not set: run the tests with `make test`, which starts a private PostgreSQL")
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "test_" + randomHex(8)
	if _, err := admin.Exec(`CREATE DATABASE ` + pq.QuoteIdentifier(name)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() { dropDatabase(t, base, name) })
	return withDatabase(base, name)
}

// dropDatabase drops a test database, retrying for a few seconds: a role that may not end
// other sessions (an autovacuum worker that just entered it) must wait for them to leave.
func dropDatabase(t testing.TB, base, name string) {
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Error(err)
		return
	}
	defer admin.Close()
	for attempt := 0; ; attempt++ {
		_, err = admin.Exec(`DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(name) + ` WITH (FORCE)`)
		if err == nil {
			return
		}
		if attempt == 50 {
			t.Errorf("drop test database: %v", err)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// prepareTemplate makes (once per fingerprint, across every test process running at the same
// time) the template database, named after a hash of the migrations and the seed.
func prepareTemplate(base string) (string, error) {
	fp, err := fingerprint()
	if err != nil {
		return "", err
	}
	name := "template_" + fp
	ctx := context.Background()
	admin, err := sql.Open("postgres", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	// Test binaries of several packages run at once; the lock lets one build the template.
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(726354)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(726354)`)

	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// Templates of older schemas are of no more use.
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'template\_%' AND datname <> $1 AND NOT datistemplate`, name)
	if err != nil {
		return "", err
	}
	var stale []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", err
		}
		stale = append(stale, n)
	}
	rows.Close()
	for _, n := range stale {
		_, _ = conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(n)+` WITH (FORCE)`)
	}

	building := name + "_building"
	_, _ = conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(building)+` WITH (FORCE)`)
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(building)); err != nil {
		return "", err
	}
	if err := migrateAndSeed(ctx, withDatabase(base, building)); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+pq.QuoteIdentifier(building)+` RENAME TO `+pq.QuoteIdentifier(name)); err != nil {
		return "", err
	}
	return name, nil
}

func migrateAndSeed(ctx context.Context, dbURL string) error {
	db, err := repository.Open(ctx, dbURL, repository.PoolOptions{MaxOpen: 2})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := repository.Migrate(ctx, db.DB); err != nil {
		return err
	}
	content, err := seed.Load()
	if err != nil {
		return err
	}
	// The seed goes through the editorial use case, as `marketplace seed` does.
	return editorial.New(repository.New(db), editorial.FileLanguages()).LoadSeed(ctx, content)
}

func fingerprint() (string, error) {
	h := sha256.New()
	for _, fsys := range []fs.FS{migrations.FS, seed.FS} {
		err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(fsys, path)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
			h.Write(b)
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func withDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
