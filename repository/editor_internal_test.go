package repository

import (
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
)

// TestOnlyWritableColumns: columns outside the kind's list are never written (a typed change
// cannot name one; this guards the list itself).
func TestOnlyWritableColumns(t *testing.T) {
	if _, err := updateArgs(sqlOf(domain.KindOpportunity), "", map[string]any{"status": "published"}); err == nil {
		t.Error("status written as a column")
	}
}
