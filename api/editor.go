package api

import (
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
	"github.com/diaspora-investor/marketplace/repository"
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
	return s.store.Actor(c.UserContext(), user)
}

// writeActor is actor for a write, counted against the user's write budget.
func (s *server) writeActor(c *fiber.Ctx) (domain.Actor, error) {
	user, err := s.writer(c)
	if err != nil {
		return domain.Actor{}, err
	}
	return s.store.Actor(c.UserContext(), user)
}

// deniedProblem is the answer to a write the rules refuse.
func deniedProblem(d domain.Decision, resource string) *apiError {
	forbidden := func(key string) *apiError {
		return &apiError{status: fiber.StatusForbidden, slug: "forbidden", detailKey: key}
	}
	switch d {
	case domain.Hidden:
		return notFound(resource)
	case domain.NotVerified:
		return forbidden("organization_not_verified")
	case domain.AdminOnly:
		return forbidden("admin_only")
	case domain.OtherCountry:
		return forbidden("other_country")
	case domain.NotAMember:
		return forbidden("not_a_member")
	case domain.RequiresOwner:
		return forbidden("requires_owner")
	case domain.IdentityNeedsAdmin:
		return forbidden("identity_needs_admin")
	case domain.WrongStatus:
		return &apiError{status: fiber.StatusConflict, slug: "conflict", detailKey: "wrong_status"}
	case domain.LastOwner:
		return &apiError{status: fiber.StatusConflict, slug: "conflict", detailKey: "last_owner"}
	}
	return forbidden("not_yours")
}

// readContent reads and checks the body of a create (country == "") or of a PATCH of an item
// of country, for one kind.
func (s *server) readContent(c *fiber.Ctx, kind domain.Kind, types domain.CodeSet, creating bool, country string) (*contentInput, repository.ContentWrite, error) {
	if err := onlyFields(c, acceptedFields[kind]); err != nil {
		return nil, repository.ContentWrite{}, err
	}
	var in contentInput
	// A new item starts empty: there, null is the same as leaving the field out.
	if err := decodeBody(c, &in, nullableFields...); err != nil {
		return nil, repository.ContentWrite{}, err
	}
	k := &contentChecker{s: s, ctx: c.UserContext(), kind: kind, country: country, creating: creating}
	titleName, title := "title", in.Title
	if kind != domain.KindOpportunity {
		titleName, title = "name", in.Name
	}
	if creating {
		if !in.Country.Set {
			k.v.add("country", "body", "required", nil)
		} else {
			code, err := s.knownCountry(k.ctx, in.Country.Value)
			if err != nil {
				return nil, k.w, err
			}
			if code == "" {
				k.v.add("country", "body", "unknown_country", map[string]any{"Value": truncate(in.Country.Value)})
			}
			k.country = code
		}
		required := []string{"lang", titleName, "summary", "description"}
		switch kind {
		case domain.KindOpportunity:
			required = append(required, "sectors")
		case domain.KindIncentive:
			required = append(required, "type", "legal_instrument")
		case domain.KindProgramme:
			required = append(required, "type")
		}
		sent := map[string]bool{"lang": in.Lang.Set, titleName: title.Set, "summary": in.Summary.Set,
			"description": in.Description.Set, "sectors": in.Sectors.Set, "type": in.Type.Set, "legal_instrument": in.LegalInstrument.Set}
		for _, name := range required {
			if !sent[name] {
				k.v.add(name, "body", "required", nil)
			}
		}
	} else {
		for name, o := range map[string]opt[string]{"country": in.Country, "organization_id": in.Organization} {
			if o.Set {
				k.v.add(name, "body", "read_only", nil)
			}
		}
	}
	// The text of one language.
	var text repository.TextWrite
	if in.Lang.Set {
		if lang, ok := s.supportedLanguage(in.Lang.Value); ok && lang == strings.ToLower(in.Lang.Value) {
			text.Lang = lang
		} else {
			k.v.add("lang", "body", "unsupported_language", map[string]any{"Value": truncate(in.Lang.Value), "Allowed": strings.Join(s.langs.codes, ", ")})
		}
	}
	k.readText(&text, titleName, title, &in)
	if text.Title != nil || text.Summary != nil || text.Description != nil || text.HowToApply != nil || creating {
		k.w.Text = &text
	} else if in.Lang.Set {
		k.v.add("lang", "body", "lang_without_text", nil)
	}
	if k.country == "" && !creating {
		return nil, k.w, errors.New("readContent: an edit needs the item's country")
	}
	if err := s.readNeutral(k, kind, types, &in); err != nil {
		return nil, k.w, err
	}
	if err := k.v.err("invalid-body"); err != nil {
		return nil, k.w, err
	}
	return &in, k.w, nil
}

