package api

import "github.com/gofiber/fiber/v2"

// routes declares every route of the API; openapi.yaml must list exactly these (a test
// compares them).
func (s *server) routes(app *fiber.App) {
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsHandler())
	app.Get("/openapi.yaml", s.openAPI)
	app.Get("/docs", s.docs())
	app.Get("/docs/:file", s.docs())

	v1 := app.Group("/v1")
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

	v1.Post("/me/api-keys", s.createAPIKey)
	v1.Get("/me/api-keys", s.listAPIKeys)
	v1.Get("/me/api-keys/:id", s.getAPIKey)
	v1.Delete("/me/api-keys/:id", s.revokeAPIKey)
	v1.Get("/changes", s.listChanges)
	v1.Get("/countries/:code/opportunities.atom", s.opportunityFeed)
}
