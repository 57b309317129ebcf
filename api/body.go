package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"reflect"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// decodeBody reads a JSON request body into dst strictly: the media type must be JSON, unknown
// fields are refused (a client cannot slip in "role" or "id"), and a value of the wrong type
// names its field.
//
// Go would read a JSON null into a string as "" without a word; fields that may not be null
// are therefore checked first, and only those named in nullable may be.
func decodeBody(c *fiber.Ctx, dst any, nullable ...string) error {
	mediaType, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mediaType != fiber.MIMEApplicationJSON {
		return problem(fiber.StatusUnsupportedMediaType, "unsupported-media-type", nil)
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(c.Body(), &fields) == nil {
		// encoding/json matches names without regard to case; the API does not.
		known := jsonNames(dst)
		var v invalid
		for _, name := range sortedFieldNames(fields) {
			switch {
			case !slices.Contains(known, name):
				v.add(name, "body", "unknown_field", nil)
			case string(bytes.TrimSpace(fields[name])) == "null" && !slices.Contains(nullable, name):
				v.add(name, "body", "invalid_type", map[string]any{"Expected": "a value, not null"})
			}
		}
		if err := v.err("invalid-body"); err != nil {
			return err
		}
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

func sortedFieldNames(m map[string]json.RawMessage) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// jsonNames lists the JSON names of a struct's fields (dst is a pointer to a struct).
func jsonNames(dst any) []string {
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}