// readText checks the text fields of a body into text; titleName is the kind's title field
// ("title" or "name"), title its value.
func (k *contentChecker) readText(text *repository.TextWrite, titleName string, title opt[string], in *contentInput) {
	if t, ok := k.text(titleName, title, 1, maxTitle); ok {
		text.Title = &t
	}
	if t, ok := k.text("summary", in.Summary, 0, maxSummary); ok {
		text.Summary = &t
	}
	if t, ok := k.text("description", in.Description, 0, maxDescription); ok {
		text.Description = &t
	}
	if t, ok := k.text("how_to_apply", in.HowToApply, 0, maxHowToApply); ok {
		text.HowToApply = &t
	}
}

// readNeutral checks the language-neutral fields of a kind.
func (s *server) readNeutral(k *contentChecker, kind domain.Kind, types domain.CodeSet, in *contentInput) error {
	if in.Source.Null {
		k.set("source_title", nil)
		k.set("source_url", nil)
	} else if in.Source.Set {
		t, ok := k.text("source.title", opt[string]{Set: true, Value: in.Source.Value.Title}, 1, maxShortText)
		if !webURL(in.Source.Value.URL) {
			k.v.add("source.url", "body", "invalid_url", nil)
		} else if ok {
			k.set("source_title", t)
			k.set("source_url", in.Source.Value.URL)
		}
	}
	if kind != domain.KindOpportunity {
		k.code("type", "type", in.Type, types)
		from := k.date("valid_from", "valid_from", in.ValidFrom)
		until := k.date("valid_until", "valid_until", in.ValidUntil)
		if from != nil && until != nil && until.Before(*from) {
			k.v.add("valid_until", "body", "before_start", nil)
		}
		if in.Eligibility.has() {
			if err := k.eligibility(in.Eligibility.Value); err != nil {
				return err
			}
		}
	}
	switch kind {
	case domain.KindOpportunity:
		if in.Sectors.Set {
			if list, ok := k.codes("sectors", in.Sectors.Value, domain.Sectors); ok {
				if len(list) == 0 {
					k.v.add("sectors", "body", "required", nil)
				} else {
					k.w.Sectors = &list
				}
			}
		}
		if in.Region.Null {
			k.set("region_code", nil)
		} else if in.Region.Set && k.country != "" {
			list, err := k.regions("region", []string{in.Region.Value})
			if err != nil {
				return err
			}
			if list != nil {
				k.set("region_code", list[0])
			}
		}
		k.code("instrument", "instrument", in.Instrument, types)
		if err := k.moneyRange("", in.MinInvestment, in.MaxInvestment, "currency"); err != nil {
			return err
		}
		k.count("jobs", "jobs", in.Jobs)
		k.date("deadline", "deadline", in.Deadline)
		if in.InvestorTypes.Set {
			if list, ok := k.codes("investor_types", in.InvestorTypes.Value, domain.InvestorTypes); ok {
				k.set("investor_types", list)
			}
		}
		if in.Contact.Null {
			for _, col := range []string{"contact_name", "contact_email", "contact_phone", "contact_url"} {
				k.set(col, nil)
			}
		} else if in.Contact.Set {
			ct := in.Contact.Value
			k.optionalText("contact.name", "contact_name", fromPtr(ct.Name), 200)
			k.optionalText("contact.phone", "contact_phone", fromPtr(ct.Phone), 50)
			if ct.Email != nil && domain.NormalizeEmail(*ct.Email) == "" {
				k.v.add("contact.email", "body", "invalid_email", nil)
			} else {
				k.set("contact_email", nullable(ct.Email != nil, domain.NormalizeEmail(deref(ct.Email))))
			}
			k.link("contact.url", "contact_url", fromPtr(ct.URL))
		}
	case domain.KindIncentive:
		if in.LegalInstrument.Set {
			if t, ok := k.text("legal_instrument", in.LegalInstrument, 1, maxShortText); ok {
				k.set("legal_instrument", t)
			}
		}
		k.optionalText("legal_article", "legal_article", in.LegalArticle, maxShortText)
		k.link("legal_url", "legal_url", in.LegalURL)
		if in.Benefits.Null {
			empty := []domain.Benefit{}
			k.w.Benefits = &empty
		} else if in.Benefits.Set {
			if err := k.benefits(in.Benefits.Value); err != nil {
				return err
			}
		}
	case domain.KindProgramme:
		if in.Operator.Set {
			org, err := s.store.Organization(k.ctx, in.Operator.Value)
			if errors.Is(err, repository.ErrNotFound) || (err == nil && !org.Verified) {
				k.v.add("operator_id", "body", "unknown_organization", nil)
			} else if err != nil {
				return err
			} else {
				k.set("operator_id", org.ID)
			}
		}
		k.link("url", "url", in.URL)
		if in.MaxAmount.Null {
			k.set("max_amount", nil)
			k.set("max_amount_currency", nil)
		} else if in.MaxAmount.Set {
			a, cur, ok, err := k.money("max_amount", in.MaxAmount.Value)
			if err != nil {
				return err
			}
			if ok {
				k.set("max_amount", a)
				k.set("max_amount_currency", cur)
			}
		}
	}
	return nil
}

