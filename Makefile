# Groundwork developer commands. Run `make` (or `make help`) to list them.
#
# Recipes are short; the work is done by the bash scripts in scripts/ (README, "Layout"): dev.sh,
# test.sh, bench.sh, fuzz.sh, db.sh (the dev PostgreSQL), rename.sh and new-feature.sh, with lib.sh
# and pg.sh (finding and running PostgreSQL) shared between them. Every recipe runs as ONE bash script (.ONESHELL) with
# `set -euo pipefail`, so a failing line stops the target.

SHELL       := bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS   += --no-print-directory

GO          ?= go
NPM         ?= npm
# Project-local development PostgreSQL (make db-start): port and database name.
DEV_DB_PORT ?= 5433
DEV_DB_NAME := groundwork
# Extra flags for `go test`, e.g. make test TESTFLAGS='-run=TestHealth -v ./internal/platform/...'
TESTFLAGS   ?=
TEST_TIMEOUT ?= 8m
# How much `make fuzz` runs each Go fuzz target: a count of inputs (50000x), or a duration (2m).
# A count is the default: with a duration, Go 1.26's fuzz coordinator can fail a target with a bare
# "context deadline exceeded" when the time runs out (go.dev/issue/75804, fixed in Go 1.27).
FUZZTIME    ?= 50000x
# Extra flags for `make bench` (bench/run), e.g. make bench BENCHFLAGS='-rounds=5 -duration=5s'
BENCHFLAGS  ?=
# Arguments for `make migrate`, e.g. make migrate ARGS="create add_widgets"
ARGS        ?= status
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -s -w -X github.com/groundwork-dev/groundwork/internal/app.version=$(VERSION)

# Front-end files copied out of web/node_modules (installed from web/package-lock.json).
NODE_STAMP  := web/node_modules/.package-lock.json
DIST        := web/static/dist
DIST_FILES  := $(DIST)/htmx.min.js $(DIST)/sse.min.js

# The scripts read these (PG_BINDIR, PG_USER, CHROME_PATH, CI come from the environment).
export GO NPM DEV_DB_PORT DEV_DB_NAME TESTFLAGS TEST_TIMEOUT FUZZTIME BENCHFLAGS

# --------------------------------------------------------------------------------------------------
.PHONY: help dev generate assets build bench test fuzz feature s3-server screenshots lint clean db-start db-stop db-psql migrate test-db-smoke rename

help: ## list the targets (default)
	@echo "Groundwork: make <target>   (variables: DEV_DB_PORT=$(DEV_DB_PORT) TESTFLAGS='...' ARGS='...' PG_BINDIR=DIR|npm)"
	awk 'BEGIN {FS = ":[^#]*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

dev: assets ## run the app with live reload (creates .env, starts the dev database, runs air)
	@exec scripts/dev.sh

generate: ## generate Go code: .templ files (go tool templ generate) and the API client (apiclient, oapi-codegen)
	$(GO) tool templ generate
	UPDATE_CLIENT=1 $(GO) test ./internal/app -run '^TestAPIClientUpToDate$$' -count=1

assets: $(DIST_FILES) ## install front-end deps (npm ci) and copy htmx into web/static/dist

$(NODE_STAMP): web/package-lock.json web/package.json
	cd web && $(NPM) ci --no-audit --no-fund && cd ..
	touch $@

$(DIST)/htmx.min.js: $(NODE_STAMP)
	mkdir -p $(DIST) && cp web/node_modules/htmx.org/dist/htmx.min.js $@

$(DIST)/sse.min.js: $(NODE_STAMP)
	mkdir -p $(DIST) && cp web/node_modules/htmx-ext-sse/dist/sse.min.js $@

build: assets generate ## build bin/app (version from git describe)
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/app ./cmd/app

test: assets ## run every test (throwaway PostgreSQL + Chromium); TESTFLAGS='-run=X' to filter
	@scripts/test.sh

bench: build ## measure the app against in-repo baselines (bench/; a few minutes); BENCHFLAGS='-rounds=5'
	@scripts/bench.sh

# The S3 test server: versitygw (Apache 2.0), built from the module proxy at this version into tmp/bin.
VERSITYGW_VERSION := v1.8.0
s3-server: tmp/bin/versitygw ## build the S3 test server the storage tests use (versitygw, into tmp/bin)
tmp/bin/versitygw:
	GOBIN=$(CURDIR)/tmp/bin $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)

feature: ## start a feature as a copy of internal/tasks: make feature NAME=projects SINGULAR=project
	scripts/new-feature.sh "$(NAME)" "$(SINGULAR)"

fuzz: ## run every Go fuzz target (func FuzzX in *_test.go) for FUZZTIME each (default 50000x inputs)
	@scripts/fuzz.sh

screenshots: ## refresh docs/screenshots/*.png (light and dark) from the browser tests
	@$(MAKE) test TESTFLAGS='-run=TestBrowser ./internal/app' SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots

test-db-smoke: ## start the throwaway test PostgreSQL and check its version (checks the test setup)
	@$(MAKE) test TESTFLAGS='-v -run=TestServerVersion ./internal/platform/postgres/pgtest'

lint: assets ## check formatting (gofmt) and run go vet
	@files=$$(find . \( -path ./tmp -o -path ./.git -o -name node_modules \) -prune -o -name '*.go' -print \
	  | xargs gofmt -l)
	if [ -n "$$files" ]; then printf 'gofmt needed:\n%s\n' "$$files" >&2; exit 1; fi
	$(GO) vet ./...

db-start: ## start the project-local dev PostgreSQL (tmp/postgres, port DEV_DB_PORT=5433)
	@scripts/db.sh start

db-stop: ## stop the dev PostgreSQL (its data is kept)
	@scripts/db.sh stop

db-psql: ## open psql on DATABASE_URL from .env
	@scripts/db.sh psql

migrate: ## run a migration command with .env loaded: make migrate ARGS="up|down|status|redo|create NAME"
	@scripts/db.sh migrate $(ARGS)

clean: ## stop the dev database, delete bin/ tmp/ (incl. dev database data), built front-end files, npm packages
	@scripts/db.sh clean
	rm -rf bin tmp $(DIST) web/node_modules scripts/postgres/node_modules
	echo "==> deleted bin/ tmp/ (with the dev database data) $(DIST)/ web/node_modules/ scripts/postgres/node_modules/"

rename: ## make the clone your own project: make rename MODULE=github.com/you/yourapp
	@scripts/rename.sh "$${MODULE:-}"
