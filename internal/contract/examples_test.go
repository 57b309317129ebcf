package contract

import "testing"

// TestDocumentExamplesMatchSchemas fails on an example of openapi.yaml that its own schema
// refuses (a parameter's, a body's, a response's or a component schema's).
func TestDocumentExamplesMatchSchemas(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range v.CheckExamples() {
		t.Error(p)
	}
}

// TestCheckExamplesFindsABadExample makes sure the walk reaches examples at all: a document
// whose examples all pass because none was read would prove nothing.
func TestCheckExamplesFindsABadExample(t *testing.T) {
	v, err := NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range v.d.paths {
		for op := p.item.GetOperations().First(); op != nil; op = op.Next() {
			for r := op.Value().Responses.Codes.First(); r != nil; r = r.Next() {
				for mt := r.Value().Content.First(); mt != nil; mt = mt.Next() {
					n += mt.Value().Examples.Len()
				}
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d response examples found in openapi.yaml", n)
	}
}
