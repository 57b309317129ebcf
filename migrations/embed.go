// Package migrations holds the schema as SQL files, applied in order by goose at start-up.
// Add a change as a new numbered file with both an Up and a Down section; never edit one that
// has shipped.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
