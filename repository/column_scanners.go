package repository

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/domain"
)

// Some reads scan their rows straight into a domain type instead of a row struct that repeats
// it field by field: columns names the value's fields in the order the statement selects
// them, and the scanners below convert the columns that are not stored as the domain type
// holds them.

// scanInto appends to *out a T for each row of query, its fields filled by columns. The
// scanners are made once per query: each row is scanned into one value, made zero again
// first (so that no slice or map of a row is reused by the next one), and appended as a copy.
// A scanner that keeps a column to read with a later one (moneyColumns) keeps the row's own.
func scanInto[T any](ctx context.Context, q sqlx.QueryerContext, out *[]T, columns func(v *T) []any, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var v, zero T
	dest := columns(&v)
	for rows.Next() {
		v = zero
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		*out = append(*out, v)
	}
	return rows.Err()
}

// scanFunc is a sql.Scanner made of a function.
type scanFunc func(src any) error

func (f scanFunc) Scan(src any) error { return f(src) }

// columnBytes is a text column's value as bytes (nil for NULL).
func columnBytes(src any) []byte {
	switch v := src.(type) {
	case []byte:
		return v
	case string:
		return []byte(v)
	}
	return nil
}

// jsonColumn scans a JSON column into *to as json.Unmarshal decodes it (NULL, like any text
// that is no JSON, is an error).
func jsonColumn[T any](to *T) sql.Scanner {
	return scanFunc(func(src any) error { return json.Unmarshal(columnBytes(src), to) })
}

// sourcesColumn scans a sources column (JSON) into *to as decodeSources reads it.
func sourcesColumn(to *[]domain.SourceRef) sql.Scanner {
	return scanFunc(func(src any) error {
		*to = decodeSources(columnBytes(src))
		return nil
	})
}

// zeroIfNull scans a column that may be NULL into *to, the zero value for NULL.
func zeroIfNull[T any](to *T) sql.Scanner {
	return scanFunc(func(src any) error {
		var n sql.Null[T]
		err := n.Scan(src)
		*to = n.V
		return err
	})
}

// moneyColumns scans an amount column and the currency column that follows it into *to: nil
// when either is NULL. The currency's scanner reads the amount's, so the two must be given to
// Scan in this order (Scan converts columns in the order they are selected).
func moneyColumns(to **domain.Money) (amount, currency sql.Scanner) {
	var a sql.NullString
	return &a, scanFunc(func(src any) error {
		var c sql.NullString
		if err := c.Scan(src); err != nil {
			return err
		}
		*to = nil
		if a.Valid && c.Valid {
			*to = &domain.Money{Amount: a.String, Currency: c.String}
		}
		return nil
	})
}
