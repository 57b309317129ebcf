package api

import (
	"encoding/json"
	"fmt"
	"strconv"
	"sync"

	"github.com/gofiber/fiber/v2"
	"gopkg.in/yaml.v3"

	marketplace "github.com/diaspora-investor/marketplace"
)

// openAPIJSON serves openapi.yaml converted to JSON, for tools that read only JSON.
func (s *server) openAPIJSON(c *fiber.Ctx) error {
	body, err := openAPIAsJSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(body)
}

// redirectTo answers a permanent redirect to a path of the API (under PUBLIC_URL when set).
func (s *server) redirectTo(path string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return c.Redirect(s.cfg.PublicURL+path, fiber.StatusMovedPermanently)
	}
}

// openAPIAsJSON converts the document once. It walks the YAML nodes rather than decoding into
// Go values, so that a scalar keeps its YAML type exactly: a date in an example stays the
// string it is written as (yaml.v3 would make it a time), and keys keep their order.
var openAPIAsJSON = sync.OnceValues(func() ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(marketplace.OpenAPIDocument, &doc); err != nil {
		return nil, err
	}
	v, err := jsonOfNode(&doc)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml to JSON: %w", err)
	}
	return v, nil
})

func jsonOfNode(n *yaml.Node) (json.RawMessage, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		return jsonOfNode(n.Content[0])
	case yaml.AliasNode:
		return jsonOfNode(n.Alias)
	case yaml.MappingNode:
		out := []byte{'{'}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				out = append(out, ',')
			}
			key, err := json.Marshal(n.Content[i].Value)
			if err != nil {
				return nil, err
			}
			value, err := jsonOfNode(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out = append(append(append(out, key...), ':'), value...)
		}
		return append(out, '}'), nil
	case yaml.SequenceNode:
		out := []byte{'['}
		for i, item := range n.Content {
			if i > 0 {
				out = append(out, ',')
			}
			value, err := jsonOfNode(item)
			if err != nil {
				return nil, err
			}
			out = append(out, value...)
		}
		return append(out, ']'), nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return json.RawMessage("null"), nil
		case "!!bool", "!!int", "!!float":
			var v any
			if err := n.Decode(&v); err != nil {
				return nil, err
			}
			if f, ok := v.(float64); ok {
				return json.RawMessage(strconv.FormatFloat(f, 'g', -1, 64)), nil
			}
			return json.Marshal(v)
		}
		return json.Marshal(n.Value)
	}
	return nil, fmt.Errorf("unexpected YAML node at line %d", n.Line)
}
