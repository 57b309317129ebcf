package api

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/editorial"
	"github.com/diaspora-investor/marketplace/domain"
)

// The editorial side of content: agencies create, edit, translate and move their items along
// the workflow; administrators review. Every write is checked by domain.Decide inside the
// transaction that makes it, under a lock on the item.

type userRefJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type translationJSON struct {
	Lang      string       `json:"lang"`
	UpdatedAt time.Time    `json:"updated_at"`
	UpdatedBy *userRefJSON `json:"updated_by"`
	Stale     bool         `json:"stale"`
}

// editorialJSON is shown to an item's editors only.
type editorialJSON struct {
	Version      int               `json:"version"`
	Status       coded             `json:"status"`
	ReviewNote   *string           `json:"review_note"`
	SubmittedAt  *time.Time        `json:"submitted_at"`
	CreatedAt    time.Time         `json:"created_at"`
	Translations []translationJSON `json:"translations"`
	// RecheckDue: as_of is older than the configured age (or missing), so the agency should
	// check the item against its sources again.
	RecheckDue bool `json:"recheck_due"`
}

func (v *view) editorial(e *domain.Editorial) *editorialJSON {
	out := &editorialJSON{Version: e.Version, Status: v.label(domain.Statuses, e.Status), ReviewNote: e.ReviewNote,
		SubmittedAt: utc(e.SubmittedAt), CreatedAt: e.CreatedAt.UTC(), Translations: make([]translationJSON, len(e.Translations)),
		RecheckDue: domain.RecheckDue(e.AsOf, time.Now(), v.recheckMonths)}
	for i, t := range e.Translations {
		out.Translations[i] = translationJSON{Lang: t.Lang, UpdatedAt: t.UpdatedAt.UTC(), Stale: t.Stale}
		if t.UpdatedBy != nil {
			out.Translations[i].UpdatedBy = &userRefJSON{ID: t.UpdatedBy.ID, Name: t.UpdatedBy.Name}
		}
	}
	return out
}

// versionTag is the ETag of an item's version, which If-Match takes back.
func versionTag(version int) string { return `"v` + strconv.Itoa(version) + `"` }

var versionTagPattern = regexp.MustCompile(`^"v([0-9]{1,9})"$`)

// ifMatch reads If-Match: 0 when absent or "*", the version it names, or -1 when it names
// none (a weak or foreign tag), which no item has, so the write is refused with 412.
func ifMatch(c *fiber.Ctx) int {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" || h == "*" {
		return 0
	}
	if m := versionTagPattern.FindStringSubmatch(h); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return -1
}

// actor is the signed-in user with their memberships, for the rules.
func (s *server) actor(c *fiber.Ctx) (domain.Actor, error) {
	user, err := requireUser(c)
	if err != nil {
		return domain.Actor{}, err
	}
	return s.editorial.Actor(c.UserContext(), user)
}

// writeActor is actor for a write, counted against the user's write budget.
func (s *server) writeActor(c *fiber.Ctx) (domain.Actor, error) {
	user, err := s.writer(c)
	if err != nil {
		return domain.Actor{}, err
	}
	return s.editorial.Actor(c.UserContext(), user)
}

// deniedProblem is the answer to a write the rules refuse: a hidden item is not found, a
// conflict with the item's state is a 409, anything else a 403 with its reason.
func deniedProblem(d domain.Decision, resource string) *apiError {
	switch d {
	case domain.Hidden:
		return notFound(resource)
	case domain.WrongStatus, domain.LastOwner:
		return &apiError{status: fiber.StatusConflict, slug: "conflict", detailKey: deniedReasons[d]}
	}
	reason, ok := deniedReasons[d]
	if !ok {
		reason = "not_yours"
	}
	return &apiError{status: fiber.StatusForbidden, slug: "forbidden", detailKey: reason}
}

