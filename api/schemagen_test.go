package api_test

// Generating values from the JSON Schemas of openapi.yaml with rapid: valid ones, and invalid
// ones that break one rule of one field (and say which field). Whether a generated request is
// schema-valid is judged by internal/contract (Validator.CheckRequest), not by this generator,
// so that a slip here cannot turn into a wrong verdict about the server.

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
	"pgregory.net/rapid"

	marketplace "github.com/diaspora-investor/marketplace"
)

// oasDoc is openapi.yaml as plain maps.
type oasDoc struct {
	root map[string]any
	// hints are meaningful values by field or parameter name (a country of the catalogue, a
	// currency with a rate), tried now and then so that generated requests also get past the
	// checks of meaning and reach the code behind them. A hint the schema refuses is not used.
	hints map[string][]any
}

func loadOAS() (*oasDoc, error) {
	var root map[string]any
	if err := yaml.Unmarshal(marketplace.OpenAPIDocument, &root); err != nil {
		return nil, err
	}
	return &oasDoc{root: root, hints: map[string][]any{}}, nil
}

// at returns the node at a "#/a/b/c" reference.
func (d *oasDoc) at(ref string) map[string]any {
	var cur any = d.root
	for _, p := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		p = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	m, _ := cur.(map[string]any)
	return m
}

// deref follows $ref, keeping the keywords written beside it (description, default…).
func (d *oasDoc) deref(n any) map[string]any {
	m, _ := n.(map[string]any)
	for m != nil {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		target := d.at(ref)
		if len(m) == 1 {
			m = target
			continue
		}
		merged := map[string]any{}
		for k, v := range target {
			merged[k] = v
		}
		for k, v := range m {
			if k != "$ref" {
				merged[k] = v
			}
		}
		m = merged
	}
	return m
}

// flatten merges allOf into one schema (properties and required are joined).
func (d *oasDoc) flatten(n any) map[string]any {
	s := d.deref(n)
	all, ok := s["allOf"].([]any)
	if !ok {
		return s
	}
	out := map[string]any{}
	props := map[string]any{}
	var required []any
	for _, part := range append([]any{withoutKey(s, "allOf")}, all...) {
		p := d.flatten(d.deref(part))
		for k, v := range p {
			switch k {
			case "properties":
				for name, ps := range v.(map[string]any) {
					props[name] = ps
				}
			case "required":
				required = append(required, v.([]any)...)
			default:
				out[k] = v
			}
		}
	}
	if len(props) > 0 {
		out["properties"] = props
	}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func withoutKey(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// types lists the JSON types a schema allows ("" when it says nothing).
func types(s map[string]any) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			out = append(out, x.(string))
		}
		return out
	}
	if _, ok := s["properties"]; ok {
		return []string{"object"}
	}
	if _, ok := s["items"]; ok {
		return []string{"array"}
	}
	return nil
}

func intOf(s map[string]any, key string) (int, bool) {
	switch v := s[key].(type) {
	case int:
		return v, true
	case float64:
		return int(v), true
	}
	return 0, false
}

// value is a generated value of a field, and for an invalid one the path of the field it
// breaks ("ticket_min.amount", "sectors") and how.
type value struct {
	v      any
	field  string
	breaks string
}

// gen draws values of one schema.
type gen struct {
	d *oasDoc
	t *rapid.T
}

