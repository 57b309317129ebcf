package contract

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	marketplace "github.com/diaspora-investor/marketplace"
)

// servedServer is the one line a server may change in the document it serves: the address of
// its server, PUBLIC_URL.
var servedServer = regexp.MustCompile(`(?m)^servers:\n  - url: \S+\n`)

// checkSemantics checks what the document says in words and a schema cannot say.
func (c *check) checkSemantics() {
	c.checkConditional()
	c.checkAuth()
	c.checkRateLimit()
	if c.mediaType == "application/atom+xml" && !c.head && c.status == http.StatusOK {
		c.checkAtom()
	}
	if c.path != nil && c.path.template == "/openapi.yaml" && c.status == http.StatusOK && !c.head &&
		!bytes.Equal(servedServer.ReplaceAll(c.body, []byte("servers:\n  - url: /\n")), marketplace.OpenAPIDocument) {
		c.addf("GET /openapi.yaml must serve openapi.yaml unchanged but for its server's address (PUBLIC_URL), but the body differs")
	}
	obj, ok := c.decoded.(map[string]any)
	problemType := ""
	if ok && c.mediaType == "application/problem+json" {
		problemType, _ = obj["type"].(string)
	}
	c.checkRefusedBody(problemType)
	if !ok {
		return
	}
	if c.mediaType == "application/problem+json" {
		c.checkProblem(obj)
		return
	}
	if !c.langIsPreference() {
		c.checkContentLanguage(obj)
	}
	if _, isList := obj["next_cursor"]; isList {
		c.checkList(obj)
	}
}

// checkProblem checks that a problem agrees with the response it is the body of.
func (c *check) checkProblem(obj map[string]any) {
	if s, ok := obj["status"].(float64); ok && int(s) != c.status {
		c.addf("problem: status is %v, but the response status is %d", s, c.status)
	}
	if inst, ok := obj["instance"].(string); ok && inst != c.req.URL.Path && inst != c.req.URL.EscapedPath() {
		c.addf("problem: instance is %q, but the request path is %q", inst, c.req.URL.Path)
	}
	if id, ok := obj["request_id"].(string); ok {
		if h := c.header.Get("X-Request-ID"); h != "" && h != id {
			c.addf("problem: request_id is %q, but X-Request-ID is %q", id, h)
		}
	}
}

// checkContentLanguage checks that Content-Language lists the language of every resource in the
// body (every "lang" field).
func (c *check) checkContentLanguage(obj map[string]any) {
	header := c.header.Get("Content-Language")
	if header == "" {
		return // a required Content-Language is reported by the header check
	}
	listed := map[string]bool{}
	for _, tag := range strings.Split(header, ",") {
		listed[strings.ToLower(strings.TrimSpace(tag))] = true
	}
	langs := map[string]bool{}
	collectLangs(obj, langs)
	var missing []string
	for l := range langs {
		if !listed[strings.ToLower(l)] {
			missing = append(missing, l)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		c.addf("Content-Language is %q, but the body has text in %s too (every lang of the body must be listed)",
			header, strings.Join(missing, ", "))
	}
}

func collectLangs(v any, into map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "editorial" {
				continue // its translations name the languages an item exists in (like langs), not text of the body
			}
			if s, ok := x.(string); ok && k == "lang" {
				into[s] = true
				continue
			}
			collectLangs(x, into)
		}
	case []any:
		for _, x := range v {
			collectLangs(x, into)
		}
	}
}

// checkList checks the paging and facets of a list.
func (c *check) checkList(obj map[string]any) {
	next, hasNext := obj["next_cursor"].(string)
	target, hasLink := nextLink(c.header.Get("Link"))
	switch {
	case hasNext && !hasLink:
		c.addf(`next_cursor is %q, but there is no Link header with rel="next"`, next)
	case !hasNext && hasLink:
		c.addf(`next_cursor is null, but a Link header with rel="next" (%s) was sent`, target)
	case hasNext && hasLink:
		c.checkNextLink(target, next)
	}
	if c.op == nil {
		return
	}
	params := queryParams(c.path.item, c.op)
	query := c.req.URL.Query()
	if contains(params, "fields") {
		c.checkFields(obj, query)
	}
	if limit, ok := c.limit(); ok {
		if items, ok := obj["items"].([]any); ok && len(items) > limit {
			c.addf("the page has %d items, more than limit=%d", len(items), limit)
		}
	}
	if contains(params, "facets") {
		var asked []string
		for _, v := range query["facets"] {
			for _, f := range strings.Split(v, ",") {
				if f = strings.TrimSpace(f); f != "" && !contains(asked, f) {
					asked = append(asked, f)
				}
			}
		}
		sort.Strings(asked)
		facets, present := obj["facets"]
		switch {
		case len(asked) == 0 && present:
			c.addf("facets is in the body, but facets= was not asked")
		case len(asked) > 0 && !present:
			c.addf("facets=%s was asked, but the body has no facets", strings.Join(asked, ","))
		case len(asked) > 0:
			m, _ := facets.(map[string]any)
			got := slices.Sorted(maps.Keys(m))
			if strings.Join(got, ",") != strings.Join(asked, ",") {
				c.addf("facets has %v, but %v was asked (one entry per facet asked)", got, asked)
			}
		}
	} else if _, present := obj["facets"]; present {
		c.addf("facets is in the body of a list that has no facets parameter")
	}
}

