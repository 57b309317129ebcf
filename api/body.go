package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/diaspora-investor/marketplace/domain"
)

// writeOf is the signed-in user of a write (counted against their write budget) and the
// request's body decoded into a T (decodeBody; nullable names the fields that may be null).
func writeOf[T any](s *server, c *fiber.Ctx, nullable ...string) (*domain.User, T, error) {
	var in T
	user, err := s.writer(c)
	if err == nil {
		err = decodeBody(c, &in, nullable...)
	}
	return user, in, err
}

// actorWriteOf is writeOf for a write of an organization's member or an administrator.
func actorWriteOf[T any](s *server, c *fiber.Ctx, nullable ...string) (domain.Actor, T, error) {
	var in T
	actor, err := s.writeActor(c)
	if err == nil {
		err = decodeBody(c, &in, nullable...)
	}
	return actor, in, err
}

// decodeBody reads a JSON request body into dst strictly: the media type must be JSON, the body
// an object, unknown fields are refused at every depth and names are matched exactly (a client
// cannot slip in "role" or "Amount"), a value of the wrong type names its field and the shape
// expected, and every string passes the text hygiene of its field (domain.CheckText) before it
// can reach the database.
//
// Go would read a JSON null into a string as "" without a word; top-level fields that may not be
// null are therefore checked first, and only those named in nullable may be.
func decodeBody(c *fiber.Ctx, dst any, nullable ...string) error {
	mediaType, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil {
		// A malformed parameter (charset=\xff) does not make JSON something else: the body is
		// read as UTF-8 and checked as such.
		mediaType = strings.ToLower(strings.TrimSpace(strings.SplitN(c.Get(fiber.HeaderContentType), ";", 2)[0]))
	}
	if mediaType != fiber.MIMEApplicationJSON {
		return problem(fiber.StatusUnsupportedMediaType, "unsupported-media-type", nil)
	}
	body := bytes.TrimSpace(c.Body())
	if json.Valid(body) {
		w := bodyWalker{nullable: nullable}
		if body[0] != '{' {
			w.v.add("body", "body", "invalid_type", map[string]any{"Expected": msgID("shape.json_object")})
		} else {
			w.value(body, reflect.TypeOf(dst), "", "", true)
		}
		if err := w.v.err("invalid-body"); err != nil {
			return err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(dst)
	if err == nil && dec.More() {
		err = errors.New("unexpected data after the JSON value")
	}
	if err == nil {
		return nil
	}
	// The walk above caught wrong types and unknown fields of well-formed bodies; what is left
	// is malformed JSON. Only the parser's own words reach the client, never a Go type.
	reason := "the body does not match the expected shape"
	var syntaxErr *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		reason = "the body is empty"
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		reason = strings.TrimPrefix(err.Error(), "json: ")
	case err.Error() == "unexpected data after the JSON value":
		reason = err.Error()
	}
	return problem(fiber.StatusBadRequest, "malformed-json", map[string]any{"Reason": reason})
}

// msgID is a message id put in words in the request's language when the problem is written
// (the shape a field expected, for instance).
type msgID string

// optional is implemented by opt[T]: a field that may be absent, null or a T.
type optional interface{ valueType() reflect.Type }

var (
	optionalType   = reflect.TypeOf((*optional)(nil)).Elem()
	rawMessageType = reflect.TypeOf(json.RawMessage(nil))
	moneyType      = reflect.TypeFor[domain.Money]()
)

// bodyWalker checks a well-formed JSON body against the Go type it is decoded into.
type bodyWalker struct {
	nullable []string
	v        invalid
}

// value checks raw (one JSON value) against t; path is the dotted name of the field, key its
// last element (which decides the text hygiene of strings), top whether it is a top-level field.
func (w *bodyWalker) value(raw []byte, t reflect.Type, path, key string, top bool) {
	isNull := raw[0] == 'n'
	if t.Implements(optionalType) || reflect.PointerTo(t).Implements(optionalType) {
		if isNull && !top {
			return // an opt field's null means "clear it"; at the top, nullable decides
		}
		t = reflect.New(t).Elem().Interface().(optional).valueType()
	}
	if isNull {
		if top && !slices.Contains(w.nullable, path) || !top && t.Kind() != reflect.Pointer && t != rawMessageType {
			w.v.add(path, "body", "invalid_type", map[string]any{"Expected": msgID("shape.not_null")})
		}
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessageType || t.Kind() == reflect.Interface {
		if raw[0] == '"' {
			w.text(raw, path, key)
		}
		return // the handler reads it
	}
	if expected := w.shape(raw, t, path, key, top); expected != "" {
		name := path
		if name == "" {
			name = "body"
		}
		w.v.add(name, "body", "invalid_type", map[string]any{"Expected": msgID(expected)})
	}
}

// shape checks a non-null value against a concrete type, and returns the message id of the
// shape expected when it has another ("" when it fits).
func (w *bodyWalker) shape(raw []byte, t reflect.Type, path, key string, top bool) string {
	switch t.Kind() {
	case reflect.String:
		if raw[0] != '"' {
			return "shape.string"
		}
		w.text(raw, path, key)
	case reflect.Bool:
		if raw[0] != 't' && raw[0] != 'f' {
			return "shape.boolean"
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		// No fraction, no exponent, within range: 1e3, 1.0 and 40 digits are refused by name.
		if _, err := strconv.ParseInt(string(raw), 10, t.Bits()); err != nil {
			return "shape.integer"
		}
	case reflect.Float32, reflect.Float64:
		if _, err := strconv.ParseFloat(string(raw), t.Bits()); err != nil {
			return "shape.number"
		}
	case reflect.Slice:
		var items []json.RawMessage
		if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
			return "shape.array"
		}
		for _, item := range items {
			w.value(bytes.TrimSpace(item), t.Elem(), path, key, false)
		}
	case reflect.Struct:
		return w.object(raw, t, path, top)
	default:
		return "shape.object"
	}
	return ""
}

// object checks a JSON object against a struct type, field by field.
func (w *bodyWalker) object(raw []byte, t reflect.Type, path string, top bool) string {
	if raw[0] != '{' {
		if t == moneyType {
			return "shape.money"
		}
		return "shape.object"
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields) // well-formed: checked by the caller
	known := jsonFieldTypes(t)
	for _, name := range sortedFieldNames(fields) {
		// encoding/json matches names without regard to case; the API does not, at any depth.
		ft, ok := known[name]
		if !ok {
			w.v.add(joinPath(path, truncate(name)), "body", "unknown_field", nil)
			continue
		}
		w.value(bytes.TrimSpace(fields[name]), ft, joinPath(path, name), name, top && path == "")
	}
	return ""
}

// text checks a JSON string literal: well-formed UTF-8 with no lone surrogate escape (which
// encoding/json would silently replace), then the hygiene of the field's kind of text.
func (w *bodyWalker) text(literal []byte, path, key string) {
	if !utf8.Valid(literal) || domain.LoneSurrogate(literal) {
		w.v.add(path, "body", "invalid_encoding", nil)
		return
	}
	var s string
	if json.Unmarshal(literal, &s) != nil {
		w.v.add(path, "body", "invalid_encoding", nil)
		return
	}
	if p := domain.CheckText(s, textKindOf(key)); p != nil {
		w.v.add(path, "body", p.Code, map[string]any{"Char": p.Char})
	}
}

// freeTextFields may hold several lines; titleFields one line that may need zero-width joiners.
// Every other string field is a name, code, identifier, e-mail or address: the strictest kind.
var (
	freeTextFields = []string{"summary", "description", "how_to_apply", "message", "reply", "reason",
		"password", "current_password", "new_password"}
	titleFields = []string{"title", "legal_instrument", "legal_article", "source"}
)

func textKindOf(key string) domain.TextKind {
	switch {
	case slices.Contains(freeTextFields, key):
		return domain.FreeText
	case slices.Contains(titleFields, key):
		return domain.TitleText
	}
	return domain.NameText
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// jsonFieldTypes maps the JSON names of a struct's fields (those of embedded structs included)
// to their types.
func jsonFieldTypes(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			for k, v := range jsonFieldTypes(f.Type) {
				out[k] = v
			}
			continue
		}
		if name != "" && name != "-" && f.IsExported() {
			out[name] = f.Type
		}
	}
	return out
}

func sortedFieldNames(m map[string]json.RawMessage) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// canonicalJSON rewrites a well-formed JSON value without insignificant whitespace, with object
// keys sorted and strings escaped one way, numbers kept as written: two bodies that mean the
// same give the same bytes.
func canonicalJSON(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}