// printable runes, from several scripts, for free text.
var textRunes = rapid.SampledFrom([]rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,'ãçéêõúÀÉ€ñü😀ß中"))

func (g *gen) chance(label string, percent int) bool {
	return rapid.IntRange(0, 99).Draw(g.t, label) < percent
}

// valid draws a value the schema accepts. name is the field or parameter name, for hints.
func (g *gen) valid(s map[string]any, name string, depth int) any {
	s = g.d.flatten(s)
	if hints := g.d.hints[name]; len(hints) > 0 && slices.Contains(types(s), "string") && g.chance("hint?", 50) {
		return rapid.SampledFrom(hints).Draw(g.t, "hint "+name)
	}
	if c, ok := s["const"]; ok {
		return c
	}
	if enum, ok := s["enum"].([]any); ok {
		return rapid.SampledFrom(enum).Draw(g.t, "enum "+name)
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		if branches, ok := s[key].([]any); ok {
			i := rapid.IntRange(0, len(branches)-1).Draw(g.t, key)
			b := g.d.flatten(branches[i])
			if slices.Contains(types(b), "null") && depth > 0 && g.chance("skip null", 70) {
				b = g.d.flatten(branches[(i+1)%len(branches)])
			}
			return g.valid(b, name, depth+1)
		}
	}
	if ex, ok := s["examples"].([]any); ok && len(ex) > 0 && g.chance("example?", 25) {
		return rapid.SampledFrom(ex).Draw(g.t, "example "+name)
	}
	ts := types(s)
	if len(ts) == 0 {
		return "any"
	}
	t := rapid.SampledFrom(ts).Draw(g.t, "type "+name)
	if t == "null" && len(ts) > 1 && g.chance("avoid null", 60) {
		t = ts[0]
		if t == "null" {
			t = ts[1]
		}
	}
	switch t {
	case "null":
		return nil
	case "boolean":
		return rapid.Bool().Draw(g.t, name)
	case "integer":
		lo, hasLo := intOf(s, "minimum")
		hi, hasHi := intOf(s, "maximum")
		if !hasLo {
			lo = -1000
		}
		if !hasHi {
			hi = lo + 1000000
		}
		if g.chance("int bound", 20) {
			return rapid.SampledFrom([]int{lo, hi}).Draw(g.t, name)
		}
		return rapid.IntRange(lo, hi).Draw(g.t, name)
	case "number":
		return float64(rapid.IntRange(0, 100000).Draw(g.t, name)) / 100
	case "string":
		return g.validString(s, name)
	case "array":
		return g.validArray(s, name, depth)
	case "object":
		return g.validObject(s, depth)
	}
	return nil
}

func (g *gen) validString(s map[string]any, name string) string {
	minLen, _ := intOf(s, "minLength")
	maxLen, hasMax := intOf(s, "maxLength")
	if !hasMax {
		maxLen = minLen + 60
	}
	fits := func(v string) bool {
		n := utf8.RuneCountInString(v)
		return n >= minLen && n <= maxLen
	}
	switch s["format"] {
	case "date":
		return fmt.Sprintf("%04d-%02d-%02d", rapid.IntRange(1990, 2060).Draw(g.t, "year"),
			rapid.IntRange(1, 12).Draw(g.t, "month"), rapid.IntRange(1, 28).Draw(g.t, "day"))
	case "date-time":
		return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", rapid.IntRange(1990, 2060).Draw(g.t, "year"),
			rapid.IntRange(1, 12).Draw(g.t, "month"), rapid.IntRange(1, 28).Draw(g.t, "day"),
			rapid.IntRange(0, 23).Draw(g.t, "hour"), rapid.IntRange(0, 59).Draw(g.t, "minute"), rapid.IntRange(0, 59).Draw(g.t, "second"))
	case "uri":
		v := rapid.StringMatching(`https?://[a-z]{1,12}\.(cv|org|com)(/[a-z0-9-]{1,10}){0,3}/?`).Draw(g.t, name)
		if fits(v) {
			return v
		}
		return "https://a.cv"
	case "email":
		return rapid.StringMatching(`[a-z]{1,10}\.[a-z]{1,10}@example\.(org|com)`).Draw(g.t, name)
	}
	if pattern, ok := s["pattern"].(string); ok {
		re := regexp.MustCompile(pattern)
		v := rapid.StringMatching(pattern).Filter(func(v string) bool { return fits(v) && re.MatchString(v) }).Draw(g.t, name)
		return v
	}
	n := minLen
	switch {
	case g.chance("len bound", 15):
		n = rapid.SampledFrom([]int{minLen, maxLen}).Draw(g.t, "len "+name)
	default:
		n = rapid.IntRange(minLen, min(maxLen, minLen+40)).Draw(g.t, "len "+name)
	}
	rs := rapid.SliceOfN(textRunes, n, n).Draw(g.t, name)
	return string(rs)
}

func (g *gen) validArray(s map[string]any, name string, depth int) []any {
	minItems, _ := intOf(s, "minItems")
	maxItems, hasMax := intOf(s, "maxItems")
	if !hasMax || maxItems > minItems+4 {
		maxItems = minItems + 4
	}
	n := rapid.IntRange(minItems, maxItems).Draw(g.t, "items "+name)
	items := g.d.deref(s["items"])
	unique := s["uniqueItems"] == true
	out := []any{}
	seen := map[string]bool{}
	for i := 0; i < n+8 && len(out) < n; i++ {
		v := g.valid(items, name, depth+1)
		key := jsonKey(v)
		if unique && seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, v)
	}
	return out
}

