package repository

import (
	"context"
	"math"

	"github.com/diaspora-investor/marketplace/domain"
)

// The audit trail newest first, for the console: a page of the events before an event id ($2),
// then older pages by the same key, each one range of the indexes (entity_id, id) and
// (organization_id, id) read backwards.
var (
	sqlItemHistoryOlder = statement("item_history_older", `
		SELECT a.id, a.at, a.actor_id, u.display_name AS actor_name, a.entity, a.entity_id, a.action, a.lang, a.changes, a.note
		FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.entity_id = $1 AND a.id < $2 ORDER BY a.id DESC LIMIT $3`)
	sqlOrganizationHistoryOlder = statement("organization_history_older", `
		SELECT a.id, a.at, a.actor_id, u.display_name AS actor_name, a.entity, a.entity_id, a.action, a.lang, a.changes, a.note
		FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.organization_id = $1 AND a.id < $2 ORDER BY a.id DESC LIMIT $3`)
)

// OlderHistory reads the audit trail of one item (entityID) or of everything of one
// organization (orgID), newest first, before the event id before (0: from the newest), at most
// limit events; more reports older ones.
func (s *Store) OlderHistory(ctx context.Context, entityID, orgID string, before int64, limit int) ([]domain.AuditEvent, bool, error) {
	query, key := sqlItemHistoryOlder, entityID
	if orgID != "" {
		query, key = sqlOrganizationHistoryOlder, orgID
	}
	if before <= 0 {
		before = math.MaxInt64 // the newest page
	}
	return s.auditPage(ctx, limit, query, key, before, limit+1)
}
