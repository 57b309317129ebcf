package api

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

// This file is the one table from the errors of use cases (package domain) to problems. A
// handler that gets an error from a use case returns writeError(err, resource); errors that it
// does not know (a database that went away…) pass through to the problem middleware, which
// answers 503 or 500.

// writeError maps what a write can fail with to its problem; other errors pass through.
func writeError(err error, resource string) error {
	var denied domain.Denied
	var named domain.NotFound
	switch {
	case err == nil:
		return nil
	case errors.As(err, &denied):
		return deniedProblem(denied.Decision, resource)
	case errors.As(err, &named):
		return notFound(named.Resource)
	case errors.Is(err, domain.ErrNotFound):
		return notFound(resource)
	case errors.Is(err, domain.ErrPreconditionFailed):
		return problem(fiber.StatusPreconditionFailed, "precondition-failed", nil)
	case errors.Is(err, domain.ErrSourceLanguage):
		return &apiError{status: fiber.StatusConflict, slug: "conflict", detailKey: "source_language"}
	case errors.Is(err, domain.ErrTranslationNotFound):
		return notFound("translation")
	case errors.Is(err, domain.ErrIdentityTaken):
		return &apiError{status: fiber.StatusConflict, slug: "conflict", detailKey: "identity_taken"}
	case errors.Is(err, domain.ErrInterestOpen):
		return &apiError{status: fiber.StatusConflict, slug: "conflict", detailKey: "interest_open"}
	case errors.Is(err, domain.ErrIdempotencyMismatch):
		return &apiError{status: fiber.StatusUnprocessableEntity, slug: "idempotency-key-reused"}
	case errors.Is(err, domain.ErrTooManyKeys):
		return problem(fiber.StatusConflict, "too-many-keys", map[string]any{"Max": domain.MaxAPIKeys})
	case errors.Is(err, domain.ErrRatesAdminOnly):
		return problem(fiber.StatusForbidden, "forbidden", nil)
	case errors.Is(err, domain.ErrAlreadyMember):
		return &apiError{status: fiber.StatusConflict, slug: "conflict", detailKey: "already_member"}
	case errors.Is(err, domain.ErrEmailTaken):
		return &apiError{status: fiber.StatusConflict, slug: "conflict", detailKey: "email_taken"}
	case errors.Is(err, domain.ErrInvalidCredentials):
		e := unauthorized(false)
		e.detailKey = "invalid_credentials"
		return e
	case errors.Is(err, domain.ErrTokenInvalid), errors.Is(err, domain.ErrTokenReused):
		e := unauthorized(true)
		e.detailKey = "invalid_refresh_token"
		return e
	}
	var broken *domain.Invalid
	if errors.As(err, &broken) {
		// A use case checks bodies: its fields are the body's. Through add, like the checks
		// made in handlers: the same error once, and a few per field.
		var v invalid
		for _, f := range broken.Fields {
			v.add(f.Name, "body", f.Code, f.Data)
		}
		return v.err("invalid-body")
	}
	return err
}
