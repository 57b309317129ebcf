package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// decodeBody reads a JSON request body into dst strictly: the media type must be JSON, unknown
// fields are refused (a client cannot slip in "role" or "id"), and a value of the wrong type
// names its field.
func decodeBody(c *fiber.Ctx, dst any) error {
	mediaType, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || (mediaType != fiber.MIMEApplicationJSON && !strings.HasSuffix(mediaType, "+json")) {
		return problem(fiber.StatusUnsupportedMediaType, "unsupported-media-type", nil)
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	err = dec.Decode(dst)
	if err == nil && dec.More() {
		err = errors.New("unexpected data after the JSON value")
	}
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		var v invalid
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		v.add(field, "body", "invalid_type", map[string]any{"Expected": typeErr.Type.String()})
		return v.err("invalid-body")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		var v invalid
		v.add(strings.Trim(name, `"`), "body", "unknown_field", nil)
		return v.err("invalid-body")
	}
	reason := err.Error()
	if errors.Is(err, io.EOF) {
		reason = "the body is empty"
	}
	return problem(fiber.StatusBadRequest, "malformed-json", map[string]any{"Reason": strings.TrimPrefix(reason, "json: ")})
}
