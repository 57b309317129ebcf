package domain

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

// convertible is a catalogue whose rates convert the listed currencies; fail makes it fail.
type convertible struct {
	codes []string
	fail  error
}

func (c convertible) CurrencyConvertible(_ context.Context, cur string) (bool, error) {
	for _, code := range c.codes {
		if code == cur {
			return true, c.fail
		}
	}
	return false, c.fail
}

// TestInvalidMoney: the one check of an amount in a convertible currency that a profile's
// ticket, an interest's amount and an item's amounts go through.
func TestInvalidMoney(t *testing.T) {
	rates := convertible{codes: []string{"EUR", "USD"}}
	for _, c := range []struct {
		in     Money
		want   Money
		fields []FieldError
	}{
		{Money{"1500", "usd"}, Money{"1500.00", "USD"}, nil},
		{Money{"1,5", "EUR"}, Money{}, []FieldError{{Name: "amount", Code: "invalid_amount"}}},
		{Money{"15", "KRW"}, Money{}, []FieldError{{Name: "amount", Code: "invalid_currency", Data: map[string]any{"Value": "KRW"}}}},
		{Money{"15", "euro"}, Money{}, []FieldError{{Name: "amount", Code: "invalid_currency", Data: map[string]any{"Value": "euro"}}}},
	} {
		var v Invalid
		got, ok, err := v.Money(context.Background(), rates, "amount", c.in)
		if err != nil || got != c.want || ok != (c.fields == nil) || !reflect.DeepEqual(v.Fields, c.fields) {
			t.Errorf("%v: got %v, %v, %v, %+v; want %v, %+v", c.in, got, ok, err, v.Fields, c.want, c.fields)
		}
	}
	down := errors.New("rates unreadable")
	var v Invalid
	if _, ok, err := v.Money(context.Background(), convertible{fail: down}, "amount", Money{"1", "EUR"}); ok || err != down || v.Fields != nil {
		t.Errorf("a store that fails: %v, %v, %+v", ok, err, v.Fields)
	}
}
