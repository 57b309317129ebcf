package web

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

// safeNext is where to go after signing in: a path of the same language on this site, else
// the account page.
func safeNext(lang, next string) string {
	if strings.HasPrefix(next, "/"+lang+"/") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n\x00") {
		return next
	}
	return "/" + lang + "/account"
}

func (s *Site) signupForm(c *fiber.Ctx) error {
	p := s.formPage(c, "web.signup.title")
	return s.render(c, "signup", p, map[string]any{"Next": c.Query("next"), "Email": "", "DisplayName": ""})
}

func (s *Site) signup(c *fiber.Ctx) error {
	p := s.formPage(c, "web.signup.title")
	in := Registration{Email: c.FormValue("email"), Password: c.FormValue("password"),
		DisplayName: c.FormValue("display_name"), Lang: p.Lang}
	data := map[string]any{"Next": c.FormValue("next"), "Email": in.Email, "DisplayName": in.DisplayName}
	ctx := c.UserContext()
	_, err := s.deps.Accounts.Register(ctx, s.clientIP(c), in)
	var rl *RateLimited
	switch {
	case err == nil:
	case errors.As(err, &rl):
		return s.tooMany(c, rl)
	case errors.Is(err, domain.ErrConflict):
		p.Errors = append(p.Errors, fieldMessage{"email", p.T("problem.email_taken")})
	case s.invalidFields(p, err):
	default:
		return s.fail(c, err)
	}
	if len(p.Errors) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "signup", p, data)
	}
	sess, err := s.deps.Accounts.SignIn(ctx, s.clientIP(c), in.Email, in.Password)
	if errors.As(err, &rl) {
		return s.tooMany(c, rl)
	}
	if err != nil {
		return s.fail(c, err)
	}
	return s.continueSignedIn(c, p.Lang, sess)
}

// continueSignedIn starts the session of a visitor who just signed up or in, and sends them on
// to the page they came for.
func (s *Site) continueSignedIn(c *fiber.Ctx, lang string, sess *Session) error {
	if err := s.startSession(c, sess); err != nil {
		return s.fail(c, err)
	}
	return seeOther(c, safeNext(lang, c.FormValue("next")))
}

func (s *Site) signinForm(c *fiber.Ctx) error {
	p := s.formPage(c, "web.signin.title")
	return s.render(c, "signin", p, map[string]any{"Next": c.Query("next"), "Email": ""})
}

func (s *Site) signin(c *fiber.Ctx) error {
	p := s.formPage(c, "web.signin.title")
	email, password := c.FormValue("email"), c.FormValue("password")
	data := map[string]any{"Next": c.FormValue("next"), "Email": email}
	if email == "" {
		p.Errors = append(p.Errors, fieldMessage{"email", p.T("validation.required")})
	}
	if password == "" {
		p.Errors = append(p.Errors, fieldMessage{"password", p.T("validation.required")})
	}
	if len(p.Errors) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "signin", p, data)
	}
	sess, err := s.deps.Accounts.SignIn(c.UserContext(), s.clientIP(c), email, password)
	var rl *RateLimited
	switch {
	case errors.As(err, &rl):
		return s.tooMany(c, rl)
	case errors.Is(err, ErrBadCredentials):
		p.Errors = append(p.Errors, fieldMessage{"email", p.T("problem.invalid_credentials")})
		c.Status(fiber.StatusUnauthorized)
		return s.render(c, "signin", p, data)
	case err != nil:
		return s.fail(c, err)
	}
	return s.continueSignedIn(c, p.Lang, sess)
}

func (s *Site) signout(c *fiber.Ctx) error {
	if token := c.Cookies(cookieRefresh); token != "" && len(token) <= 100 {
		if err := s.deps.Accounts.SignOut(c.UserContext(), token); err != nil {
			return s.fail(c, err)
		}
	}
	s.endSession(c)
	return seeOther(c, "/"+pageLang(c)+"/")
}

