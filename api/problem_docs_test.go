package api_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	marketplace "github.com/diaspora-investor/marketplace"
	"github.com/diaspora-investor/marketplace/api"
)

// emittedProblemTypes reads the problem slugs the code of package api can emit, from its
// syntax: problem(status, "slug", …), apiError{slug: "slug"} and v.err("slug"). The public type
// of route-not-found is not-found.
func emittedProblemTypes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var slugs []string
	add := func(e ast.Expr) {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			if s == "route-not-found" {
				s = "not-found"
			}
			slugs = append(slugs, s)
		}
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					if fn.Name == "problem" && len(n.Args) == 3 {
						add(n.Args[1])
					}
				case *ast.SelectorExpr:
					if fn.Sel.Name == "err" && len(n.Args) == 1 {
						add(n.Args[0])
					}
				}
			case *ast.KeyValueExpr:
				if key, ok := n.Key.(*ast.Ident); ok && key.Name == "slug" {
					add(n.Value)
				}
			}
			return true
		})
	}
	slices.Sort(slugs)
	return slices.Compact(slugs)
}

// documentedProblemTypes reads every /problems/<slug> openapi.yaml mentions.
func documentedProblemTypes() []string {
	var slugs []string
	for _, m := range regexp.MustCompile(`/problems/([a-z][a-z-]*[a-z])`).FindAllStringSubmatch(string(marketplace.OpenAPIDocument), -1) {
		slugs = append(slugs, m[1])
	}
	slices.Sort(slugs)
	return slices.Compact(slugs)
}

// TestEveryProblemTypeHasAPage: every type the code can emit, or the contract names, has a page
// in every interface language, with the same statuses everywhere; and no page is for a type
// nothing emits.
func TestEveryProblemTypeHasAPage(t *testing.T) {
	emitted := emittedProblemTypes(t)
	if len(emitted) < 15 {
		t.Fatalf("found only %d problem types in the code (%v): the scan misses some", len(emitted), emitted)
	}
	documented := documentedProblemTypes()
	for _, slug := range documented {
		if !slices.Contains(emitted, slug) {
			t.Errorf("openapi.yaml names /problems/%s, which the code never emits", slug)
		}
	}
	for _, slug := range emitted {
		if !slices.Contains(documented, slug) {
			t.Errorf("the code emits /problems/%s, which openapi.yaml never names", slug)
		}
	}
	langs, err := api.LoadLanguages("en")
	if err != nil {
		t.Fatal(err)
	}
	type page struct {
		Status  []int    `yaml:"status"`
		Meaning string   `yaml:"meaning"`
		Causes  []string `yaml:"causes"`
		Fix     string   `yaml:"fix"`
	}
	statuses := map[string][]int{}
	for _, lang := range langs.Codes() {
		b, err := os.ReadFile(filepath.Join("..", "locales", "problems", lang+".yaml"))
		if err != nil {
			t.Errorf("language %s has no problem pages: %v", lang, err)
			continue
		}
		var book struct {
			Labels map[string]string `yaml:"labels"`
			Types  map[string]page   `yaml:"types"`
		}
		if err := yaml.Unmarshal(b, &book); err != nil {
			t.Fatalf("locales/problems/%s.yaml: %v", lang, err)
		}
		for _, label := range []string{"meaning", "causes", "fix", "status", "docs"} {
			if book.Labels[label] == "" {
				t.Errorf("locales/problems/%s.yaml: no label %s", lang, label)
			}
		}
		for _, slug := range emitted {
			p, ok := book.Types[slug]
			if !ok {
				t.Errorf("locales/problems/%s.yaml: no page for /problems/%s", lang, slug)
				continue
			}
			if p.Meaning == "" || p.Fix == "" || len(p.Causes) == 0 || len(p.Status) == 0 {
				t.Errorf("locales/problems/%s.yaml: the page of %s lacks its meaning, causes, fix or status", lang, slug)
			}
			if want, seen := statuses[slug]; seen && !slices.Equal(want, p.Status) {
				t.Errorf("locales/problems/%s.yaml: %s has statuses %v, another language %v", lang, slug, p.Status, want)
			}
			statuses[slug] = p.Status
			if title := langs.Message(lang, "problem."+strings.ReplaceAll(slug, "-", "_")+".title", nil); strings.HasPrefix(title, "problem.") {
				t.Errorf("%s: no title message for %s", lang, slug)
			}
		}
		for slug := range book.Types {
			if !slices.Contains(emitted, slug) {
				t.Errorf("locales/problems/%s.yaml: a page for %s, which the code never emits", lang, slug)
			}
		}
	}
}

