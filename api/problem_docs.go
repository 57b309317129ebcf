package api

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"gopkg.in/yaml.v3"

	"github.com/diaspora-investor/marketplace/locales"
)

// problemPage is what /problems/{slug} says about one problem type in one language.
type problemPage struct {
	Status  []int    `yaml:"status" json:"status"`
	Meaning string   `yaml:"meaning" json:"meaning"`
	Causes  []string `yaml:"causes" json:"causes"`
	Fix     string   `yaml:"fix" json:"fix"`
}

// problemBook is one language's file of locales/problems.
type problemBook struct {
	Labels struct {
		Meaning string `yaml:"meaning"`
		Causes  string `yaml:"causes"`
		Fix     string `yaml:"fix"`
		Status  string `yaml:"status"`
		Docs    string `yaml:"docs"`
	} `yaml:"labels"`
	Types map[string]problemPage `yaml:"types"`
}

// problemBooks reads every language's pages once; the files are embedded, so an error is a
// mistake in them, which the tests catch.
var problemBooks = sync.OnceValues(func() (map[string]problemBook, error) {
	files, err := fs.Glob(locales.ProblemsFS, "problems/*.yaml")
	if err != nil {
		return nil, err
	}
	books := map[string]problemBook{}
	for _, f := range files {
		b, err := locales.ProblemsFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var book problemBook
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&book); err != nil {
			return nil, fmt.Errorf("locales/%s: %w", f, err)
		}
		books[strings.TrimSuffix(path.Base(f), ".yaml")] = book
	}
	return books, nil
})

// problemType is the `type` of problems of this slug: relative, or absolute under PUBLIC_URL.
func (s *server) problemType(slug string) string {
	return s.cfg.PublicURL + "/problems/" + slug
}

// problemDoc serves GET /problems/{slug}: the page of a problem type in the reader's language
// (lang, then Accept-Language), as HTML for browsers, Markdown or JSON for programs.
func (s *server) problemDoc(c *fiber.Ctx) error {
	prefs, err := s.langs.Negotiate(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage), "")
	if err != nil {
		var v invalid
		v.add("lang", "query", "invalid_language", nil)
		return v.err("invalid-parameters")
	}
	books, err := problemBooks()
	if err != nil {
		return err
	}
	slug := c.Params("slug")
	lang := s.langs.Interface(prefs)
	book, ok := books[lang]
	if _, has := book.Types[slug]; !ok || !has {
		lang = s.langs.fallback // a language whose pages are missing: the default's
		book = books[lang]
	}
	page, ok := book.Types[slug]
	if !ok {
		return problem(fiber.StatusNotFound, "route-not-found", map[string]any{"Path": c.Path()})
	}
	view := problemView{
		Type:        s.problemType(slug),
		Slug:        slug,
		Title:       s.langs.Message(lang, "problem."+strings.ReplaceAll(slug, "-", "_")+".title", nil),
		Lang:        lang,
		problemPage: page,
	}
	c.Vary(fiber.HeaderAccept, fiber.HeaderAcceptLanguage)
	c.Set(fiber.HeaderContentLanguage, lang)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	switch c.Accepts(fiber.MIMEApplicationJSON, fiber.MIMETextHTML, "text/markdown") {
	case fiber.MIMETextHTML:
		var buf bytes.Buffer
		err := problemHTML.Execute(&buf, struct {
			Page     problemView
			Labels   any
			Statuses string
			Docs     string
		}{view, book.Labels, view.statuses(), s.cfg.PublicURL + "/docs"})
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.Send(buf.Bytes())
	case "text/markdown":
		c.Set(fiber.HeaderContentType, "text/markdown; charset=utf-8")
		return c.SendString(view.markdown(book))
	}
	return s.sendJSON(c, view)
}

// problemView is the JSON form of a page.
type problemView struct {
	Type  string `json:"type"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
	Lang  string `json:"lang"`
	problemPage
}

func (v problemView) statuses() string {
	var codes []string
	for _, s := range v.Status {
		codes = append(codes, strconv.Itoa(s))
	}
	return strings.Join(codes, ", ")
}

func (v problemView) markdown(book problemBook) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n`%s` — %s %s\n\n## %s\n\n%s\n\n## %s\n\n", v.Title, v.Type, book.Labels.Status, v.statuses(),
		book.Labels.Meaning, v.Meaning, book.Labels.Causes)
	for _, c := range v.Causes {
		fmt.Fprintf(&b, "- %s\n", c)
	}
	fmt.Fprintf(&b, "\n## %s\n\n%s\n", book.Labels.Fix, v.Fix)
	return b.String()
}

// problemHTML is a page with no script and no outside resource; html/template escapes every
// text.
var problemHTML = template.Must(template.New("problem").Parse(`<!DOCTYPE html>
<html lang="{{.Page.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Page.Title}} ({{.Page.Slug}})</title>
</head>
<body>
<main>
<h1>{{.Page.Title}}</h1>
<p><code>{{.Page.Type}}</code> — {{.Labels.Status}} {{.Statuses}}</p>
<h2>{{.Labels.Meaning}}</h2>
<p>{{.Page.Meaning}}</p>
<h2>{{.Labels.Causes}}</h2>
<ul>
{{range .Page.Causes}}<li>{{.}}</li>
{{end}}</ul>
<h2>{{.Labels.Fix}}</h2>
<p>{{.Page.Fix}}</p>
<p><a href="{{.Docs}}">{{.Labels.Docs}}</a></p>
</main>
</body>
</html>
`))
