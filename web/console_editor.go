package web

// The console's editor: a draft created in one language; the text of each language in its own
// tab (plain links, no script), with its author, date and stale flag, and "mark reviewed";
// the language-neutral fields; the workflow buttons the rules allow; the audit trail; the
// preview. Every save sends the version the editor read (If-Match): when someone saved in
// between, the editor sees both versions and chooses, nothing is overwritten silently.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/app/editorial"
	"github.com/diaspora-investor/marketplace/domain"
)

// withOrgKind is withOrg for the pages of one kind of content (:kind): an unknown kind does
// not exist here (404).
func (s *Site) withOrgKind(c *fiber.Ctx) (*consoleView, domain.Kind, bool, error) {
	v, ok, err := s.withOrg(c)
	if !ok {
		return v, "", false, err
	}
	kind, ok := kindOf(c.Params("kind"))
	if !ok {
		return v, "", false, s.notFound(c)
	}
	return v, kind, true, nil
}

func kindOf(s string) (domain.Kind, bool) {
	for _, k := range contentKinds {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}

// textForm is one language's text as the editor sends it.
type textForm struct {
	Title, Summary, Description, HowToApply string
}

// workflowActions are the buttons of the workflow, in the order they are shown.
var workflowActions = []domain.Action{domain.ActionSubmit, domain.ActionPublish, domain.ActionReject, domain.ActionArchive, domain.ActionDelete}

// editorTarget reads the item of the URL for its editors, those who may read its audit trail
// (editorial.HistoryTarget decides): an item of another organization, or one the user may only
// read, does not exist here (404).
func (s *Site) editorTarget(c *fiber.Ctx) (*consoleView, domain.Kind, editorial.Item, bool, error) {
	v, kind, ok, err := s.withOrgKind(c)
	if !ok {
		return v, "", editorial.Item{}, false, err
	}
	if !domain.IsItemRef(c.Params("id")) {
		return v, "", editorial.Item{}, false, s.notFound(c)
	}
	it, err := s.deps.Console.editorial.HistoryTarget(c.UserContext(), v.Actor, kind, c.Params("id"))
	var denied domain.Denied
	switch {
	case errors.As(err, &denied), err == nil && it.Owned.OrgID != v.Org.ID:
		return v, kind, it, false, s.notFound(c)
	case err != nil:
		return v, kind, it, false, s.consoleError(c, err)
	}
	return v, kind, it, true, nil
}

// translationTarget is editorTarget for an address that names a language (…/{lang}): a
// language the site does not have does not exist here.
func (s *Site) translationTarget(c *fiber.Ctx) (*consoleView, domain.Kind, editorial.Item, string, bool, error) {
	v, kind, it, ok, err := s.editorTarget(c)
	if !ok {
		return v, kind, it, "", false, err
	}
	lang := c.Params("lang")
	if !s.texts.supported(lang) {
		return v, kind, it, "", false, s.notFound(c)
	}
	return v, kind, it, lang, true, nil
}

// translationWrite is a use case on one language's text of an item, at the version the editor
// read (editorial's MarkReviewed and DeleteTranslation).
type translationWrite func(ctx context.Context, actor domain.Actor, kind domain.Kind, id string, ifVersion int, lang string) (int, error)

// writeTranslation runs write on the language of the address (…/{lang}) of the item of the URL,
// at the version the form sends; ok is false when the answer is already given (err): no such
// item or language here, or the console's page of the refusal.
func (s *Site) writeTranslation(c *fiber.Ctx, write translationWrite) (*consoleView, domain.Kind, editorial.Item, string, bool, error) {
	v, kind, it, lang, ok, err := s.translationTarget(c)
	if !ok {
		return v, kind, it, lang, false, err
	}
	if _, err := write(c.UserContext(), v.Actor, kind, it.ID, formVersion(c), lang); err != nil {
		return v, kind, it, lang, false, s.consoleError(c, err)
	}
	return v, kind, it, lang, true, nil
}

// editorState is what the editor page shows besides the form values.
type editorState struct {
	Kind      domain.Kind
	ID        string
	Base      string // the item's console address
	Tab       string // the language of the text tab
	Text      *editorText
	HasTab    bool // the item has text in Tab
	Editorial *domain.Editorial
	Tab1      *domain.Translation
	Actions   []domain.Action
	Editable  bool
	Org       *domain.OrgDetail
}

func (s *Site) loadEditor(c *fiber.Ctx, v *consoleView, kind domain.Kind, it editorial.Item, tab string) (*editorState, error) {
	ctx := c.UserContext()
	ed, err := s.deps.Console.editorial.Editorial(ctx, kind, it.ID)
	if err != nil {
		return nil, err
	}
	if tab == "" || !s.texts.supported(tab) {
		tab = pageLang(c)
	}
	text, err := s.deps.Console.itemForEditor(ctx, kind, it.ID, tab)
	if err != nil {
		return nil, err
	}
	st := &editorState{Kind: kind, ID: it.ID, Base: "/" + pageLang(c) + "/console/orgs/" + v.Org.ID + "/" + string(kind) + "/" + it.ID,
		Tab: tab, Text: text, HasTab: text.Lang == tab, Editorial: ed, Org: v.Org}
	for i := range ed.Translations {
		if ed.Translations[i].Lang == tab {
			st.Tab1 = &ed.Translations[i]
		}
	}
	for _, a := range workflowActions {
		if domain.Decide(v.Actor, a, it.Owned) == domain.Allowed {
			st.Actions = append(st.Actions, a)
		}
	}
	st.Editable = domain.Decide(v.Actor, domain.ActionEdit, it.Owned) == domain.Allowed
	return st, nil
}

func (s *Site) editor(c *fiber.Ctx) error {
	v, kind, it, ok, err := s.editorTarget(c)
	if !ok {
		return err
	}
	st, err := s.loadEditor(c, v, kind, it, c.Query("lang"))
	if err != nil {
		return s.consoleError(c, err)
	}
	return s.renderEditor(c, s.consolePage(c, "web.console.editor.title"), st, st.textForm(), st.Editorial.Version, nil)
}

func (s *Site) renderEditor(c *fiber.Ctx, p *page, st *editorState, form textForm, version int, extra map[string]any) error {
	p.Title = st.Text.Title
	data := map[string]any{"E": st, "Form": form, "Version": version}
	if o, ok := st.Text.Item.(*domain.Opportunity); ok {
		data["Fields"] = opportunityFormOf(o)
	} else {
		data["Validity"] = validityFormOf(st.Text.Item)
	}
	for k, val := range extra {
		data[k] = val
	}
	if err := s.fieldChoices(c, st, data); err != nil {
		return s.fail(c, err)
	}
	return s.renderConsole(c, "editor", p, data)
}

// formVersion is the version the editor read, sent back with every save.
func formVersion(c *fiber.Ctx) int {
	n, err := strconv.Atoi(c.FormValue("version"))
	if err != nil || n < 1 {
		return -1 // no item has it: the save is refused as a conflict, never applied blindly
	}
	return n
}

func (s *Site) saveText(c *fiber.Ctx) error {
	v, kind, it, lang, ok, err := s.translationTarget(c)
	if !ok {
		return err
	}
	form := textForm{Title: c.FormValue("title"), Summary: c.FormValue("summary"), Description: c.FormValue("description"), HowToApply: c.FormValue("how_to_apply")}
	change := domain.TextChange{Lang: lang, Title: domain.Some(form.Title), Summary: domain.Some(form.Summary), Description: domain.Some(form.Description)}
	if kind == domain.KindProgramme {
		change.HowToApply = domain.Some(form.HowToApply)
	}
	_, err = s.deps.Console.editorial.PutTranslation(c.UserContext(), v.Actor, kind, it.ID, formVersion(c), change)
	if err == nil {
		return c.Redirect(s.editorURL(c, v, kind, it.ID, lang, "saved"), fiber.StatusSeeOther)
	}
	return s.showRefused(c, v, kind, it, lang, err, func(p *page, st *editorState, conflicting bool) error {
		if !conflicting {
			return s.renderEditor(c, p, st, form, formVersion(c), nil)
		}
		// Someone saved in between: both versions side by side; saving again keeps the
		// editor's (against the version now stored), the link keeps theirs.
		return s.renderEditor(c, p, st, form, st.Editorial.Version, map[string]any{"Conflict": st.textForm()})
	})
}

// showRefused shows the editor's page again, on the tab of lang, after a save refused with err:
// the broken rules beside their fields (422), or, when someone saved in between (409,
// conflicting), what show adds of the stored values. Any other error is the console's error page.
func (s *Site) showRefused(c *fiber.Ctx, v *consoleView, kind domain.Kind, it editorial.Item, lang string, err error,
	show func(p *page, st *editorState, conflicting bool) error) error {
	st, lerr := s.loadEditor(c, v, kind, it, lang)
	p := s.consolePage(c, "web.console.editor.title")
	if lerr != nil {
		return s.consoleError(c, lerr)
	}
	switch {
	case s.invalidFields(p, err):
		c.Status(fiber.StatusUnprocessableEntity)
		return show(p, st, false)
	case errors.Is(err, domain.ErrPreconditionFailed):
		c.Status(fiber.StatusConflict)
		return show(p, st, true)
	}
	return s.consoleError(c, err)
}

func (s *Site) editorURL(c *fiber.Ctx, v *consoleView, kind domain.Kind, id, lang, done string) string {
	u := "/" + pageLang(c) + "/console/orgs/" + v.Org.ID + "/" + string(kind) + "/" + id + "?lang=" + url.QueryEscape(lang)
	if done != "" {
		u += "&done=" + done
	}
	return u
}

func (s *Site) markReviewed(c *fiber.Ctx) error {
	v, kind, it, lang, ok, err := s.writeTranslation(c, s.deps.Console.editorial.MarkReviewed)
	if !ok {
		return err
	}
	return c.Redirect(s.editorURL(c, v, kind, it.ID, lang, "reviewed"), fiber.StatusSeeOther)
}

func (s *Site) transition(c *fiber.Ctx) error {
	v, kind, it, ok, err := s.editorTarget(c)
	if !ok {
		return err
	}
	action := domain.Action(c.Params("action"))
	known := false
	for _, a := range workflowActions {
		known = known || a == action
	}
	if !known {
		return s.notFound(c)
	}
	ctx := c.UserContext()
	if action == domain.ActionDelete {
		if err := s.deps.Console.editorial.Delete(ctx, v.Actor, kind, it.ID, formVersion(c)); err != nil {
			return s.consoleError(c, err)
		}
		return back(c, "/orgs/"+v.Org.ID+"/content", "deleted")
	}
	err = s.deps.Console.editorial.Transition(ctx, v.Actor, kind, it.ID, formVersion(c), action, c.FormValue("reason"))
	if err != nil {
		p := s.consolePage(c, "web.console.editor.title")
		if s.invalidFields(p, err) {
			st, lerr := s.loadEditor(c, v, kind, it, c.FormValue("lang"))
			if lerr != nil {
				return s.consoleError(c, lerr)
			}
			c.Status(fiber.StatusUnprocessableEntity)
			return s.renderEditor(c, p, st, st.textForm(), st.Editorial.Version, nil)
		}
		return s.consoleError(c, err)
	}
	return c.Redirect(s.editorURL(c, v, kind, it.ID, c.FormValue("lang"), string(action)), fiber.StatusSeeOther)
}

// history is one page of the audit trail of an item, newest first; ?before= is the cursor of
// the older events.
func (s *Site) history(c *fiber.Ctx) error {
	v, kind, it, ok, err := s.editorTarget(c)
	if !ok {
		return err
	}
	list := domain.ListFingerprint("console-history", it.ID)
	before, ok := historyCursor(c, list)
	if !ok {
		return s.notFound(c)
	}
	events, more, err := s.deps.Console.editorial.ItemHistory(c.UserContext(), it, before, historyPageSize)
	if err != nil {
		return s.consoleError(c, err)
	}
	st, err := s.loadEditor(c, v, kind, it, c.Query("lang"))
	if err != nil {
		return s.consoleError(c, err)
	}
	p := s.consolePage(c, "web.console.history.title")
	return s.renderConsole(c, "history", p, map[string]any{"Events": events, "E": st, "Older": olderLink(events, more, list)})
}

// orgHistoryPage is one page of the audit trail of an organization and its content.
func (s *Site) orgHistoryPage(c *fiber.Ctx) error {
	v, ok, err := s.withOrg(c)
	if !ok {
		return err
	}
	list := domain.ListFingerprint("console-history", v.Org.ID)
	before, ok := historyCursor(c, list)
	if !ok {
		return s.notFound(c)
	}
	events, more, err := s.deps.Console.orgHistory(c.UserContext(), v.Actor, v.Org, before)
	if err != nil {
		return s.consoleError(c, err)
	}
	p := s.consolePage(c, "web.console.history.title")
	return s.renderConsole(c, "history", p, map[string]any{"Events": events, "Older": olderLink(events, more, list)})
}

// historyCursor reads ?before=, the cursor of a trail's older page (0: the newest page); ok is
// false for a cursor of another trail.
func historyCursor(c *fiber.Ctx, list uint32) (int64, bool) {
	raw := c.Query("before")
	if raw == "" {
		return 0, true
	}
	cur, err := domain.DecodeSeqCursor(raw, list)
	if err != nil {
		return 0, false
	}
	return cur.Seq, true
}

// olderLink is the query of the page of older events, "" when none is left.
func olderLink(events []domain.AuditEvent, more bool, list uint32) template.URL {
	if !more || len(events) == 0 {
		return ""
	}
	return nextPage(url.Values{"before": {domain.SeqCursor{List: list, Seq: events[len(events)-1].ID}.Encode()}})
}

// Action is an audit action's label.
func (p *page) Action(code string) string {
	return p.site.texts.label(p.Lang, domain.AuditActions, code)
}

// Changes lists an event's field changes in a stable order.
func (p *page) Changes(m map[string]domain.FieldChange) []fieldChangeView {
	out := make([]fieldChangeView, 0, len(m))
	for k, ch := range m {
		out = append(out, fieldChangeView{Field: k, Before: changeValue(ch.Before), After: changeValue(ch.After)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

type fieldChangeView struct{ Field, Before, After string }

func changeValue(v any) string {
	if v == nil {
		return "—"
	}
	s := sharedValue(v)
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// preview shows an item as the public page will show it, in a language, with a banner.
func (s *Site) preview(c *fiber.Ctx) error {
	v, kind, it, ok, err := s.editorTarget(c)
	if !ok {
		return err
	}
	lang := c.Query("lang")
	if !s.texts.supported(lang) {
		lang = pageLang(c)
	}
	ctx := c.UserContext()
	text, err := s.deps.Console.itemForEditor(ctx, kind, it.ID, lang)
	if err != nil {
		return s.consoleError(c, err)
	}
	rates, err := s.deps.Catalogue.Rates(ctx)
	if err != nil {
		return s.fail(c, err)
	}
	p := s.consolePage(c, "web.console.preview.title")
	p.Title = text.Title
	p.Data = map[string]any{"Item": text.Item, "Kind": string(kind), "Rates": rates, "Currency": "EUR", "Currencies": currencies(rates),
		"Country": it.Owned.Country, "Today": time.Now(), "Verified": v.Org.Verified}
	var buf bytes.Buffer
	if err := s.pages[string(kind)].Execute(&buf, p); err != nil {
		return s.fail(c, err)
	}
	banner := fmt.Sprintf(`<div class="notice" role="note"><p><strong>%s</strong> %s · <a href="%s">%s</a></p></div>`,
		template.HTMLEscapeString(p.T("web.console.preview.banner")), template.HTMLEscapeString(p.TD("web.console.preview.status", "Status", p.Status(it.Owned.Status))),
		template.HTMLEscapeString(s.editorURL(c, v, kind, it.ID, lang, "")), template.HTMLEscapeString(p.T("web.console.preview.back")))
	const mainOpen = `<main id="main" tabindex="-1"><div class="wrap">`
	body := bytes.Replace(buf.Bytes(), []byte(mainOpen), []byte(mainOpen+banner), 1)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentLanguage, p.Lang)
	return c.Send(neutralizeBidi(body))
}

// --- Creating a draft ---

func (s *Site) newDraftForm(c *fiber.Ctx) error {
	v, kind, ok, err := s.withOrgKind(c)
	if !ok {
		return err
	}
	if d := domain.DecideOrg(v.Actor, domain.OrgContent, v.Org.ID, v.Org.Verified); d != domain.Allowed || !v.Member() {
		return s.consoleError(c, domain.Denied{Decision: domain.NotAMember})
	}
	return s.renderNewDraft(c, s.consolePage(c, "web.console.new.title"), kind, draftForm{Lang: pageLang(c)})
}

// draftForm is the new-draft form as it shows and sends: the text in its first language, and
// the neutral fields a draft of its kind needs.
type draftForm struct {
	Lang, Title, Summary, Description string
	Type, LegalInstrument             string   // incentives (both) and programmes (the type)
	Sectors                           []string // opportunities
}

func readDraftForm(c *fiber.Ctx) draftForm {
	return draftForm{Lang: c.FormValue("lang"), Title: c.FormValue("title"), Summary: c.FormValue("summary"),
		Description: c.FormValue("description"), Type: c.FormValue("type"), LegalInstrument: c.FormValue("legal_instrument"),
		Sectors: formList(c, "sectors")}
}

// draft is the form as the use case takes it, in the name of org (in its country), with the
// fields of kind.
func (f draftForm) draft(kind domain.Kind, org *domain.OrgDetail) domain.ContentChange {
	in := domain.ContentChange{Organization: domain.Some(org.ID), Country: domain.Some(derefString(org.Country)), Lang: domain.Some(f.Lang),
		Title: domain.Some(f.Title), Summary: domain.Some(f.Summary), Description: domain.Some(f.Description)}
	switch kind {
	case domain.KindOpportunity:
		in.Sectors = domain.Some(f.Sectors)
	case domain.KindIncentive:
		in.Type = domain.Some(f.Type)
		in.LegalInstrument = domain.Some(f.LegalInstrument)
	case domain.KindProgramme:
		in.Type = domain.Some(f.Type)
	}
	return in
}

func (s *Site) renderNewDraft(c *fiber.Ctx, p *page, kind domain.Kind, form draftForm) error {
	data := map[string]any{"Kind": kind, "Form": form, "Checked": form.Sectors, "Sectors": domain.Sectors.Codes}
	switch kind {
	case domain.KindIncentive:
		data["Types"] = domain.IncentiveTypes.Codes
		data["TypeSet"] = "incentive_type"
	case domain.KindProgramme:
		data["Types"] = domain.ProgrammeTypes.Codes
		data["TypeSet"] = "programme_type"
	}
	return s.renderConsole(c, "new", p, data)
}

func (s *Site) createDraft(c *fiber.Ctx) error {
	v, kind, ok, err := s.withOrgKind(c)
	if !ok {
		return err
	}
	form := readDraftForm(c)
	id, err := s.deps.Console.editorial.Create(c.UserContext(), v.Actor, kind, form.draft(kind, v.Org))
	if err == nil {
		return c.Redirect(s.editorURL(c, v, kind, id, form.Lang, "created"), fiber.StatusSeeOther)
	}
	p := s.consolePage(c, "web.console.new.title")
	if s.invalidFields(p, err) {
		for i := range p.Errors {
			if p.Errors[i].Field == "name" {
				p.Errors[i].Field = "title" // the form's one title field names an incentive's or programme's name
			}
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderNewDraft(c, p, kind, form)
	}
	return s.consoleError(c, err)
}

// --- The language-neutral fields (opportunities: console_opportunity_form.go) ---

func (s *Site) fieldChoices(c *fiber.Ctx, st *editorState, data map[string]any) error {
	data["Sectors"] = domain.Sectors.Codes
	data["Instruments"] = domain.Instruments.Codes
	data["InvestorTypes"] = domain.InvestorTypes.Codes
	switch st.Kind {
	case domain.KindIncentive:
		data["Types"], data["TypeSet"] = domain.IncentiveTypes.Codes, "incentive_type"
		data["BenefitKinds"], data["Taxes"] = domain.BenefitKinds.Codes, domain.Taxes.Codes
	case domain.KindProgramme:
		data["Types"], data["TypeSet"] = domain.ProgrammeTypes.Codes, "programme_type"
	}
	if st.Org.Country != nil {
		info, err := s.deps.Catalogue.Country(c.UserContext(), *st.Org.Country, []string{pageLang(c)})
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		if info != nil {
			data["Regions"] = info.Regions
			data["Operators"] = operatorChoices(st, info.Organizations)
		}
	}
	rates, err := s.deps.Catalogue.Rates(c.UserContext())
	if err != nil {
		return err
	}
	data["Currencies"] = currencies(rates)
	return nil
}

// operatorChoices are the organizations a programme may name as its operator: the verified ones
// of its country, and the one it names now.
func operatorChoices(st *editorState, verified []domain.Organization) []domain.OrgRef {
	out := make([]domain.OrgRef, 0, len(verified)+1)
	current := ""
	if p, ok := st.Text.Item.(*domain.Programme); ok {
		current = p.Operator.ID
		out = append(out, p.Operator)
	}
	for _, o := range verified {
		if o.ID != current {
			out = append(out, o.OrgRef)
		}
	}
	return out
}

func (s *Site) saveFields(c *fiber.Ctx) error {
	v, kind, it, ok, err := s.editorTarget(c)
	if !ok {
		return err
	}
	if kind != domain.KindOpportunity {
		return s.saveValidity(c, v, kind, it)
	}
	sent := readOpportunityForm(c)
	in, err := sent.change()
	return s.saveCommonFields(c, v, kind, it, in, err, map[string]any{"Fields": sent}, func(_ *page, st *editorState) map[string]any {
		return map[string]any{"FieldsConflict": opportunityFormOf(st.Text.Item.(*domain.Opportunity))}
	})
}
