package repository

import (
	"context"
	"encoding/json"
	"reflect"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/diaspora-investor/marketplace/domain"
)

// auditEvent is one row of the audit trail, written in the transaction of the change.
type auditEvent struct {
	actor    string
	entity   string // organization, opportunity, incentive, programme
	entityID string
	orgID    string
	action   string
	lang     *string
	changes  map[string]domain.FieldChange
	note     *string
}

var (
	sqlInsertAuditEvent = statement("insert_audit_event", `
		INSERT INTO audit_events (actor_id, entity, entity_id, organization_id, action, lang, changes, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`)
	// The trail of one item, and of everything of one organization: a page after an event id.
	sqlItemHistory = statement("item_history", `
		SELECT a.id, a.at, a.actor_id, u.display_name AS actor_name, a.entity, a.entity_id, a.action, a.lang, a.changes, a.note
		FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.entity_id = $1 AND a.id > $2 ORDER BY a.id LIMIT $3`)
	sqlOrganizationHistory = statement("organization_history", `
		SELECT a.id, a.at, a.actor_id, u.display_name AS actor_name, a.entity, a.entity_id, a.action, a.lang, a.changes, a.note
		FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.organization_id = $1 AND a.id > $2 ORDER BY a.id LIMIT $3`)
)

func writeAudit(ctx context.Context, tx *sqlx.Tx, e auditEvent) error {
	if e.changes == nil {
		e.changes = map[string]domain.FieldChange{}
	}
	changes, err := json.Marshal(e.changes)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, sqlInsertAuditEvent, nullUUID(e.actor), e.entity, e.entityID, nullUUID(e.orgID), e.action, e.lang, changes, e.note)
	return err
}

func nullUUID(id string) any {
	if id == "" {
		return nil
	}
	return id
}

// diff lists the fields whose values differ between two snapshots, before and after.
func diff(before, after map[string]any) map[string]domain.FieldChange {
	out := map[string]domain.FieldChange{}
	for k, b := range before {
		if a, ok := after[k]; !ok || !reflect.DeepEqual(a, b) {
			out[k] = domain.FieldChange{Before: b, After: after[k]}
		}
	}
	for k, a := range after {
		if _, ok := before[k]; !ok && a != nil {
			out[k] = domain.FieldChange{Before: nil, After: a}
		}
	}
	return out
}

// History reads the audit trail of one item (entityID) or of everything of one organization
// (orgID), oldest first, after the event id after, at most limit events (one more to know
// whether a page follows).
func (s *Store) History(ctx context.Context, entityID, orgID string, after int64, limit int) ([]domain.AuditEvent, bool, error) {
	query, arg := sqlItemHistory, entityID
	if orgID != "" {
		query, arg = sqlOrganizationHistory, orgID
	}
	return s.auditPage(ctx, limit, query, arg, after, limit+1)
}

// auditEventRow is an audit event as the history statements read it.
type auditEventRow struct {
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

// auditPage runs a history statement that reads one event more than limit, and returns at most
// limit events and whether more follow.
func (s *Store) auditPage(ctx context.Context, limit int, query string, args ...any) ([]domain.AuditEvent, bool, error) {
	var rows []auditEventRow
	if err := s.db.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, false, err
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	out := make([]domain.AuditEvent, len(rows))
	for i, r := range rows {
		e := domain.AuditEvent{ID: r.ID, At: r.At, Entity: r.Entity, EntityID: r.EntityID, Action: r.Action,
			Lang: r.Lang, Note: r.Note}
		if r.ActorID != nil {
			e.Actor = &domain.UserRef{ID: *r.ActorID, Name: deref(r.ActorName)}
		}
		if err := json.Unmarshal(r.Changes, &e.Changes); err != nil {
			return nil, false, err
		}
		out[i] = e
	}
	return out, more, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
