package repository

import (
	"context"
	"encoding/json"
	"math"
	"time"

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
	var rows []struct {
		ID        int64     `db:"id"`
		At        time.Time `db:"at"`
		ActorID   *string   `db:"actor_id"`
		ActorName *string   `db:"actor_name"`
		Entity    string    `db:"entity"`
		EntityID  string    `db:"entity_id"`
		Action    string    `db:"action"`
		Lang      *string   `db:"lang"`
		Changes   []byte    `db:"changes"`
		Note      *string   `db:"note"`
	}
	query, key := sqlItemHistoryOlder, entityID
	if orgID != "" {
		query, key = sqlOrganizationHistoryOlder, orgID
	}
	if before <= 0 {
		before = math.MaxInt64 // the newest page
	}
	if err := s.db.SelectContext(ctx, &rows, query, key, before, limit+1); err != nil {
		return nil, false, err
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	events := make([]domain.AuditEvent, len(rows))
	for i, r := range rows {
		events[i] = domain.AuditEvent{ID: r.ID, At: r.At, Entity: r.Entity, EntityID: r.EntityID, Action: r.Action, Lang: r.Lang, Note: r.Note}
		if r.ActorID != nil {
			events[i].Actor = &domain.UserRef{ID: *r.ActorID, Name: deref(r.ActorName)}
		}
		if err := json.Unmarshal(r.Changes, &events[i].Changes); err != nil {
			return nil, false, err
		}
	}
	return events, more, nil
}