// signedIn answers the signed-in user, or sends the visitor to sign in and come back.
func (s *Site) signedIn(c *fiber.Ctx) (*domain.User, bool, error) {
	if u := currentUser(c); u != nil {
		return u, true, nil
	}
	lang := pageLang(c)
	next := c.OriginalURL()
	if c.Method() != fiber.MethodGet {
		next = strings.TrimSuffix(strings.TrimSuffix(c.Path(), "/save"), "/interest")
	}
	return nil, false, seeOther(c, "/"+lang+"/signin?next="+url.QueryEscape(next))
}

// signedInPage opens a page of the signed-in visitor's own affairs (a formPage), or sends the
// visitor to sign in and come back.
func (s *Site) signedInPage(c *fiber.Ctx, titleID string) (*domain.User, *page, bool, error) {
	u, ok, err := s.signedIn(c)
	if !ok {
		return nil, nil, false, err
	}
	return u, s.formPage(c, titleID), true, nil
}

func (s *Site) account(c *fiber.Ctx) error {
	u, p, ok, err := s.signedInPage(c, "web.account.title")
	if !ok {
		return err
	}
	profile, err := s.deps.Accounts.Profile(c.UserContext(), u.ID)
	if err != nil {
		return s.fail(c, err)
	}
	return s.render(c, "account", p, map[string]any{"Profile": profile})
}

func (s *Site) saved(c *fiber.Ctx) error {
	u, p, ok, err := s.signedInPage(c, "web.saved.title")
	if !ok {
		return err
	}
	page, err := s.deps.Accounts.Saved(c.UserContext(), u.ID, domain.ListFilter{Langs: []string{p.Lang}, Limit: 100})
	if err != nil {
		return s.fail(c, err)
	}
	return s.render(c, "saved", p, map[string]any{"Saved": page.Items})
}

// save bookmarks (or forgets) an opportunity, then goes back to it.
func (s *Site) save(on bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, ok, err := s.signedIn(c)
		if !ok {
			return err
		}
		id := c.Params("id")
		if !domain.IsItemRef(id) {
			return s.notFound(c)
		}
		if on {
			err = s.deps.Accounts.Save(c.UserContext(), u.ID, id)
		} else {
			err = s.deps.Accounts.Unsave(c.UserContext(), u.ID, id)
		}
		var rl *RateLimited
		switch {
		case errors.As(err, &rl):
			return s.tooMany(c, rl)
		case errors.Is(err, domain.ErrNotFound):
			return s.notFound(c)
		case err != nil:
			return s.fail(c, err)
		}
		back := "/" + pageLang(c) + "/opportunities/" + id
		if c.FormValue("back") == "saved" {
			back = "/" + pageLang(c) + "/account/saved"
		}
		return seeOther(c, back)
	}
}

// interestPage is what the interest form shows and its answer checks, for the signed-in
// investor: the opportunity, their profile and the exchange rates.
type interestPage struct {
	*page
	user        *domain.User
	opportunity *domain.Opportunity
	profile     *domain.Profile
	rates       domain.Rates
}

// readInterestPage reads the interest page of the opportunity of the path; ok is false when
// the answer is already given (err): the visitor must sign in, or the page is not found.
func (s *Site) readInterestPage(c *fiber.Ctx) (ip interestPage, ok bool, err error) {
	if ip.user, ok, err = s.signedIn(c); !ok {
		return ip, false, err
	}
	if !domain.IsItemRef(c.Params("id")) {
		return ip, false, s.notFound(c)
	}
	ip.page = s.formPage(c, "web.interest.title")
	ctx := c.UserContext()
	if ip.opportunity, err = s.deps.Catalogue.Opportunity(ctx, c.Params("id"), []string{ip.Lang}); err == nil {
		ip.profile, err = s.deps.Accounts.Profile(ctx, ip.user.ID)
	}
	if err != nil {
		return ip, false, s.readFailed(c, err)
	}
	if ip.rates, err = s.deps.Catalogue.Rates(ctx); err != nil {
		return ip, false, s.fail(c, err)
	}
	return ip, true, nil
}