// deniedReasons are the detail keys of the refusals.
var deniedReasons = map[domain.Decision]string{
	domain.NotVerified:        "organization_not_verified",
	domain.AdminOnly:          "admin_only",
	domain.OtherCountry:       "other_country",
	domain.NotAMember:         "not_a_member",
	domain.RequiresOwner:      "requires_owner",
	domain.IdentityNeedsAdmin: "identity_needs_admin",
	domain.WrongStatus:        "wrong_status",
	domain.LastOwner:          "last_owner",
}

// readBody reads the body of a create or a PATCH of the kind; each kind takes its own fields.
func (r contentRoutes[T, J, D]) readBody(c *fiber.Ctx) (domain.ContentChange, error) {
	if err := onlyFields(c, acceptedFields[r.kind]); err != nil {
		return domain.ContentChange{}, err
	}
	var in contentInput
	// A new item starts empty: there, null is the same as leaving the field out.
	if err := decodeBody(c, &in, nullableFields...); err != nil {
		return domain.ContentChange{}, err
	}
	return in.command(r.kind), nil
}

// onlyFields refuses body fields outside names (each kind takes its own).
func onlyFields(c *fiber.Ctx, names []string) error {
	var fields map[string]json.RawMessage
	if json.Unmarshal(c.Body(), &fields) != nil {
		return nil // decodeBody explains what is wrong with the body
	}
	var v invalid
	for _, name := range sortedFieldNames(fields) {
		if !slices.Contains(names, name) {
			v.add(name, "body", "unknown_field", nil)
		}
	}
	return v.err("invalid-body")
}

// createHandler: POST /v1/{kind}.
func (r contentRoutes[T, J, D]) createHandler(s *server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor, err := s.writeActor(c)
		if err != nil {
			return err
		}
		in, err := r.readBody(c)
		if err != nil {
			return err
		}
		id, err := s.editorial.Create(c.UserContext(), actor, r.kind, in)
		if err != nil {
			return writeError(err, r.resource)
		}
		c.Location(s.link("/v1/" + string(r.kind) + "/" + id))
		return r.editorView(s, c, id, fiber.StatusCreated, nil)
	}
}

// patchHandler: PATCH /v1/{kind}/{id}.
func (r contentRoutes[T, J, D]) patchHandler(s *server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor, it, err := r.writeTarget(s, c)
		if err != nil {
			return err
		}
		in, err := r.readBody(c)
		if err != nil {
			return err
		}
		lang, err := s.editorial.Patch(c.UserContext(), actor, r.kind, it, ifMatch(c), in)
		if err != nil {
			return writeError(err, r.resource)
		}
		var prefs []string
		if lang != "" {
			prefs = []string{lang}
		}
		return r.editorView(s, c, it.ID, fiber.StatusOK, prefs)
	}
}

// writeTarget reads who writes and the item of the path they write to.
func (r contentRoutes[T, J, D]) writeTarget(s *server, c *fiber.Ctx) (domain.Actor, editorial.Item, error) {
	actor, err := s.writeActor(c)
	if err != nil {
		return actor, editorial.Item{}, err
	}
	it, err := s.itemFor(c, r.kind, r.resource, actor)
	return actor, it, err
}

// itemFor finds the item of the path, which the actor may at least see: 404 otherwise.
func (s *server) itemFor(c *fiber.Ctx, kind domain.Kind, resource string, actor domain.Actor) (editorial.Item, error) {
	idOrSlug := c.Params("id")
	if !domain.IsItemRef(idOrSlug) {
		return editorial.Item{}, notFound(resource)
	}
	it, err := s.editorial.Target(c.UserContext(), actor, kind, idOrSlug)
	return it, writeError(err, resource)
}

// deleteHandler: DELETE /v1/{kind}/{id}, drafts only.
func (r contentRoutes[T, J, D]) deleteHandler(s *server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor, it, err := r.writeTarget(s, c)
		if err != nil {
			return err
		}
		if err := s.editorial.Delete(c.UserContext(), actor, r.kind, it.ID, ifMatch(c)); err != nil {
			return writeError(err, r.resource)
		}
		return sendNoContent(c)
	}
}