func (g *gen) validObject(s map[string]any, depth int) map[string]any {
	props, _ := s["properties"].(map[string]any)
	required := map[string]bool{}
	for _, r := range asSlice(s["required"]) {
		required[r.(string)] = true
	}
	dependent, _ := s["dependentRequired"].(map[string]any)
	out := map[string]any{}
	for _, name := range sortedKeys(props) {
		if required[name] || g.chance("include "+name, 50) {
			out[name] = g.valid(g.d.deref(props[name]), name, depth+1)
		}
	}
	for _, name := range sortedKeys(dependent) {
		if _, ok := out[name]; !ok {
			continue
		}
		for _, other := range asSlice(dependent[name]) {
			if _, ok := out[other.(string)]; !ok {
				out[other.(string)] = g.valid(g.d.deref(props[other.(string)]), other.(string), depth+1)
			}
		}
	}
	return out
}

// invalid draws a value the schema refuses, breaking one rule of one field, and names the
// field (relative to this value: "" for the value itself).
func (g *gen) invalid(s map[string]any, name string, depth int) (value, bool) {
	s = g.d.flatten(s)
	ts := types(s)
	var branches []map[string]any
	for _, key := range []string{"oneOf", "anyOf"} {
		if bs, ok := s[key].([]any); ok {
			for _, b := range bs {
				branches = append(branches, g.d.flatten(b))
			}
		}
	}
	var nonNull map[string]any
	for _, b := range branches {
		if !slices.Contains(types(b), "null") && nonNull == nil {
			nonNull = b
		}
	}
	if nonNull != nil && len(branches) <= 2 {
		// X or null: break X (without making it null).
		v, ok := g.invalid(nonNull, name, depth+1)
		if ok && v.v != nil {
			return v, true
		}
		return value{}, false
	}
	if len(branches) > 0 {
		return value{}, false
	}
	var ways []func() (value, bool)
	// The wrong type.
	ways = append(ways, func() (value, bool) {
		var candidates []any
		for _, c := range []struct {
			t string
			v any
		}{{"string", "a string"}, {"integer", 12}, {"boolean", true}, {"object", map[string]any{"x": 1}}, {"array", []any{1}}} {
			if slices.Contains(ts, c.t) || (c.t == "integer" && slices.Contains(ts, "number")) {
				continue
			}
			if _, isEnum := s["enum"]; isEnum && c.t == "string" {
				continue
			}
			candidates = append(candidates, c.v)
		}
		if len(ts) == 0 || len(candidates) == 0 {
			return value{}, false
		}
		return value{v: rapid.SampledFrom(candidates).Draw(g.t, "wrong type"), breaks: "type"}, true
	})
	if enum, ok := s["enum"].([]any); ok {
		ways = append(ways, func() (value, bool) {
			v := rapid.SampledFrom([]string{"not_a_code", "TOURISM", "x"}).Draw(g.t, "bad enum")
			for _, e := range enum {
				if e == v {
					return value{}, false
				}
			}
			return value{v: v, breaks: "enum"}, true
		})
	}
	if slices.Contains(ts, "string") && s["enum"] == nil {
		if maxLen, ok := intOf(s, "maxLength"); ok {
			ways = append(ways, func() (value, bool) {
				n := maxLen + rapid.IntRange(1, 20).Draw(g.t, "over")
				return value{v: strings.Repeat("a", n), breaks: "maxLength"}, true
			})
		}
		if minLen, ok := intOf(s, "minLength"); ok && minLen > 0 {
			ways = append(ways, func() (value, bool) {
				n := rapid.IntRange(0, minLen-1).Draw(g.t, "under")
				return value{v: strings.Repeat("a", n), breaks: "minLength"}, true
			})
		}
		if pattern, ok := s["pattern"].(string); ok {
			ways = append(ways, func() (value, bool) {
				v := rapid.SampledFrom([]string{"", "!!", "a b", "ZZZZZZ", "-1", "1,5", "é", "http//x", "12.345"}).Draw(g.t, "bad pattern")
				if regexp.MustCompile(pattern).MatchString(v) {
					return value{}, false
				}
				return value{v: v, breaks: "pattern"}, true
			})
		}
		switch s["format"] {
		case "date", "date-time":
			ways = append(ways, func() (value, bool) {
				return value{v: rapid.SampledFrom([]string{"2026-02-30", "31/12/2026", "2026-13-01", "tomorrow"}).Draw(g.t, "bad date"), breaks: "format"}, true
			})
		case "uri":
			ways = append(ways, func() (value, bool) {
				return value{v: rapid.SampledFrom([]string{"not a url", "ftp://example.org/", "//example.org"}).Draw(g.t, "bad uri"), breaks: "format"}, true
			})
		}
	}
	if slices.Contains(ts, "integer") {
		if lo, ok := intOf(s, "minimum"); ok {
			ways = append(ways, func() (value, bool) {
				return value{v: lo - rapid.IntRange(1, 100).Draw(g.t, "below"), breaks: "minimum"}, true
			})
		}
		if hi, ok := intOf(s, "maximum"); ok {
			ways = append(ways, func() (value, bool) {
				return value{v: hi + rapid.IntRange(1, 100).Draw(g.t, "above"), breaks: "maximum"}, true
			})
		}
		ways = append(ways, func() (value, bool) { return value{v: 1.5, breaks: "type"}, true })
	}
	if slices.Contains(ts, "array") {
		items := g.d.deref(s["items"])
		if maxItems, ok := intOf(s, "maxItems"); ok && maxItems < 50 {
			ways = append(ways, func() (value, bool) {
				var out []any
				seen := map[string]bool{}
				for i := 0; i < 400 && len(out) <= maxItems; i++ {
					v := g.valid(items, name, depth+1)
					if k := jsonKey(v); !seen[k] {
						seen[k] = true
						out = append(out, v)
					}
				}
				if len(out) <= maxItems {
					return value{}, false
				}
				return value{v: out, breaks: "maxItems"}, true
			})
		}
		if minItems, ok := intOf(s, "minItems"); ok && minItems > 0 {
			ways = append(ways, func() (value, bool) { return value{v: []any{}, breaks: "minItems"}, true })
		}
		if s["uniqueItems"] == true {
			ways = append(ways, func() (value, bool) {
				v := g.valid(items, name, depth+1)
				return value{v: []any{v, v}, breaks: "uniqueItems"}, true
			})
		}
		ways = append(ways, func() (value, bool) {
			bad, ok := g.invalid(items, name, depth+1)
			if !ok {
				return value{}, false
			}
			return value{v: []any{bad.v}, field: bad.field, breaks: "items: " + bad.breaks}, true
		})
	}
	if slices.Contains(ts, "object") {
		props, _ := s["properties"].(map[string]any)
		base := func() map[string]any { return g.validObject(s, depth+1) }
		if req := asSlice(s["required"]); len(req) > 0 {
			ways = append(ways, func() (value, bool) {
				obj := base()
				missing := rapid.SampledFrom(req).Draw(g.t, "missing").(string)
				delete(obj, missing)
				return value{v: obj, field: missing, breaks: "required"}, true
			})
		}
		if s["additionalProperties"] == false {
			ways = append(ways, func() (value, bool) {
				obj := base()
				extra := rapid.SampledFrom([]string{"role", "unknown_field", "Title"}).Draw(g.t, "extra")
				if _, ok := props[extra]; ok {
					return value{}, false
				}
				obj[extra] = "x"
				return value{v: obj, field: extra, breaks: "additionalProperties"}, true
			})
		}
		if len(props) > 0 {
			ways = append(ways, func() (value, bool) {
				obj := base()
				field := rapid.SampledFrom(sortedKeys(props)).Draw(g.t, "break field")
				bad, ok := g.invalid(g.d.deref(props[field]), field, depth+1)
				if !ok {
					return value{}, false
				}
				obj[field] = bad.v
				path := field
				if bad.field != "" {
					path += "." + bad.field
				}
				return value{v: obj, field: path, breaks: bad.breaks}, true
			})
		}
	}
	if len(ways) == 0 {
		return value{}, false
	}
	for i := 0; i < 3; i++ {
		way := rapid.IntRange(0, len(ways)-1).Draw(g.t, "way "+name)
		if v, ok := ways[way](); ok {
			return v, true
		}
	}
	return value{}, false
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func jsonKey(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// paramString writes a parameter value as the query or a header carries it (form style:
// arrays comma-separated).
func paramString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = paramString(e)
		}
		return strings.Join(parts, ",")
	}
	return jsonKey(v)
}
