# Torale's commands. `make` lists them; CI runs `make test` through .ci/run.
SHELL := /bin/bash
GO ?= go
BIN := bin

.DEFAULT_GOAL := help

# The dashboard needs Node.js 20.19+ (Vite 8). Without it the Go server still builds and
# serves a page saying how to build the dashboard (web/fallback).
NODE_OK := $(shell node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null && echo yes)
# -tags dashboard embeds web/dist, once it is built.
WEB_TAGS = $(if $(wildcard web/dist/index.html),dashboard,)
NPM := npm --prefix web --no-audit --no-fund --loglevel=error

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_\/-]+:.*## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: dev
dev: ## Run the whole platform locally at http://127.0.0.1:8080 (its own PostgreSQL under .torale/)
	@if [ -n "$(NODE_OK)" ]; then $(MAKE) --no-print-directory web; \
	else echo "Node.js 20.19+ not found: the dashboard is not built (the API works; see README)"; fi
	$(GO) build -tags "$(WEB_TAGS)" -o $(BIN)/torale ./cli/torale
	$(BIN)/torale dev

.PHONY: web
web: web/node_modules/.package-lock.json ## Build the dashboard into web/dist (Node.js 20.19+)
	$(NPM) run build

# npm ci only when the lockfile changed since the last install.
web/node_modules/.package-lock.json: web/package-lock.json
	@if [ -z "$(NODE_OK)" ]; then echo "the dashboard needs Node.js 20.19 or newer (found: $$(node --version 2>/dev/null || echo none))"; exit 1; fi
	$(NPM) ci

.PHONY: build
build: ## Build the torale CLI and the functions server into bin/
	$(GO) build -tags "$(WEB_TAGS)" -o $(BIN)/torale ./cli/torale
	$(GO) build -tags "$(WEB_TAGS)" -o $(BIN)/functions ./functions/cmd/functions

.PHONY: image
image: ## Build the container image (with the dashboard when Node.js 20.19+ is here) without Docker into bin/image, print its size and digest; PUSH=REF pushes it
	@if [ -n "$(NODE_OK)" ]; then $(MAKE) --no-print-directory web; fi
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct)} $(GO) run ./tools/imagebuild -layout $(BIN)/image \
		-revision $$(git rev-parse HEAD) $(if $(PUSH),-push $(PUSH))

.PHONY: test
test: web-test ## Run every test (dashboard, then Go with the race detector and the browser flow) against a throwaway PostgreSQL
	scripts/with-postgres $(GO) test -race -count=1 -tags dashboard ./...

.PHONY: web-test
web-test: web/node_modules/.package-lock.json ## Test the dashboard (vitest) and build it, printing its size
	$(NPM) test
	$(NPM) run build

.PHONY: check
check: ## Vet, lint (golangci-lint, tflint), check formatting, generated SQL, the OpenAPI document and the dashboard's API types
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) tool golangci-lint run ./...
	scripts/sqlc-check
	scripts/lint-openapi
	$(MAKE) --no-print-directory web/node_modules/.package-lock.json
	$(NPM) run check-gen
	@if command -v terraform >/dev/null; then TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive terraform; fi
	scripts/tflint

.PHONY: tf/fmt
tf/fmt: ## Format the Terraform (terraform fmt)
	TF_CLI_CONFIG_FILE=/dev/null terraform fmt -recursive terraform

.PHONY: tf/lint
tf/lint: ## Lint the Terraform with tflint's bundled ruleset (built once into .cache/)
	TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive terraform
	scripts/tflint

.PHONY: tf/validate
tf/validate: ## terraform validate and test (mocked) with the google provider in TF_PLUGIN_DIR (says how to get one)
	scripts/tf-validate

.PHONY: fuzz
fuzz: ## Run every fuzz target for a while (FUZZTIME=1m each)
	scripts/with-postgres scripts/fuzz-all

.PHONY: bench
bench: ## Run every benchmark; each prints its figures next to a baseline from the same run
	bench/sweep.sh
	bench/coldstart.sh
	bench/apiload.sh
	bench/notify.sh
	bench/fairness.sh
	bench/dispatch.sh
	bench/crash.sh
	bench/restart.sh
	bench/ratelimit.sh
	bench/extract.sh
	bench/scale.sh
	bench/cost.sh

.PHONY: clean
clean: ## Remove build output (keeps .torale/, the local database)
	rm -rf $(BIN)
