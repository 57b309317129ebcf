package api

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

// The reads and writes of a signed-in person share their start: find who asks (requireUser or
// s.actor for a read, s.writer or s.writeActor for a write, which counts against their write
// budget), then call one use case for them.

// readAs finds the reader of a request with who and reads what read gives them; its error is
// who's or read's, unchanged. A caller that maps the error (writeError) maps both: who's are
// *apiError already, which the mapping passes through.
func readAs[R, T any](c *fiber.Ctx, who func(*fiber.Ctx) (R, error), read func(context.Context, R) (T, error)) (T, error) {
	reader, err := who(c)
	if err != nil {
		var none T
		return none, err
	}
	return read(c.UserContext(), reader)
}

// changeAs finds the writer of a request with who and has change do the write; an error of
// the write is the resource's (writeError).
func changeAs[W, T any](c *fiber.Ctx, resource string, who func(*fiber.Ctx) (W, error), change func(context.Context, W) (T, error)) (T, error) {
	writer, err := who(c)
	if err != nil {
		var none T
		return none, err
	}
	out, err := change(c.UserContext(), writer)
	return out, writeError(err, resource)
}

// writeAs is changeAs for a write that has nothing to show: it answers 204.
func writeAs[W any](c *fiber.Ctx, resource string, who func(*fiber.Ctx) (W, error), write func(context.Context, W) error) error {
	_, err := changeAs(c, resource, who, func(ctx context.Context, writer W) (struct{}, error) {
		return struct{}{}, write(ctx, writer)
	})
	if err != nil {
		return err
	}
	return sendNoContent(c)
}

// opportunityWriter is the writer of a write about the opportunity that path parameter param
// names, and that id or slug. One not of the shape of an id or slug (openapi.yaml's pattern)
// names no opportunity: 404.
func (s *server) opportunityWriter(c *fiber.Ctx, param string) (*domain.User, string, error) {
	user, err := s.writer(c)
	if err != nil {
		return nil, "", err
	}
	ref := c.Params(param)
	if !domain.IsItemRef(ref) {
		return nil, "", notFound("opportunity")
	}
	return user, ref, nil
}
