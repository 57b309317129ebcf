package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/seed"
)

// Some reads scan their rows straight into a domain type instead of a row struct that repeats
// it field by field: fields names the value's fields in the order the statement selects
// them, and the scanners below convert the columns that are not stored as the domain type
// holds them.

// scanInto appends to *out a T for each row of query, its fields filled as fields says. The
// scanners are made once per query: each row is scanned into one value, appended as a copy,
// and made zero again for the next row (so that no slice or map of a row is reused by the
// next one). A scanner that keeps a column to read with a later one (pairColumns) keeps it
// for that row only: every row scans it again.
func scanInto[T any](ctx context.Context, q sqlx.QueryerContext, out *[]T, fields func(v *T) []any, query string, args ...any) error {
	var v, zero T
	return scanRows(ctx, q, fields(&v), func() {
		*out = append(*out, v)
		v = zero
	}, query, args...)
}

// scanRows scans each row of query into dest, then calls row.
func scanRows(ctx context.Context, q sqlx.QueryerContext, dest []any, row func(), query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		row()
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

// skipColumn scans a column that is selected but not read.
var skipColumn = scanFunc(func(any) error { return nil })

// columns are where the columns of a statement go, in the order it selects them, with their
// names: the test of the kinds' statements compares the names with the columns they select.
type columns struct {
	named []string // as add was given them
	dest  []any
}

// add appends the columns named in names (one name per dest, separated by spaces).
func (c *columns) add(names string, dest ...any) {
	c.named = append(c.named, names)
	c.dest = append(c.dest, dest...)
}

// names are the names of the columns, one each.
func (c columns) names() []string { return strings.Fields(strings.Join(c.named, " ")) }

// idColumn scans an id column into the item and its row's key alike.
func idColumn(item, key *string) sql.Scanner {
	return scanFunc(func(src any) error {
		var id sql.NullString
		err := id.Scan(src)
		*item, *key = id.String, id.String
		return err
	})
}

// publishedColumn scans the unpublished column that follows published_at, itself scanned into
// *at (a never published item's creation time there): *to is a copy of *at for an item
// published, nil for one never published.
func publishedColumn(to **time.Time, at *time.Time) sql.Scanner {
	return scanFunc(func(src any) error {
		var unpublished sql.NullBool
		if err := unpublished.Scan(src); err != nil {
			return err
		}
		*to = nil
		if !unpublished.Bool {
			t := *at
			*to = &t
		}
		return nil
	})
}

// pairColumns scans two text columns, selected one after the other, into *to, made of both by
// pair: nil when either is NULL. The second's scanner reads the first's, so the two must be
// given to Scan in this order (Scan converts columns in the order they are selected).
func pairColumns[P any](to **P, pair func(first, second string) P) (first, second sql.Scanner) {
	var a sql.NullString
	return &a, scanFunc(func(src any) error {
		var b sql.NullString
		if err := b.Scan(src); err != nil {
			return err
		}
		*to = nil
		if a.Valid && b.Valid {
			p := pair(a.String, b.String)
			*to = &p
		}
		return nil
	})
}

// regionsColumns scans an array of region codes and the array of their names that follows it
// into *to, one region per code; in this order, as pairColumns.
func regionsColumns(to *[]domain.RegionRef) (codes, names sql.Scanner) {
	var c pq.StringArray
	return &c, scanFunc(func(src any) error {
		var n pq.StringArray
		if err := n.Scan(src); err != nil {
			return err
		}
		*to = make([]domain.RegionRef, len(c))
		for i, code := range c {
			(*to)[i] = domain.RegionRef{Code: code, Name: n[i]}
		}
		return nil
	})
}

// anyMoney is an amount in a currency as the catalogue or the seed format holds it.
type anyMoney interface{ domain.Money | seed.Money }

// moneyOf is amount in currency; nil when either is NULL.
func moneyOf[M anyMoney](amount, currency sql.NullString) *M {
	if !amount.Valid || !currency.Valid {
		return nil
	}
	m := M(domain.Money{Amount: amount.String, Currency: currency.String})
	return &m
}

// moneyColumns scans an amount column and the currency column that follows it into *to, as
// pairColumns.
func moneyColumns[M anyMoney](to **M) (amount, currency sql.Scanner) {
	return pairColumns(to, func(amount, currency string) M { return M(domain.Money{Amount: amount, Currency: currency}) })
}

// rangeColumns scans the two amount columns of a range and the currency column that follows
// them into *min and *max, each nil when its amount or the currency is NULL; in this order, as
// pairColumns.
func rangeColumns[M anyMoney](min, max **M) (minAmount, maxAmount, currency sql.Scanner) {
	var lo, hi sql.NullString
	return &lo, &hi, scanFunc(func(src any) error {
		var c sql.NullString
		if err := c.Scan(src); err != nil {
			return err
		}
		*min, *max = moneyOf[M](lo, c), moneyOf[M](hi, c)
		return nil
	})
}