// limit returns the page size the request asks for (or the documented default) when the operation
// is paginated and the limit is valid.
func (c *check) limit() (int, bool) {
	for _, p := range append(append([]*v3.Parameter{}, c.path.item.Parameters...), c.op.Parameters...) {
		if p == nil || p.In != "query" || p.Name != "limit" || p.Schema == nil {
			continue
		}
		s := p.Schema.Schema()
		if s == nil {
			return 0, false
		}
		limit := 0
		if q := c.req.URL.Query().Get("limit"); q != "" {
			n, err := strconv.Atoi(q)
			if err != nil {
				return 0, false
			}
			limit = n
		} else if s.Default == nil || s.Default.Decode(&limit) != nil {
			return 0, false
		}
		if (s.Minimum != nil && float64(limit) < *s.Minimum) || (s.Maximum != nil && float64(limit) > *s.Maximum) {
			return 0, false // an invalid limit is reported by the request check
		}
		return limit, true
	}
	return 0, false
}

// checkNextLink checks that the next link is the same path and filter with cursor=next.
func (c *check) checkNextLink(target, next string) {
	u, err := c.req.URL.Parse(target)
	if err != nil {
		c.addf(`Link rel="next" target %q is not a URI: %v`, target, err)
		return
	}
	if u.Path != c.req.URL.Path {
		c.addf(`Link rel="next" points at path %q, but the list is %q`, u.Path, c.req.URL.Path)
	}
	q := u.Query()
	if got := q.Get("cursor"); got != next {
		c.addf(`Link rel="next" has cursor=%q, but next_cursor is %q`, got, next)
	}
	for name, values := range c.req.URL.Query() {
		if name == "cursor" {
			continue
		}
		if !slices.Equal(q[name], values) {
			c.addf(`Link rel="next" has %s=%v, but the request has %s=%v (the next page keeps the filter)`, name, q[name], name, values)
		}
	}
}

var linkValue = regexp.MustCompile(`<([^>]*)>((?:\s*;\s*[^;,]*)*)`)

// nextLink returns the target of the rel="next" link of a Link header.
func nextLink(header string) (string, bool) {
	for _, m := range linkValue.FindAllStringSubmatch(header, -1) {
		for _, param := range strings.Split(m[2], ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(param), "=")
			if !strings.EqualFold(strings.TrimSpace(k), "rel") {
				continue
			}
			for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
				if strings.EqualFold(rel, "next") {
					return m[1], true
				}
			}
		}
	}
	return "", false
}

// checkConditional checks If-None-Match handling: 304 only when a tag matches, and not 200 then.
func (c *check) checkConditional() {
	inm := c.req.Header.Get("If-None-Match")
	etag := c.header.Get("ETag")
	switch {
	case c.status == http.StatusNotModified && inm == "":
		c.addf("answered 304, but the request has no If-None-Match")
	case c.status == http.StatusNotModified && etag != "" && !etagMatches(inm, etag):
		c.addf("answered 304, but the ETag %s matches none of If-None-Match %s", etag, inm)
	case c.status == http.StatusOK && inm != "" && etag != "" && etagMatches(inm, etag) &&
		documents304(c.op):
		c.addf("answered 200, but If-None-Match %s matches the ETag %s: the answer must be 304", inm, etag)
	}
}

// documents304 reports whether the operation documents a 304.
func documents304(op *v3.Operation) bool {
	if op == nil || op.Responses == nil || op.Responses.Codes == nil {
		return false
	}
	return op.Responses.Codes.GetOrZero("304") != nil
}

