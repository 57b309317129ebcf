package repository

import (
	"context"
	"database/sql"
	"fmt"
	"path"
	"time"

	"github.com/pressly/goose/v3"
)

// MigrationState is one migration of the binary and whether the database has it.
type MigrationState struct {
	Version   int64
	Name      string    // the file, such as 00001_catalogue.sql
	AppliedAt time.Time // zero when pending
}

// MigrationStatus lists the binary's migrations, oldest first, with when each was applied.
func MigrationStatus(ctx context.Context, db *sql.DB) ([]MigrationState, error) {
	p, err := migrator(db)
	if err != nil {
		return nil, err
	}
	list, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]MigrationState, 0, len(list))
	for _, m := range list {
		s := MigrationState{Version: m.Source.Version, Name: path.Base(m.Source.Path)}
		if m.State == goose.StateApplied {
			s.AppliedAt = m.AppliedAt
		}
		out = append(out, s)
	}
	return out, nil
}