func (s *Site) interestForm(c *fiber.Ctx) error {
	ip, ok, err := s.readInterestPage(c)
	if !ok {
		return err
	}
	// Ticked at first: the name (when there is one) and the address, so that the agency can answer.
	share := []string{"email"}
	if ip.user.DisplayName != "" {
		share = append(share, "display_name")
	}
	return s.render(c, "interest", ip.page, map[string]any{"Item": ip.opportunity, "Profile": ip.profile,
		"Fields": domain.ShareableFields, "Share": share, "Currencies": currencies(ip.rates), "Currency": "EUR"})
}

func (s *Site) sendInterest(c *fiber.Ctx) error {
	ip, ok, err := s.readInterestPage(c)
	if !ok {
		return err
	}
	p, o, u, rates, ctx := ip.page, ip.opportunity, ip.user, ip.rates, c.UserContext()
	share := formList(c, "share")
	in := InterestRequest{Message: c.FormValue("message"), Share: share}
	cur := strings.ToUpper(c.FormValue("currency", "EUR"))
	data := map[string]any{"Item": o, "Profile": ip.profile, "Fields": domain.ShareableFields, "Share": share,
		"Message": in.Message, "Amount": c.FormValue("amount"), "Currency": cur, "Currencies": currencies(rates)}
	if v := strings.TrimSpace(c.FormValue("amount")); v != "" {
		a, err := domain.ParseAmount(strings.ReplaceAll(strings.ReplaceAll(v, " ", ""), ",", "."))
		if _, ok := rates[cur]; err != nil || !ok {
			p.Errors = append(p.Errors, fieldMessage{"amount", p.T("validation.invalid_amount")})
		} else {
			in.Amount = &domain.Money{Amount: a, Currency: cur}
		}
	}
	if len(p.Errors) == 0 {
		_, err = s.deps.Interests.Send(ctx, u.ID, o.ID, in, []string{p.Lang})
		var rl *RateLimited
		switch {
		case err == nil:
			return seeOther(c, "/"+p.Lang+"/account/interests?sent=1")
		case errors.As(err, &rl):
			return s.tooMany(c, rl)
		case errors.Is(err, domain.ErrNotFound):
			return s.notFound(c)
		case errors.Is(err, domain.ErrConflict):
			p.Errors = append(p.Errors, fieldMessage{"message", p.T("problem.interest_open")})
		case s.invalidFields(p, err):
		default:
			return s.fail(c, err)
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return s.render(c, "interest", p, data)
}

func (s *Site) interests(c *fiber.Ctx) error {
	u, p, ok, err := s.signedInPage(c, "web.interests.title")
	if !ok {
		return err
	}
	list, err := s.deps.Interests.Mine(c.UserContext(), u.ID, []string{p.Lang})
	if err != nil {
		return s.fail(c, err)
	}
	return s.render(c, "interests", p, map[string]any{"Interests": list, "Sent": c.Query("sent") == "1"})
}

// export downloads everything held about the user, as JSON.
func (s *Site) export(c *fiber.Ctx) error {
	u, ok, err := s.signedIn(c)
	if !ok {
		return err
	}
	out, err := s.deps.Accounts.Export(c.UserContext(), u.ID, []string{pageLang(c)})
	if err != nil {
		return s.fail(c, err)
	}
	p := s.newPage(c, "web.export.title")
	body, err := json.MarshalIndent(p.exportView(out), "", "  ")
	if err != nil {
		return s.fail(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="diaspora-marketplace-export.json"`)
	return c.Send(body)
}

func (s *Site) eraseForm(c *fiber.Ctx) error {
	_, p, ok, err := s.signedInPage(c, "web.erase.title")
	if !ok {
		return err
	}
	return s.render(c, "erase", p, nil)
}

func (s *Site) erase(c *fiber.Ctx) error {
	u, ok, err := s.signedIn(c)
	if !ok {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		p := s.formPage(c, "web.erase.title")
		p.Errors = append(p.Errors, fieldMessage{"confirm", p.T("web.erase.confirm_needed")})
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "erase", p, nil)
	}
	if err := s.deps.Accounts.Erase(c.UserContext(), u); err != nil {
		return s.fail(c, err)
	}
	s.endSession(c)
	return seeOther(c, "/"+pageLang(c)+"/?erased=1")
}

// profileData is what the profile form shows: the choices, and the values (the saved profile's
// or the form's).
func (s *Site) profileData(c *fiber.Ctx, lang string, form ProfileForm) (map[string]any, error) {
	ctx := c.UserContext()
	countries, err := s.deps.Catalogue.Countries(ctx, []string{lang})
	if err != nil {
		return nil, err
	}
	rates, err := s.deps.Catalogue.Rates(ctx)
	if err != nil {
		return nil, err
	}
	var regions []domain.Region
	if form.OriginCountry != "" {
		info, err := s.deps.Catalogue.Country(ctx, form.OriginCountry, []string{lang})
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return nil, err
		}
		if info != nil {
			regions = info.Regions
		}
	}
	if form.TicketCurrency == "" {
		form.TicketCurrency = "EUR"
	}
	return map[string]any{"Form": form, "Countries": countries, "Residences": residencesIn(lang), "Regions": regions,
		"Sectors": domain.Sectors.Codes, "InvestorTypes": domain.InvestorTypes.Codes, "LegalForms": domain.LegalForms.Codes,
		"Currencies": currencies(rates)}, nil
}

func (s *Site) profileForm(c *fiber.Ctx) error {
	u, p, ok, err := s.signedInPage(c, "web.profile.title")
	if !ok {
		return err
	}
	pr, err := s.deps.Accounts.Profile(c.UserContext(), u.ID)
	if err != nil {
		return s.fail(c, err)
	}
	form := ProfileForm{DisplayName: u.DisplayName, Sectors: pr.Sectors}
	form.OriginCountry, form.ResidenceCountry = derefString(pr.OriginCountry), derefString(pr.ResidenceCountry)
	form.InvestorType, form.LegalForm = derefString(pr.InvestorType), derefString(pr.LegalForm)
	form.Regions = regionCodes(pr.Regions)
	form.TicketMin, form.TicketMax, form.TicketCurrency = amountRange(pr.TicketMin, pr.TicketMax, "")
	data, err := s.profileData(c, p.Lang, form)
	if err != nil {
		return s.fail(c, err)
	}
	data["Saved"] = c.Query("saved") == "1"
	return s.render(c, "profile", p, data)
}

func (s *Site) saveProfile(c *fiber.Ctx) error {
	u, p, ok, err := s.signedInPage(c, "web.profile.title")
	if !ok {
		return err
	}
	form := ProfileForm{DisplayName: c.FormValue("display_name"), OriginCountry: c.FormValue("origin_country"),
		ResidenceCountry: c.FormValue("residence_country"), InvestorType: c.FormValue("investor_type"),
		LegalForm: c.FormValue("legal_form"), Sectors: formList(c, "sectors"), Regions: formList(c, "regions"),
		TicketMin: strings.TrimSpace(c.FormValue("ticket_min")), TicketMax: strings.TrimSpace(c.FormValue("ticket_max")),
		TicketCurrency: c.FormValue("ticket_currency")}
	err = s.deps.Accounts.PutProfile(c.UserContext(), u, form)
	var rl *RateLimited
	switch {
	case err == nil:
		return seeOther(c, "/"+p.Lang+"/account/profile?saved=1")
	case errors.As(err, &rl):
		return s.tooMany(c, rl)
	case s.invalidFields(p, err):
	default:
		return s.fail(c, err)
	}
	data, err := s.profileData(c, p.Lang, form)
	if err != nil {
		return s.fail(c, err)
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return s.render(c, "profile", p, data)
}