// pathLanguage reads the {lang} of a translation route: a language the API supports.
func (s *server) pathLanguage(c *fiber.Ctx) (string, error) {
	raw := c.Params("lang")
	if lang, ok := s.supportedLanguage(raw); ok && lang == raw {
		return lang, nil
	}
	var v invalid
	v.add("lang", "path", "unsupported_language", map[string]any{"Value": truncate(raw), "Allowed": strings.Join(s.langs.codes, ", ")})
	return "", v.err("invalid-parameters")
}

// translationTarget reads who writes, the language of the path and the item, for the
// translation routes.
func (r contentRoutes[T, J, D]) translationTarget(s *server, c *fiber.Ctx) (actor domain.Actor, lang string, it editorial.Item, err error) {
	if actor, err = s.writeActor(c); err != nil {
		return
	}
	if lang, err = s.pathLanguage(c); err != nil {
		return
	}
	it, err = s.itemFor(c, r.kind, r.resource, actor)
	return
}

// translationFields are the body fields of a translation, per kind.
var translationFields = map[domain.Kind][]string{
	domain.KindOpportunity: {"title", "summary", "description"},
	domain.KindIncentive:   {"name", "summary", "description"},
	domain.KindProgramme:   {"name", "summary", "description", "how_to_apply"},
}

// putTranslationHandler: PUT /v1/{kind}/{id}/translations/{lang} writes or replaces the text of
// one language and leaves the others as they are.
func (r contentRoutes[T, J, D]) putTranslationHandler(s *server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor, lang, it, err := r.translationTarget(s, c)
		if err != nil {
			return err
		}
		if err := onlyFields(c, translationFields[r.kind]); err != nil {
			return err
		}
		var in contentInput
		if err := decodeBody(c, &in); err != nil {
			return err
		}
		created, err := s.editorial.PutTranslation(c.UserContext(), actor, r.kind, it.ID, ifMatch(c), in.translation(r.kind, lang))
		if err != nil {
			return writeError(err, r.resource)
		}
		status := fiber.StatusOK
		if created {
			status = fiber.StatusCreated
		}
		return r.editorView(s, c, it.ID, status, []string{lang})
	}
}

// deleteTranslationHandler: DELETE /v1/{kind}/{id}/translations/{lang}.
func (r contentRoutes[T, J, D]) deleteTranslationHandler(s *server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor, lang, it, err := r.translationTarget(s, c)
		if err != nil {
			return err
		}
		version, err := s.editorial.DeleteTranslation(c.UserContext(), actor, r.kind, it.ID, ifMatch(c), lang)
		if err != nil {
			return writeError(err, r.resource)
		}
		c.Set(fiber.HeaderETag, versionTag(version))
		return sendNoContent(c)
	}
}

// transitionHandler: POST /v1/{kind}/{id}/{submit|publish|reject|archive}. A rejection takes
// {"reason"}, shown to the organization; the others take no body.
func (r contentRoutes[T, J, D]) transitionHandler(s *server, action domain.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor, it, err := r.writeTarget(s, c)
		if err != nil {
			return err
		}
		var in struct {
			Reason string `json:"reason"`
		}
		if action == domain.ActionReject {
			err = decodeBody(c, &in)
		} else if len(strings.TrimSpace(string(c.Body()))) > 0 {
			err = decodeBody(c, &struct{}{})
		}
		if err != nil {
			return err
		}
		if err := s.editorial.Transition(c.UserContext(), actor, r.kind, it.ID, ifMatch(c), action, in.Reason); err != nil {
			return writeError(err, r.resource)
		}
		return r.editorView(s, c, it.ID, fiber.StatusOK, nil)
	}
}

