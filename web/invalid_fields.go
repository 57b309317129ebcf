package web

import (
	"errors"
	"slices"

	"github.com/diaspora-investor/marketplace/domain"
)

// A form's broken rules reach the pages as the use cases give them, a *domain.Invalid (the
// site's adapter and the console alike); these show them beside their fields.

// invalidFields turns a use case's invalid input into messages beside the fields, in the
// page's language; false when err is no invalid input.
func (s *Site) invalidFields(p *page, err error) bool {
	var broken *domain.Invalid
	if !errors.As(err, &broken) {
		return false
	}
	s.addFieldMessages(p, broken.Fields)
	return true
}

// addFieldMessages gives each invalid field its message ("validation.<code>") on the page.
func (s *Site) addFieldMessages(p *page, fields []domain.FieldError) {
	for _, f := range fields {
		p.Errors = append(p.Errors, fieldMessage{f.Name, s.texts.msg(p.Lang, "validation."+f.Code, f.Data)})
	}
}

// mergeInvalid joins the results of two checks: the broken rules of both, first's first; an
// error that is no broken rule wins, and nil stands for a check that passed.
func mergeInvalid(first, second error) error {
	var a, b *domain.Invalid
	switch {
	case first == nil:
		return second
	case second == nil, !errors.As(first, &a):
		return first
	case !errors.As(second, &b):
		return second
	}
	return &domain.Invalid{Fields: append(slices.Clone(a.Fields), b.Fields...)}
}
