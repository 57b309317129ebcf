package repository

import (
	"fmt"
	"maps"
)

// Every SQL statement of this package is written out whole, once, and registered here under
// a name: `var sqlUserByEmail = statement("user_by_email", `SELECT …`)`. The names make
// statements easy to find; the registry lets TestEveryStatementPrepares (statements_test.go)
// have PostgreSQL parse and plan each one against the migrated schema, so that a typo or a
// renamed column fails `make test`, not a request.
//
// A statement whose text depends on the request (a list with optional filters) registers each
// fragment that it is built from with a complete statement that uses it, so the test still
// sees every piece in context.
var statements = map[string]string{}

// statement registers text under name and returns it. It runs at package initialization, so a
// name registered twice stops the program at once.
func statement(name, text string) string {
	if _, taken := statements[name]; taken {
		panic(fmt.Sprintf("repository: SQL statement %q registered twice", name))
	}
	statements[name] = text
	return text
}

// Statements returns a copy of every registered statement, by name (for the test that
// prepares each one).
func Statements() map[string]string { return maps.Clone(statements) }
