package interests

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/diaspora-investor/marketplace/domain"
)

// TestRefusedCodesSayWhatIsAllowed: a field shared or a status that is no code is refused by
// domain's rule for codes, naming the value and the codes allowed (sent is never one to set).
func TestRefusedCodesSayWhatIsAllowed(t *testing.T) {
	first := func(err error) domain.FieldError {
		var v *domain.Invalid
		if !errors.As(err, &v) || len(v.Fields) == 0 {
			t.Fatalf("got %v, want a refusal", err)
		}
		return v.Fields[0]
	}
	_, err := (&Service{}).check(context.Background(), Expression{Message: "x", Share: []string{"email", "password_hash"}})
	want := domain.FieldError{Name: "share", Code: "unknown_code", Data: map[string]any{"Value": "password_hash",
		"Allowed": "display_name, email, origin_country, residence_country, investor_type, legal_form, sectors, ticket"}}
	if got := first(err); !reflect.DeepEqual(got, want) {
		t.Errorf("share: got %+v, want %+v", got, want)
	}
	for _, status := range []string{"sent", "lost"} {
		want := domain.FieldError{Name: "status", Code: "unknown_code", Data: map[string]any{"Value": status, "Allowed": "read, answered, closed"}}
		if got := first(checkChange(domain.InterestChange{Status: status})); !reflect.DeepEqual(got, want) {
			t.Errorf("status %s: got %+v, want %+v", status, got, want)
		}
	}
	if err := checkChange(domain.InterestChange{Status: "read"}); err != nil {
		t.Errorf("read: %v", err)
	}
}
