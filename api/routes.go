package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

// routes declares every route of the API; openapi.yaml must list exactly these (a test
// compares them).
func (s *server) routes(app *fiber.App) {
	s.operatorRoutes(app)
	v1 := app.Group("/v1")
	s.catalogueRoutes(v1)
	s.accountRoutes(v1)
	s.agencyRoutes(v1)
	s.appRoutes(v1)
}

// operatorRoutes: health, metrics, the contract and its documentation.
func (s *server) operatorRoutes(app *fiber.App) {
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsHandler())
	app.Get("/openapi.yaml", s.openAPI)
	app.Get("/openapi.json", s.openAPIJSON)
	app.Get("/docs", s.docs())
	app.Get("/docs/", s.redirectTo("/docs"))
	app.Get("/docs/:file", s.docs())
	app.Get("/problems/:slug", s.problemDoc)
}

// catalogueRoutes: the public reads of the catalogue, and eligibility.
func (s *server) catalogueRoutes(v1 fiber.Router) {
	v1.Get("/countries", s.listCountries)
	v1.Get("/countries/:code", s.getCountry)
	v1.Get("/countries/:code/regions", s.listRegions)
	v1.Get("/countries/:code/opportunities", opportunityRoutes.listHandler(s, true))
	v1.Get("/countries/:code/incentives", incentiveRoutes.listHandler(s, true))
	v1.Get("/countries/:code/programmes", programmeRoutes.listHandler(s, true))
	v1.Get("/sectors", s.listSectors)
	v1.Get("/opportunities", opportunityRoutes.listHandler(s, false))
	v1.Get("/opportunities/:id", opportunityRoutes.detailHandler(s))
	v1.Get("/incentives", incentiveRoutes.listHandler(s, false))
	v1.Get("/incentives/:id", incentiveRoutes.detailHandler(s))
	v1.Get("/programmes", programmeRoutes.listHandler(s, false))
	v1.Get("/programmes/:id", programmeRoutes.detailHandler(s))
	v1.Get("/countries/:code/guides", s.listCountryGuides)
	v1.Get("/guides/:id", s.getGuide)
	v1.Get("/countries/:code/contacts", s.listCountryContacts)
	v1.Post("/eligibility", s.checkEligibility)
	v1.Get("/exchange-rates", s.listExchangeRates)
}

// accountRoutes: accounts, sessions and what a signed-in person keeps.
func (s *server) accountRoutes(v1 fiber.Router) {
	v1.Post("/auth/register", s.register)
	v1.Post("/auth/login", s.login)
	v1.Post("/auth/refresh", s.refresh)
	v1.Post("/auth/logout", s.logout)
	v1.Get("/me", s.getMe)
	v1.Patch("/me", s.patchMe)
	v1.Delete("/me", s.deleteMe)
	v1.Post("/me/password", s.changePassword)
	v1.Get("/me/export", s.export)
	v1.Get("/me/profile", s.getProfile)
	v1.Put("/me/profile", s.putProfile)
	v1.Get("/me/saved", s.listSaved)
	v1.Put("/me/saved/:opportunity_id", s.saveOpportunity)
	v1.Delete("/me/saved/:opportunity_id", s.unsaveOpportunity)
	v1.Get("/me/interests", s.myInterests)
	v1.Get("/me/invitations", s.myInvitations)
	v1.Post("/me/invitations/:invitation_id/accept", s.answerInvitation(true))
	v1.Post("/me/invitations/:invitation_id/decline", s.answerInvitation(false))
	v1.Get("/me/recommendations", s.recommendations)
}

// agencyRoutes: agencies and administrators — organizations, content writing, the workflow,
// interests, exchange rates.
func (s *server) agencyRoutes(v1 fiber.Router) {
	v1.Get("/organizations", s.listOrganizations)
	v1.Post("/organizations", s.createOrganization)
	v1.Get("/organizations/:id", s.getOrganization)
	v1.Patch("/organizations/:id", s.patchOrganization)
	v1.Post("/organizations/:id/verify", s.verifyOrganization(true))
	v1.Post("/organizations/:id/unverify", s.verifyOrganization(false))
	v1.Get("/organizations/:id/members", s.listMembers)
	v1.Patch("/organizations/:id/members/:user_id", s.changeRole)
	v1.Delete("/organizations/:id/members/:user_id", s.removeMember)
	v1.Get("/organizations/:id/invitations", s.listInvitations)
	v1.Post("/organizations/:id/invitations", s.invite)
	v1.Delete("/organizations/:id/invitations/:invitation_id", s.revokeInvitation)
	v1.Get("/organizations/:id/content", s.orgContent)
	v1.Get("/organizations/:id/interests", s.orgInterests)
	v1.Get("/organizations/:id/history", s.orgHistory)
	v1.Get("/review-queue", s.reviewQueue)
	editorRoutes(v1, s, "/opportunities", opportunityRoutes)
	editorRoutes(v1, s, "/incentives", incentiveRoutes)
	editorRoutes(v1, s, "/programmes", programmeRoutes)
	v1.Post("/opportunities/:id/interests", s.sendInterest)
	v1.Get("/interests/:id", s.getInterest)
	v1.Patch("/interests/:id", s.patchInterest)
	v1.Put("/exchange-rates/:currency", s.putExchangeRate)
}

// appRoutes: what third-party apps use to stay in sync — API keys, the change log, the feed.
func (s *server) appRoutes(v1 fiber.Router) {
	v1.Post("/me/api-keys", s.createAPIKey)
	v1.Get("/me/api-keys", s.listAPIKeys)
	v1.Get("/me/api-keys/:id", s.getAPIKey)
	v1.Delete("/me/api-keys/:id", s.revokeAPIKey)
	v1.Get("/changes", s.listChanges)
	v1.Get("/countries/:code/opportunities.atom", s.opportunityFeed)
}

// editorRoutes declares the writes of one kind of content.
func editorRoutes[T, J, D any](v1 fiber.Router, s *server, path string, r contentRoutes[T, J, D]) {
	v1.Post(path, r.createHandler(s))
	v1.Patch(path+"/:id", r.patchHandler(s))
	v1.Delete(path+"/:id", r.deleteHandler(s))
	v1.Put(path+"/:id/translations/:lang", r.putTranslationHandler(s))
	v1.Delete(path+"/:id/translations/:lang", r.deleteTranslationHandler(s))
	v1.Post(path+"/:id/translations/:lang/reviewed", r.reviewedHandler(s))
	for _, action := range []domain.Action{domain.ActionSubmit, domain.ActionPublish, domain.ActionReject, domain.ActionArchive} {
		v1.Post(path+"/:id/"+string(action), r.transitionHandler(s, action))
	}
	v1.Get(path+"/:id/history", r.historyHandler(s))
}
