package domain

import (
	"errors"
	"unicode/utf8"
)

// The errors that use cases return, whatever stores them: the HTTP layer (and any other
// interface) maps each to its answer in one table. The repository returns these same values,
// so that no caller needs to know which package found the problem.
var (
	// ErrNotFound: the thing does not exist, or the reader may not know that it exists.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the request conflicts with what is stored (an e-mail already taken…).
	ErrConflict = errors.New("conflict")
	// ErrPreconditionFailed: the item changed since the version the writer read (If-Match).
	ErrPreconditionFailed = errors.New("precondition failed")
	// ErrAlreadyMember: the invited address already belongs to a member.
	ErrAlreadyMember = errors.New("already a member")
	// ErrIdentityTaken: another verified organization of the same country has this name or
	// acronym.
	ErrIdentityTaken = errors.New("a verified organization of this country already has this name or acronym")
	// ErrTokenInvalid: a refresh token that is unknown, expired or revoked.
	ErrTokenInvalid = errors.New("refresh token unknown, expired or revoked")
	// ErrTokenReused: a refresh token presented again after its rotation (its family is revoked).
	ErrTokenReused = errors.New("refresh token reused")
	// ErrTooMany: a per-owner limit is reached (API keys per account…).
	ErrTooMany = errors.New("too many")
	// ErrSourceLanguage: the source language of an item cannot be deleted.
	ErrSourceLanguage = errors.New("the source language cannot be deleted")
	// ErrTranslationNotFound: the item has no text in that language.
	ErrTranslationNotFound = errors.New("translation not found")
	// ErrIdempotencyMismatch: an Idempotency-Key reused with another request.
	ErrIdempotencyMismatch = errors.New("idempotency key reused with another request")
)

// FieldError is one rule that one field of an input breaks. Code names the rule (a message id
// of the validation messages); Data fills the message's placeholders.
type FieldError struct {
	Name string
	Code string
	Data map[string]any
}

// Invalid is an input that breaks rules, every broken rule listed (not only the first).
type Invalid struct{ Fields []FieldError }

func (v *Invalid) Error() string {
	if len(v.Fields) == 0 {
		return "invalid input"
	}
	return "invalid input: " + v.Fields[0].Name + ": " + v.Fields[0].Code
}

// Add records a broken rule.
func (v *Invalid) Add(name, code string, data map[string]any) {
	v.Fields = append(v.Fields, FieldError{Name: name, Code: code, Data: data})
}

// Err is v as an error, or nil when no rule is broken.
func (v *Invalid) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return v
}

// Truncate shortens a value quoted back in an error message to 60 characters.
func Truncate(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		return string([]rune(s)[:60]) + "…"
	}
	return s
}

// NotFound is ErrNotFound naming what was not found, where a use case knows better than its
// caller (an organization exists, but not the membership asked about).
type NotFound struct{ Resource string }

func (e NotFound) Error() string { return e.Resource + " not found" }

// Is makes errors.Is(err, ErrNotFound) hold.
func (e NotFound) Is(target error) bool { return target == ErrNotFound }