// fromPtr makes an optional field of a nested object: nil is "clear it".
func fromPtr(p *string) opt[string] {
	if p == nil {
		return opt[string]{Set: true, Null: true}
	}
	return opt[string]{Set: true, Value: *p}
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

// organizationFor picks the organization a new item is posted in the name of: the one named,
// else the user's only organization of that country.
func organizationFor(a domain.Actor, named opt[string], country string) (string, *apiError) {
	if named.Set {
		if !domain.IsID(named.Value) {
			var v invalid
			v.add("organization_id", "body", "unknown_organization", nil)
			return "", v.err("invalid-body").(*apiError)
		}
		return strings.ToLower(named.Value), nil
	}
	found := ""
	for id, m := range a.Orgs {
		if m.Country == country || m.Country == "" {
			if found != "" {
				var v invalid
				v.add("organization_id", "body", "required", nil)
				return "", v.err("invalid-body").(*apiError)
			}
			found = id
		}
	}
	if found == "" {
		if a.Admin {
			var v invalid
			v.add("organization_id", "body", "required", nil)
			return "", v.err("invalid-body").(*apiError)
		}
		return "", deniedProblem(domain.NotAMember, "")
	}
	return found, nil
}

// createHandler: POST /v1/{kind}.
func (r contentRoutes[T, J, D]) createHandler(s *server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor, err := s.writeActor(c)
		if err != nil {
			return err
		}
		in, w, err := s.readContent(c, r.kind, r.types, true, "")
		if err != nil {
			return err
		}
		country := in.Country.Value
		country = strings.ToUpper(country)
		orgID, perr := organizationFor(actor, in.Organization, country)
		if perr != nil {
			return perr
		}
		id, err := s.store.CreateContent(c.UserContext(), r.kind, actor, orgID, country, w)
		if errors.Is(err, repository.ErrNotFound) {
			var v invalid
			v.add("organization_id", "body", "unknown_organization", nil)
			return v.err("invalid-body")
		}
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
		actor, id, owned, err := r.writeTarget(s, c)
		if err != nil {
			return err
		}
		_, w, err := s.readContent(c, r.kind, r.types, false, owned.Country)
		if err != nil {
			return err
		}
		_, err = s.store.UpdateContent(c.UserContext(), r.kind, id, actor, ifMatch(c), w)
		if errors.Is(err, repository.ErrTranslationNotFound) {
			var v invalid
			v.add("lang", "body", "no_such_translation", nil)
			return v.err("invalid-body")
		}
		if err != nil {
			return writeError(err, r.resource)
		}
		var prefs []string
		if w.Text != nil && w.Text.Lang != "" {
			prefs = []string{w.Text.Lang}
		}
		return r.editorView(s, c, id, fiber.StatusOK, prefs)
	}
}

