// Package locales holds the interface text of the API (problem titles and details, field errors,
// labels of codes) as go-i18n message files.
//
// Each file is one interface language, named by its BCP 47 tag (en.yaml, pt.yaml, fr.yaml).
// Dropping a new file (for example es.yaml) adds the language with no code change; the tests
// check that it has every message id and the same placeholders as en.yaml.
package locales

import "embed"

// FS holds every *.yaml message file of this folder.
//
//go:embed *.yaml
var FS embed.FS

// ProblemsFS holds the pages of the problem types (problems/<lang>.yaml): what each `type` of a
// problem response means, its usual causes and what to send instead, served at
// /problems/{slug}. Kept apart from the message files, which stay one flat list of messages.
//
//go:embed problems/*.yaml
var ProblemsFS embed.FS
