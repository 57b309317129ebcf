package main

import (
	"context"
	"fmt"
	"reflect"
	"strings"
)

// ELIGIBILITY STEP — waiting for POST /v1/eligibility.
//
// The eligibility route is being added on another branch. Until openapi.yaml documents it, the
// generated client has no operation for it, and this step says so and is skipped. Once the client
// has it (after the merge and `make generate`), eligibilityOperation finds it and the step fails
// until it is written: call the operation with the profile's situation (country CV, investor type
// diaspora, residence FR, sector tourism, region sal, amount 50000.00 EUR) and print the
// incentives and programmes that apply and those that do not, with the criterion that failed.
func (t *tour) eligibility(context.Context) error {
	if name, ok := eligibilityOperation(t.api); ok {
		return fmt.Errorf("the client now has %s: write the eligibility step (examples/cabo-verde/eligibility.go)", name)
	}
	fmt.Fprintln(t.out, "skipped: the client has no eligibility operation yet (POST /v1/eligibility is not in openapi.yaml)")
	return nil
}

// eligibilityOperation finds the client's method for POST /v1/eligibility, if it has one.
func eligibilityOperation(api any) (string, bool) {
	typ := reflect.TypeOf(api)
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if strings.Contains(name, "Eligibility") && strings.HasSuffix(name, "WithResponse") && !strings.Contains(name, "WithBody") {
			return name, true
		}
	}
	return "", false
}
