package api

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
)

// jsonFieldNames lists the JSON names of a struct type's fields, those of embedded structs
// included: the top-level fields of the objects it encodes to.
func jsonFieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			names = append(names, jsonFieldNames(f.Type)...)
			continue
		}
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

// sparseFields reads fields= (a comma-separated list of the item's top-level fields, or the
// parameter repeated): the fields each item of the list keeps, id always among them. nil when
// the parameter is absent: whole items.
func (q *queryParams) sparseFields(item reflect.Type) []string {
	asked := q.list("fields")
	if len(asked) == 0 {
		if len(q.c.Context().QueryArgs().PeekMulti("fields")) > 0 {
			q.add("fields", "query", "invalid_fields", map[string]any{"Allowed": strings.Join(jsonFieldNames(item), ", ")})
		}
		return nil
	}
	allowed := jsonFieldNames(item)
	keep := []string{"id"}
	for _, f := range asked {
		switch {
		case !slices.Contains(allowed, f):
			q.add("fields", "query", "invalid_fields", map[string]any{"Allowed": strings.Join(allowed, ", ")})
			return nil
		case !slices.Contains(keep, f):
			keep = append(keep, f)
		}
	}
	return keep
}

// sparse keeps only the given fields of each item.
func sparse[T any](items []T, fields []string) ([]map[string]json.RawMessage, error) {
	out := make([]map[string]json.RawMessage, len(items))
	for i, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			return nil, err
		}
		var all map[string]json.RawMessage
		if err := json.Unmarshal(b, &all); err != nil {
			return nil, err
		}
		out[i] = make(map[string]json.RawMessage, len(fields))
		for _, f := range fields {
			out[i][f] = all[f]
		}
	}
	return out, nil
}