// etagMatches is the weak comparison of RFC 9110 §13.1.2.
func etagMatches(ifNoneMatch, etag string) bool {
	opaque := func(t string) string { return strings.TrimPrefix(strings.TrimSpace(t), "W/") }
	want := opaque(etag)
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || opaque(t) == want {
			return true
		}
	}
	return false
}

// checkAllow checks the Allow header of a 405: every method of the path, and no other (HEAD is
// allowed where GET is).
func (c *check) checkAllow() {
	allow := c.header.Get("Allow")
	if allow == "" {
		return // a required Allow is reported by the header check
	}
	got := map[string]bool{}
	for _, m := range strings.Split(allow, ",") {
		got[strings.ToUpper(strings.TrimSpace(m))] = true
	}
	for _, m := range c.path.methods {
		if !got[m] {
			c.addf("Allow is %q, but %s has %s", allow, c.path.template, m)
		}
	}
	for m := range got {
		if !contains(c.path.methods, m) && !(m == http.MethodHead && contains(c.path.methods, http.MethodGet)) {
			c.addf("Allow is %q, but %s has no %s in openapi.yaml", allow, c.path.template, m)
		}
	}
}

// checkAtom checks that an Atom body is a well-formed Atom 1.0 feed (RFC 4287) with the
// elements a feed must have, and that every language of its text is in Content-Language.
func (c *check) checkAtom() {
	var feed struct {
		XMLName xml.Name `xml:"feed"`
		Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Entries []struct {
			Lang    string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(c.body, &feed); err != nil {
		c.addf("the Atom body is not well-formed XML: %v", err)
		return
	}
	if feed.XMLName.Space != "http://www.w3.org/2005/Atom" {
		c.addf("the root element is {%s}%s, not an Atom feed", feed.XMLName.Space, feed.XMLName.Local)
	}
	if feed.ID == "" || feed.Title == "" || feed.Updated == "" {
		c.addf("the Atom feed lacks id, title or updated (RFC 4287 §4.1.1)")
	}
	langs := map[string]any{"lang": feed.Lang}
	var entries []any
	for i, e := range feed.Entries {
		if e.ID == "" || e.Title == "" || e.Updated == "" {
			c.addf("Atom entry %d lacks id, title or updated (RFC 4287 §4.1.2)", i)
		}
		entries = append(entries, map[string]any{"lang": e.Lang})
	}
	langs["entries"] = entries
	c.checkContentLanguage(langs)
}

// checkFields checks a list that takes fields= (sparse fieldsets): its items schema admits
// whole items or cut-down ones (anyOf), so without fields= each item must be whole (the first
// schema of the anyOf), and with it each item must have exactly the fields asked, and id.
func (c *check) checkFields(obj map[string]any, query url.Values) {
	items, _ := obj["items"].([]any)
	var asked []string
	for _, v := range query["fields"] {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" && !contains(asked, f) {
				asked = append(asked, f)
			}
		}
	}
	if len(asked) > 0 {
		if !contains(asked, "id") {
			asked = append(asked, "id")
		}
		sort.Strings(asked)
		for i, it := range items {
			m, _ := it.(map[string]any)
			got := slices.Sorted(maps.Keys(m))
			if strings.Join(got, ",") != strings.Join(asked, ",") {
				c.addf("items[%d] has the fields %v, but fields= asked %v (and id)", i, got, asked)
			}
		}
		return
	}
	mt := c.response.Content.GetOrZero("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Schema() == nil {
		return
	}
	list := mt.Schema.Schema()
	prop := list.Properties.GetOrZero("items")
	if prop == nil || prop.Schema() == nil || prop.Schema().Items == nil || !prop.Schema().Items.IsA() {
		return
	}
	itemSchema := prop.Schema().Items.A.Schema()
	if itemSchema == nil || len(itemSchema.AnyOf) == 0 || itemSchema.AnyOf[0].Schema() == nil {
		c.addf("the list takes fields=, but its items schema is not anyOf [whole, sparse]")
		return
	}
	whole := itemSchema.AnyOf[0].Schema()
	for i, it := range items {
		if ok, errs := c.v.schemas.ValidateSchemaObjectWithVersion(whole, it, openAPIVersion); !ok {
			c.addLib(fmt.Sprintf("items[%d] (no fields= was asked, so whole items are due)", i), errs)
		}
	}
}
