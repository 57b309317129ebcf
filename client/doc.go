// Package client is a Go client of the Diaspora Investor Marketplace API, generated from
// openapi.yaml by oapi-codegen (pinned as a tool in go.mod). Do not edit client.gen.go: change
// openapi.yaml and run `go generate ./client` (or `make generate`); a test fails while the
// checked-in code differs from what the generator makes of the document.
//
// Make a client with NewClientWithResponses(baseURL) and send credentials with a request editor:
// an access token as "Authorization: Bearer …", or an app's API key as "X-API-Key".
package client

//go:generate go tool oapi-codegen -config oapi-codegen.yaml ../openapi.yaml
