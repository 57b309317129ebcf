# The two commands: `make run` and `make test`. Both start a private PostgreSQL cluster in
# .data/ when DATABASE_URL is not set, and stop it when they end.
GO ?= go

.PHONY: screenshots run test check build seed migrate-down vet bench bench-go fuzz clean lint-openapi generate check-generated-ts

# What `marketplace version` prints: the nearest tag (or the commit), the commit and the time.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
BUILD_DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(BUILD_DATE)

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/marketplace ./cmd/marketplace
	$(GO) build -o bin/pgrun ./cmd/pgrun

## run: migrate, load the seed into an empty database, and serve on http://localhost:8080
run: build
	bin/pgrun -dir .data/pg -durable -- bin/marketplace serve

## test: vet, lint openapi.yaml, check the TypeScript types, then every test with the race
## detector, against a private test cluster
test: build vet lint-openapi check-generated-ts
	bin/pgrun -dir .data/pg-test -- $(GO) test -race -count=1 ./...

## check: the fast inner loop (well under 2 minutes): vet, gofmt, lint openapi.yaml, the
## TypeScript types, and every test that needs no database (under -short, a test that needs one
## skips: internal/testdb.New), so no PostgreSQL is started. `make test` runs everything.
check: build vet lint-openapi check-generated-ts
	$(GO) test -short -count=1 ./...

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

## seed: load (or refresh) the seed content into the run database
seed: build
	bin/pgrun -dir .data/pg -durable -- bin/marketplace seed

## migrate-down: roll back the last migration of the run database
migrate-down: build
	bin/pgrun -dir .data/pg -durable -- bin/marketplace migrate down

## bench: the API under load on a synthetic catalogue (BENCH_SIZE, default 100000; BENCH_SECONDS per
## measurement, default 6), beside pgbench on the same SQL; writes the section of BENCHMARKS.md of its
## BENCH_SIZE and leaves the others (`BENCH_SIZE=1000000 make bench` beside the default run; the load
## of a million items takes a few minutes and about 16 GB in .data/pg-bench). BENCH_ONLY=list,search
## runs a few routes and writes nothing; BENCH_PROFILE=<route> also writes a CPU profile of that route
## to .data/. Needs wrk (installed from Debian's packages when missing and possible) and pgbench
## (beside PostgreSQL's server binaries).
bench: build
	$(GO) build -o bin/bench ./cmd/bench
	bin/pgrun -dir .data/pg-bench -- bin/bench

## bench-go: Go benchmarks of the hot paths
bench-go: build
	bin/pgrun -dir .data/pg-test -- $(GO) test -run '^$$' -bench . -benchmem ./...

## fuzz: every fuzz target for FUZZTIME each (default 30s), then the generated traffic from openapi.yaml
## with GENERATED_CASES per operation (default 60) from a new random seed (GENERATED_SEED=n replays a
## run); `make test` runs only the fuzz targets' seed corpus and 10 generated cases per operation
## from one fixed seed, the same run every time
FUZZTIME ?= 30s
fuzz: build
	bin/pgrun -dir .data/pg-test -- sh -c 'set -e; \
		for t in FuzzDecodeCursor FuzzParseAmount FuzzParseCurrency FuzzCursorRoundTrip; do $(GO) test ./domain -run "^$$" -fuzz "^$$t$$" -fuzztime $(FUZZTIME); done; \
		for t in FuzzCatalogueQuery FuzzLanguageNegotiation FuzzWriteBodies; do $(GO) test ./api -run "^$$" -fuzz "^$$t$$" -fuzztime $(FUZZTIME); done; \
		GENERATED_CASES=$${GENERATED_CASES:-60} GENERATED_SEED=$${GENERATED_SEED:-random} $(GO) test -count=1 ./api -run "^TestGeneratedTraffic$$" -v'

## screenshots: the web site's main pages at 390 px and 1280 px, into screenshots/ (git-ignored),
## from a private test cluster and Debian's Chromium
screenshots: build
	bin/pgrun -dir .data/pg-test -- env SCREENSHOTS_DIR=$(CURDIR)/screenshots $(GO) test -count=1 -run '^(TestScreenshots|TestConsoleScreenshots)$$' -v ./web

## clean: remove binaries and the private clusters (their data too)
clean:
	rm -rf bin .data

# The npm tools (the OpenAPI linter, the TypeScript generator), pinned by package-lock.json and
# installed once into node_modules/ by npm ci; later runs need no network.
NPM_TOOLS := node_modules/.package-lock.json
$(NPM_TOOLS): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## lint-openapi: lint openapi.yaml with Redocly CLI (rules: redocly.yaml)
lint-openapi: $(NPM_TOOLS)
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true node_modules/.bin/redocly lint --config redocly.yaml openapi.yaml

## generate: regenerate the Go client (client/) and the TypeScript types (client/ts/) from openapi.yaml
generate: $(NPM_TOOLS)
	$(GO) generate ./client
	node_modules/.bin/openapi-typescript openapi.yaml --redocly client/ts/redocly.yaml --output client/ts/schema.d.ts

## check-generated-ts: fail when client/ts/schema.d.ts is not what openapi.yaml gives (the Go
## client has its own test, in go test ./client)
check-generated-ts: $(NPM_TOOLS)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	node_modules/.bin/openapi-typescript openapi.yaml --redocly client/ts/redocly.yaml --output "$$tmp/schema.d.ts" >/dev/null && \
	cmp -s "$$tmp/schema.d.ts" client/ts/schema.d.ts || { echo "client/ts/schema.d.ts is stale: run make generate"; exit 1; }
