// Package marketplace is the root of the Diaspora Investor Marketplace API module. It holds the
// API's contract, the OpenAPI 3.1 document openapi.yaml, so that the server can serve it at
// /openapi.yaml and tests can check every response against it (see internal/contract).
package marketplace

import _ "embed"

// OpenAPIDocument is openapi.yaml, the OpenAPI 3.1 contract of the API, exactly as written in the
// repository. The server serves it as-is at GET /openapi.yaml (application/yaml). Do not modify
// the slice: it is shared.
//
//go:embed openapi.yaml
var OpenAPIDocument []byte
