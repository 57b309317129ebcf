package api

import (
	"context"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"
)

func (s *server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"status": "ok"})
}

// readiness remembers that the migrations were found applied: the binary's migrations do not
// change while it runs, so after the first success only the database's reachability is checked.
type readiness struct {
	check    func(context.Context) (bool, error)
	migrated atomic.Bool
}

func (s *server) readyz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	ctx := c.UserContext()
	if err := s.store.Ping(ctx); err != nil {
		return &apiError{status: fiber.StatusServiceUnavailable, slug: "unavailable", retry: 5, internal: err}
	}
	if !s.ready.migrated.Load() {
		ok, err := s.ready.check(ctx)
		if err != nil || !ok {
			return &apiError{status: fiber.StatusServiceUnavailable, slug: "unavailable", retry: 5, internal: err}
		}
		s.ready.migrated.Store(true)
	}
	body := fiber.Map{"status": "ready", "checks": fiber.Map{"database": "ok", "migrations": "ok"}}
	if replica := s.replicaJSON(); replica != nil {
		body["replica"] = replica // reads fall back to the primary: ready all the same
	}
	return c.JSON(body)
}

func (s *server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{}))
}

func (s *server) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/yaml")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(s.document)
}

// docs serves Swagger UI, whose assets are embedded in the binary: the page works offline.
func (s *server) docs() fiber.Handler {
	ui := v5emb.NewHandlerWithConfig(swgui.Config{
		Title:       "Diaspora Investor Marketplace API",
		SwaggerJSON: "/openapi.yaml",
		BasePath:    "/docs/",
		ShowTopBar:  false,
	})
	serve := adaptor.HTTPHandler(ui)
	return func(c *fiber.Ctx) error {
		if err := serve(c); err != nil {
			return err
		}
		if c.Response().StatusCode() == fiber.StatusNotFound {
			c.Response().ResetBody()
			return problem(fiber.StatusNotFound, "route-not-found", map[string]any{"Path": c.Path()})
		}
		return nil
	}
}