// editorView answers an item as its editors see it: the detail in any status, with the
// editorial block, its version as a strong ETag, never stored by shared caches.
func (r contentRoutes[T, J, D]) editorView(s *server, c *fiber.Ctx, id string, status int, first []string) error {
	ctx := c.UserContext()
	prefs := append(first, requestPrefs(c)...)
	it, err := r.forEditor(s.editorial, ctx, id, prefs)
	if err != nil {
		return writeError(err, r.resource)
	}
	ed, err := s.editorial.Editorial(ctx, r.kind, id)
	if err != nil {
		return writeError(err, r.resource)
	}
	v := s.newView(prefs)
	body := r.withEditorial(r.detail(v, it), v.editorial(ed))
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	c.Set(fiber.HeaderContentLanguage, strings.Join(v.used, ", "))
	c.Set(fiber.HeaderETag, versionTag(ed.Version))
	c.Status(status)
	return s.sendJSON(c, body)
}

// editorFor reports whether the signed-in user (if any) edits the item, and whether they may
// see it at all.
func (s *server) editorFor(c *fiber.Ctx, kind domain.Kind, idOrSlug string) (id string, editor, visible bool, err error) {
	return s.editorial.EditorFor(c.UserContext(), tokenUser(c), kind, idOrSlug)
}

// historyHandler: GET /v1/{kind}/{id}/history, for the item's editors.
func (r contentRoutes[T, J, D]) historyHandler(s *server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor, err := s.actor(c)
		if err != nil {
			return err
		}
		if !domain.IsItemRef(c.Params("id")) {
			return notFound(r.resource)
		}
		it, err := s.editorial.HistoryTarget(c.UserContext(), actor, r.kind, c.Params("id"))
		if err != nil {
			return writeError(err, r.resource)
		}
		return s.sendHistory(c, it.ID, "")
	}
}

type auditEventJSON struct {
	ID       string                        `json:"id"`
	At       time.Time                     `json:"at"`
	Actor    *userRefJSON                  `json:"actor"`
	Entity   string                        `json:"entity"`
	EntityID string                        `json:"entity_id"`
	Action   coded                         `json:"action"`
	Lang     *string                       `json:"lang"`
	Changes  map[string]domain.FieldChange `json:"changes"`
	Note     *string                       `json:"note"`
}

// sendHistory answers one page of the audit trail of an item (entityID) or an organization.
func (s *server) sendHistory(c *fiber.Ctx, entityID, orgID string) error {
	q := &queryParams{c: c}
	limit := q.limit()
	list := domain.ListFingerprint("history", entityID, orgID)
	var after int64
	if raw := q.one("cursor"); raw != "" {
		cur, err := domain.DecodeSeqCursor(raw, list)
		if err != nil {
			q.add("cursor", "query", "invalid_cursor", nil)
		} else {
			after = cur.Seq
		}
	}
	if err := q.err("invalid-parameters"); err != nil {
		return err
	}
	events, more, err := s.editorial.History(c.UserContext(), entityID, orgID, after, limit)
	if err != nil {
		return err
	}
	v := s.newView(requestPrefs(c))
	body := listBody[auditEventJSON]{Items: v.auditEvents(events)}
	if more {
		cursor := domain.SeqCursor{List: list, Seq: events[len(events)-1].ID}.Encode()
		body.NextCursor = &cursor
		c.Set(fiber.HeaderLink, "<"+s.nextURL(c, cursor)+`>; rel="next"`)
	}
	return s.sendPrivate(c, v, body)
}

// auditEvents renders events; the view records the languages of their text.
func (v *view) auditEvents(events []domain.AuditEvent) []auditEventJSON {
	items := make([]auditEventJSON, len(events))
	for i, e := range events {
		if e.Lang != nil {
			v.uses(*e.Lang) // the changes hold text in that language
		}
		items[i] = auditEventJSON{ID: strconv.FormatInt(e.ID, 10), At: e.At.UTC(), Entity: e.Entity, EntityID: e.EntityID,
			Action: v.label(domain.AuditActions, e.Action), Lang: e.Lang, Changes: e.Changes, Note: e.Note}
		if e.Actor != nil {
			items[i].Actor = &userRefJSON{ID: e.Actor.ID, Name: e.Actor.Name}
		}
	}
	return items
}