// TestProblemPages: a problem's type, followed, explains it in the negotiated language and
// the format asked for; an unknown type is a 404; a malformed lang a 400.
func TestProblemPages(t *testing.T) {
	a := newAPI(t)
	p := problemOf(t, a.get("/v1/opportunities/no-such-thing", "Accept-Language", "fr-FR,fr;q=0.9"), 404, "/problems/not-found")

	html := a.get(p["type"].(string), "Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "Accept-Language", "fr-FR,fr;q=0.9")
	expect(t, html, 200)
	if ct := html.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q, want text/html", ct)
	}
	body := string(html.body)
	for _, want := range []string{`<html lang="fr">`, "<h1>Introuvable</h1>", "Ce que cela signifie", "/v1/opportunity au lieu de /v1/opportunities"} {
		if !strings.Contains(body, want) {
			t.Errorf("the French HTML page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(strings.ToLower(body), "<script") || strings.Contains(body, "l'API") {
		t.Errorf("the page has a script or unescaped text:\n%s", body)
	}
	if html.header.Get("Content-Language") != "fr" || !strings.Contains(html.header.Get("Vary"), "Accept") {
		t.Errorf("Content-Language %q, Vary %q", html.header.Get("Content-Language"), html.header.Get("Vary"))
	}

	js := a.get("/problems/precondition-failed?lang=pt")
	expect(t, js, 200)
	page := js.json(t)
	if page["lang"] != "pt" || page["type"] != "/problems/precondition-failed" || !strings.Contains(page["meaning"].(string), "If-Match") ||
		page["title"] == "" || len(page["causes"].([]any)) == 0 {
		t.Errorf("JSON page: %s", js.body)
	}

	md := a.get("/problems/too-many-requests", "Accept", "text/markdown", "Accept-Language", "en")
	expect(t, md, 200)
	if !strings.HasPrefix(string(md.body), "# Too many requests\n") || !strings.Contains(string(md.body), "## What to send instead") ||
		!strings.HasPrefix(md.header.Get("Content-Type"), "text/markdown") {
		t.Errorf("Markdown page (%s):\n%s", md.header.Get("Content-Type"), md.body)
	}

	problemOf(t, a.get("/problems/no-such-problem"), 404, "/problems/not-found")
	problemOf(t, a.get("/problems/not-found?lang=!!"), 400, "/problems/invalid-parameters")
	// A page is cacheable and revalidated like the document.
	if etag := js.header.Get("ETag"); etag == "" {
		t.Error("no ETag on a problem page")
	} else {
		expect(t, a.get("/problems/precondition-failed?lang=pt", "If-None-Match", etag), 304)
	}
}

// TestProblemTypesAbsoluteUnderPublicURL: with PUBLIC_URL, types are absolute URIs under it, and
// following one (its path) gives its page.
func TestProblemTypesAbsoluteUnderPublicURL(t *testing.T) {
	a := newAPI(t)
	cfg := api.DefaultConfig()
	cfg.PublicURL = "https://api.example.org/marketplace"
	a.app = newApp(t, a.db, cfg)
	p := problemOf(t, a.get("/v1/opportunities?limit=0"), 400, "https://api.example.org/marketplace/problems/invalid-parameters")
	path := strings.TrimPrefix(p["type"].(string), cfg.PublicURL)
	page := a.get(path, "Accept-Language", "fr")
	expect(t, page, 200)
	if got := page.json(t); got["type"] != p["type"] || got["title"] != "Paramètres invalides" {
		t.Errorf("page of %s: %s", p["type"], page.body)
	}
	redirect := a.get("/docs/")
	expect(t, redirect, http.StatusMovedPermanently)
	if loc := redirect.header.Get("Location"); loc != cfg.PublicURL+"/docs" {
		t.Errorf("Location %q", loc)
	}
}

// TestDocsAddresses: /docs/ redirects to /docs, and /openapi.json is openapi.yaml as JSON.
func TestDocsAddresses(t *testing.T) {
	a := newAPI(t)
	r := a.get("/docs/")
	expect(t, r, http.StatusMovedPermanently)
	if loc := r.header.Get("Location"); loc != "/docs" {
		t.Errorf("Location %q, want /docs", loc)
	}
	expect(t, a.get(r.header.Get("Location")), 200)

	j := a.get("/openapi.json")
	expect(t, j, 200)
	var fromJSON any
	if err := json.Unmarshal(j.body, &fromJSON); err != nil {
		t.Fatalf("/openapi.json is not JSON: %v", err)
	}
	var fromYAML any
	if err := yaml.Unmarshal(marketplace.OpenAPIDocument, &fromYAML); err != nil {
		t.Fatal(err)
	}
	if diff := sameDocument("", fromYAML, fromJSON); diff != "" {
		t.Errorf("/openapi.json differs from openapi.yaml at %s", diff)
	}
	if !strings.Contains(string(j.body), `"openapi":"3.1`) {
		t.Errorf("/openapi.json starts %.80s", j.body)
	}
}

// sameDocument compares a YAML-decoded value with a JSON-decoded one; it returns the path of
// the first difference. YAML numbers are ints or floats where JSON's are float64, and yaml.v3
// makes unquoted dates times, which JSON must keep as the written string.
func sameDocument(at string, y, j any) string {
	switch y := y.(type) {
	case map[string]any:
		m, ok := j.(map[string]any)
		if !ok || len(m) != len(y) {
			return at
		}
		for k, v := range y {
			if d := sameDocument(at+"/"+k, v, m[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		l, ok := j.([]any)
		if !ok || len(l) != len(y) {
			return at
		}
		for i := range y {
			if d := sameDocument(at+"/"+strconv.Itoa(i), y[i], l[i]); d != "" {
				return d
			}
		}
		return ""
	case int:
		if f, ok := j.(float64); ok && f == float64(y) {
			return ""
		}
		return at
	case time.Time:
		s, ok := j.(string)
		if ok && (s == y.Format(time.RFC3339Nano) || s == y.Format(time.DateOnly)) {
			return ""
		}
		return at
	default:
		if y != j {
			return at
		}
		return ""
	}
}
