# Torale's commands. `make` lists them; CI runs `make test` through .ci/run.
SHELL := /bin/bash
GO ?= go
BIN := bin

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_\/-]+:.*## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: dev
dev: ## Run the whole platform locally at http://127.0.0.1:8080 (its own PostgreSQL under .torale/)
	$(GO) build -o $(BIN)/torale ./cli/torale
	$(BIN)/torale dev

.PHONY: build
build: ## Build the torale CLI and the functions server into bin/
	$(GO) build -o $(BIN)/torale ./cli/torale
	$(GO) build -o $(BIN)/functions ./functions/cmd/functions

.PHONY: image
image: ## Build the container image without Docker into bin/image (OCI layout), print its size and digest; PUSH=REF pushes it
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct)} $(GO) run ./tools/imagebuild -layout $(BIN)/image \
		-revision $$(git rev-parse HEAD) $(if $(PUSH),-push $(PUSH))

.PHONY: test
test: ## Run every test, with the race detector, against a throwaway PostgreSQL (or TEST_DATABASE_URL)
	scripts/with-postgres $(GO) test -race -count=1 ./...

.PHONY: check
check: ## Vet, lint (golangci-lint, tflint), check formatting, generated SQL and the OpenAPI document
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) tool golangci-lint run ./...
	scripts/sqlc-check
	scripts/lint-openapi
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

.PHONY: clean
clean: ## Remove build output (keeps .torale/, the local database)
	rm -rf $(BIN)
