package contract

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
)

// CheckExamples validates every example of the document against the schema it illustrates:
// the example(s) of each parameter, request body and response of every operation, and the
// `examples` of every component schema and of its properties. It returns one line per example
// that its schema refuses (none when all agree). Whether the server accepts the request examples
// is another question, asked of the server itself (api's TestDocumentExamplesAccepted).
func (v *Validator) CheckExamples() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []string
	check := func(where string, schema *base.SchemaProxy, node *yaml.Node) {
		if schema == nil || node == nil {
			return
		}
		s := schema.Schema()
		if s == nil {
			return
		}
		value, err := exampleValue(node)
		if err != nil {
			out = append(out, fmt.Sprintf("%s: the example cannot be read: %v", where, err))
			return
		}
		body, err := json.Marshal(value)
		if err != nil {
			out = append(out, fmt.Sprintf("%s: the example is not JSON: %v", where, err))
			return
		}
		if ok, errs := v.schemas.ValidateSchemaBytesWithVersion(s, body, openAPIVersion); !ok {
			c := &check{v: v}
			c.addLib(where, errs)
			out = append(out, c.problems...)
		}
	}
	examples := func(where string, schema *base.SchemaProxy, one *yaml.Node, many *orderedmap.Map[string, *base.Example]) {
		check(where+" example", schema, one)
		for pair := many.First(); pair != nil; pair = pair.Next() {
			if pair.Value() != nil {
				check(where+" examples."+pair.Key(), schema, pair.Value().Value)
			}
		}
	}
	content := func(where string, media *orderedmap.Map[string, *v3.MediaType]) {
		for pair := media.First(); pair != nil; pair = pair.Next() {
			mt := pair.Value()
			if mt != nil && isJSON(pair.Key()) {
				examples(where+" "+pair.Key(), mt.Schema, mt.Example, mt.Examples)
			}
		}
	}
	for _, p := range v.d.paths {
		for op := p.item.GetOperations().First(); op != nil; op = op.Next() {
			o := op.Value()
			name := op.Key() + " " + p.template
			for _, prm := range append(append([]*v3.Parameter{}, p.item.Parameters...), o.Parameters...) {
				if prm != nil {
					examples(name+" parameter "+prm.Name, prm.Schema, prm.Example, prm.Examples)
				}
			}
			if o.RequestBody != nil {
				content(name+" request body", o.RequestBody.Content)
			}
			if o.Responses != nil {
				for r := o.Responses.Codes.First(); r != nil; r = r.Next() {
					if r.Value() != nil {
						content(name+" "+r.Key(), r.Value().Content)
					}
				}
			}
		}
	}
	if v.d.model.Components != nil {
		seen := map[*base.Schema]bool{}
		var walk func(where string, proxy *base.SchemaProxy, depth int)
		walk = func(where string, proxy *base.SchemaProxy, depth int) {
			if proxy == nil || depth > 3 {
				return
			}
			s := proxy.Schema()
			if s == nil || seen[s] {
				return
			}
			seen[s] = true
			check(where+" example", proxy, s.Example)
			for i, e := range s.Examples {
				check(fmt.Sprintf("%s examples[%d]", where, i), proxy, e)
			}
			for pair := s.Properties.First(); pair != nil; pair = pair.Next() {
				walk(where+"."+pair.Key(), pair.Value(), depth+1)
			}
		}
		names := []string{}
		for pair := v.d.model.Components.Schemas.First(); pair != nil; pair = pair.Next() {
			names = append(names, pair.Key())
		}
		sort.Strings(names)
		for _, n := range names {
			walk("schema "+n, v.d.model.Components.Schemas.GetOrZero(n), 0)
		}
	}
	return out
}

// exampleValue decodes an example as JSON would carry it: YAML timestamps (an unquoted
// 2027-06-30) are strings in JSON.
func exampleValue(node *yaml.Node) (any, error) {
	var value any
	if err := node.Decode(&value); err != nil {
		return nil, err
	}
	return jsonish(value), nil
}

func jsonish(v any) any {
	switch x := v.(type) {
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.Format(time.RFC3339)
	case map[string]any:
		for k, e := range x {
			x[k] = jsonish(e)
		}
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonish(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonish(e)
		}
	}
	return v
}