// writeTarget reads who writes and the item of the path they write to.
func (r contentRoutes[T, J, D]) writeTarget(s *server, c *fiber.Ctx) (domain.Actor, string, domain.Owned, error) {
	actor, err := s.writeActor(c)
	if err != nil {
		return actor, "", domain.Owned{}, err
	}
	id, owned, err := s.itemFor(c, r.kind, r.resource, actor)
	return actor, id, owned, err
}

// itemFor finds an item the actor may at least see: 404 otherwise. Its country is needed to
// check the body before the write.
func (s *server) itemFor(c *fiber.Ctx, kind domain.Kind, resource string, actor domain.Actor) (string, domain.Owned, error) {
	idOrSlug := c.Params("id")
	if !idPattern.MatchString(idOrSlug) {
		return "", domain.Owned{}, notFound(resource)
	}
	id, owned, err := s.store.ItemAccess(c.UserContext(), kind, idOrSlug)
	if errors.Is(err, repository.ErrNotFound) {
		return "", owned, notFound(resource)
	}
	if err != nil {
		return "", owned, err
	}
	if d := domain.Decide(actor, domain.ActionView, owned); d != domain.Allowed {
		return "", owned, deniedProblem(d, resource)
	}
	return id, owned, nil
}

// deleteHandler: DELETE /v1/{kind}/{id}, drafts only.
func (r contentRoutes[T, J, D]) deleteHandler(s *server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor, id, _, err := r.writeTarget(s, c)
		if err != nil {
			return err
		}
		if err := s.store.DeleteContent(c.UserContext(), r.kind, id, actor, ifMatch(c)); err != nil {
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
func (r contentRoutes[T, J, D]) translationTarget(s *server, c *fiber.Ctx) (actor domain.Actor, lang, id string, err error) {
	if actor, err = s.writeActor(c); err != nil {
		return
	}
	if lang, err = s.pathLanguage(c); err != nil {
		return
	}
	id, _, err = s.itemFor(c, r.kind, r.resource, actor)
	return
}

// putTranslationHandler: PUT /v1/{kind}/{id}/translations/{lang} writes or replaces the text of
// one language and leaves the others as they are.
func (r contentRoutes[T, J, D]) putTranslationHandler(s *server) fiber.Handler {
	textFields := map[domain.Kind][]string{
		domain.KindOpportunity: {"title", "summary", "description"},
		domain.KindIncentive:   {"name", "summary", "description"},
		domain.KindProgramme:   {"name", "summary", "description", "how_to_apply"},
	}[r.kind]
	return func(c *fiber.Ctx) error {
		actor, lang, id, err := r.translationTarget(s, c)
		if err != nil {
			return err
		}
		if err := onlyFields(c, textFields); err != nil {
			return err
		}
		var in contentInput
		if err := decodeBody(c, &in); err != nil {
			return err
		}
		k := &contentChecker{s: s, ctx: c.UserContext(), kind: r.kind}
		title := in.Title
		if r.kind != domain.KindOpportunity {
			title = in.Name
		}
		text := repository.TextWrite{Lang: lang}
		sent := map[string]bool{textFields[0]: title.Set, "summary": in.Summary.Set, "description": in.Description.Set}
		for _, name := range textFields[:3] {
			if !sent[name] {
				k.v.add(name, "body", "required", nil)
			}
		}
		k.readText(&text, textFields[0], title, &in)
		if err := k.v.err("invalid-body"); err != nil {
			return err
		}
		_, created, err := s.store.PutTranslation(c.UserContext(), r.kind, id, actor, ifMatch(c), text)
		if err != nil {
			return writeError(err, r.resource)
		}
		status := fiber.StatusOK
		if created {
			status = fiber.StatusCreated
		}
		return r.editorView(s, c, id, status, []string{lang})
	}
}

// deleteTranslationHandler: DELETE /v1/{kind}/{id}/translations/{lang}.
func (r contentRoutes[T, J, D]) deleteTranslationHandler(s *server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor, lang, id, err := r.translationTarget(s, c)
		if err != nil {
			return err
		}
		version, err := s.store.DeleteTranslation(c.UserContext(), r.kind, id, actor, ifMatch(c), lang)
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
		actor, id, _, err := r.writeTarget(s, c)
		if err != nil {
			return err
		}
		var reason *string
		if action == domain.ActionReject {
			var in struct {
				Reason string `json:"reason"`
			}
			if err := decodeBody(c, &in); err != nil {
				return err
			}
			k := &contentChecker{}
			t, ok := k.text("reason", opt[string]{Set: true, Value: in.Reason}, 1, 2000)
			if err := k.v.err("invalid-body"); err != nil {
				return err
			}
			if ok {
				reason = &t
			}
		} else if len(strings.TrimSpace(string(c.Body()))) > 0 {
			var in struct{}
			if err := decodeBody(c, &in); err != nil {
				return err
			}
		}
		if _, err := s.store.Transition(c.UserContext(), r.kind, id, actor, ifMatch(c), action, reason); err != nil {
			return writeError(err, r.resource)
		}
		return r.editorView(s, c, id, fiber.StatusOK, nil)
	}
}

// editorView answers an item as its editors see it: the detail in any status, with the
// editorial block, its version as a strong ETag, never stored by shared caches.
func (r contentRoutes[T, J, D]) editorView(s *server, c *fiber.Ctx, id string, status int, first []string) error {
	ctx := c.UserContext()
	prefs := append(first, requestPrefs(c)...)
	it, err := r.forEditor(s.store, ctx, id, prefs)
	if err != nil {
		return writeError(err, r.resource)
	}
	ed, err := s.store.Editorial(ctx, r.kind, id)
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
	user := tokenUser(c)
	if user == nil {
		return "", false, true, nil
	}
	actor, err := s.store.Actor(c.UserContext(), user)
	if err != nil {
		return "", false, false, err
	}
	if !actor.Admin && len(actor.Orgs) == 0 {
		return "", false, true, nil // an investor edits nothing: the public read answers
	}
	id, owned, err := s.store.ItemAccess(c.UserContext(), kind, idOrSlug)
	if errors.Is(err, repository.ErrNotFound) {
		return "", false, false, nil
	}
	if err != nil {
		return "", false, false, err
	}
	if domain.Decide(actor, domain.ActionHistory, owned) == domain.Allowed {
		return id, true, true, nil
	}
	return id, false, domain.Public(owned.Status), nil
}

// historyHandler: GET /v1/{kind}/{id}/history, for the item's editors.
func (r contentRoutes[T, J, D]) historyHandler(s *server) fiber.Handler {
	return func(c *fiber.Ctx) error {
		actor, err := s.actor(c)
		if err != nil {
			return err
		}
		id, owned, err := s.itemFor(c, r.kind, r.resource, actor)
		if err != nil {
			return err
		}
		if d := domain.Decide(actor, domain.ActionHistory, owned); d != domain.Allowed {
			return deniedProblem(d, r.resource)
		}
		return s.sendHistory(c, id, "")
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
	events, more, err := s.store.History(c.UserContext(), entityID, orgID, after, limit)
	if err != nil {
		return err
	}
	v := s.newView(requestPrefs(c))
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
	body := listBody[auditEventJSON]{Items: items}
	if more {
		cursor := domain.SeqCursor{List: list, Seq: events[len(events)-1].ID}.Encode()
		body.NextCursor = &cursor
		c.Set(fiber.HeaderLink, "<"+s.nextURL(c, cursor)+`>; rel="next"`)
	}
	s.private(c, v)
	return s.sendJSON(c, body)
}
