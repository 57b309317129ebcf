package api

import (
	"context"

	"github.com/gofiber/fiber/v2"
)

// The reads and writes of a signed-in person share their start: find who asks (requireUser or
// s.actor for a read, s.writer or s.writeActor for a write, which counts against their write
// budget), then call one use case for them.

// readAs finds the reader of a request with who and reads what read gives them; its error is
// who's or read's, unchanged.
func readAs[R, T any](c *fiber.Ctx, who func(*fiber.Ctx) (R, error), read func(context.Context, R) (T, error)) (T, error) {
	reader, err := who(c)
	if err != nil {
		var none T
		return none, err
	}
	return read(c.UserContext(), reader)
}

// writeAs finds the writer of a request with who, has write do the change and answers 204; an
// error of the write is the resource's (writeError).
func writeAs[W any](c *fiber.Ctx, resource string, who func(*fiber.Ctx) (W, error), write func(context.Context, W) error) error {
	writer, err := who(c)
	if err != nil {
		return err
	}
	if err := write(c.UserContext(), writer); err != nil {
		return writeError(err, resource)
	}
	return sendNoContent(c)
}
