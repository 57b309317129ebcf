package locales

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

// reference is the file every other language is compared with.
const reference = "en.yaml"

var (
	placeholderRe = regexp.MustCompile(`\{\{\.([A-Za-z][A-Za-z0-9]*)\}\}`)
	actionRe      = regexp.MustCompile(`\{\{.*?\}\}`)
)

// loadAll reads every message file as a flat map of id to text. Decoding into
// map[string]string rejects nested maps and non-string values; yaml.v3 rejects duplicate ids.
func loadAll(t *testing.T) map[string]map[string]string {
	t.Helper()
	names, err := fs.Glob(FS, "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(names, reference) {
		t.Fatalf("%s is missing; files: %v", reference, names)
	}
	files := make(map[string]map[string]string, len(names))
	for _, name := range names {
		buf, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := yaml.Unmarshal(buf, &m); err != nil {
			t.Fatalf("%s: not a flat map of id: \"text\": %v", name, err)
		}
		if len(m) == 0 {
			t.Fatalf("%s: no messages", name)
		}
		files[name] = m
	}
	return files
}

// placeholders returns the sorted, deduplicated names X of the {{.X}} actions in text, and
// reports any other template action, which translators should not use.
func placeholders(t *testing.T, file, id, text string) []string {
	t.Helper()
	for _, a := range actionRe.FindAllString(text, -1) {
		if !placeholderRe.MatchString(a) {
			t.Errorf("%s: %s: template action %q is not of the form {{.Name}}", file, id, a)
		}
	}
	var names []string
	for _, m := range placeholderRe.FindAllStringSubmatch(text, -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func TestSameIDs(t *testing.T) {
	files := loadAll(t)
	ref := files[reference]
	for name, m := range files {
		if name == reference {
			continue
		}
		for id := range ref {
			if _, ok := m[id]; !ok {
				t.Errorf("%s: missing id %q (it is in %s)", name, id, reference)
			}
		}
		for id := range m {
			if _, ok := ref[id]; !ok {
				t.Errorf("%s: id %q is not in %s", name, id, reference)
			}
		}
	}
}

func TestNoEmptyText(t *testing.T) {
	for name, m := range loadAll(t) {
		for id, text := range m {
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s: %s is empty", name, id)
			}
		}
	}
}

func TestSamePlaceholders(t *testing.T) {
	files := loadAll(t)
	ref := files[reference]
	for name, m := range files {
		for id, text := range m {
			got := placeholders(t, name, id, text)
			refText, ok := ref[id]
			if !ok || name == reference {
				continue
			}
			if want := placeholders(t, reference, id, refText); !slices.Equal(got, want) {
				t.Errorf("%s: %s has placeholders %v, %s has %v", name, id, got, reference, want)
			}
		}
	}
}

func TestRender(t *testing.T) {
	files := loadAll(t)
	bundle := i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	for name := range files {
		if _, err := bundle.LoadMessageFileFS(FS, name); err != nil {
			t.Fatalf("%s: go-i18n cannot load it: %v", name, err)
		}
	}
	for name, m := range files {
		tag := strings.TrimSuffix(path.Base(name), path.Ext(name))
		if _, err := language.Parse(tag); err != nil {
			t.Errorf("%s: file name is not a language tag: %v", name, err)
			continue
		}
		loc := i18n.NewLocalizer(bundle, tag)
		for id, text := range m {
			data := map[string]string{}
			for _, p := range placeholders(t, name, id, text) {
				data[p] = "sample-" + p
			}
			got, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
			if err != nil {
				t.Errorf("%s: %s: %v", name, id, err)
				continue
			}
			want := text
			for p, v := range data {
				want = strings.ReplaceAll(want, "{{."+p+"}}", v)
			}
			if got != want {
				t.Errorf("%s: %s renders %q, want %q", name, id, got, want)
			}
		}
	}
}
