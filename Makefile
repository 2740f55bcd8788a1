# Groundwork developer commands. Run `make` (or `make help`) to list them.
#
# Every recipe runs as ONE bash script (.ONESHELL) with `set -euo pipefail`, so a failing line stops
# the target. Shared shell functions (loading .env, finding and running PostgreSQL) live in the
# `define SH_LIB_SRC` block below; recipes start with `eval "$$SH_LIB"` to use them.

SHELL       := bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS   += --no-print-directory

GO          ?= go
NPM         ?= npm
# air (live reload) is run pinned, without adding it to go.mod.
AIR         := $(GO) run github.com/air-verse/air@v1.67.4
# Project-local development PostgreSQL (make db-start): port and database name.
DEV_DB_PORT ?= 5433
DEV_DB_NAME := groundwork
# Extra flags for `go test`, e.g. make test TESTFLAGS='-run=TestHealth -v'
TESTFLAGS   ?=
TEST_TIMEOUT ?= 5m
# How long `make fuzz` runs each Go fuzz target, e.g. make fuzz FUZZTIME=2m
FUZZTIME    ?= 20s
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

export DEV_DB_PORT DEV_DB_NAME

# --------------------------------------------------------------------------------------------------
# Shell library. Kept verbatim ($(value ...)), so it is plain bash: no $$ escaping inside.
define SH_LIB_SRC
say()  { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

# load_env: export the variables of ./.env; a variable already set in the environment wins.
# Format: KEY=value per line, optional "export ", optional quotes, # comments.
load_env() {
  local line key val
  [ -f .env ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    if ! [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
      warn ".env: ignoring malformed line: $line"; continue
    fi
    key=${BASH_REMATCH[2]} val=${BASH_REMATCH[3]}
    if [[ $val =~ ^\"(.*)\"[[:space:]]*$ || $val =~ ^\'(.*)\'[[:space:]]*$ ]]; then
      val=${BASH_REMATCH[1]}
    else
      val=$(sed -E 's/[[:space:]]+#.*$//; s/[[:space:]]+$//' <<<"$val")
    fi
    [ -n "${!key+x}" ] || export "$key=$val"
  done < .env
}

# as_pg CMD...: run a PostgreSQL server command; as root through the postgres user (initdb refuses root).
as_pg() {
  if is_root; then
    id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' system user (initdb refuses to run as root)"
    (cd / && runuser -u postgres -- "$@")   # cd: the checkout may not be readable by postgres
  else
    "$@"
  fi
}

# pg_bindir: print the directory holding initdb and pg_ctl, or fail.
pg_bindir() {
  local d
  for d in "${PG_BINDIR:-}" "$(pg_config --bindir 2>/dev/null || true)" \
           $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -rn) \
           "$(dirname "$(command -v initdb 2>/dev/null || echo /none/initdb)")"; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}
pg_psql() { # pg_psql BINDIR PORT SQL: run SQL as postgres over TCP, print tuples only
  local psql=$1/psql
  [ -x "$psql" ] || psql=$(command -v psql) || die "psql not found (apt-get install postgresql-client)"
  "$psql" "postgres://postgres@127.0.0.1:$2/postgres?sslmode=disable" -XtAq -v ON_ERROR_STOP=1 -c "$3"
}

# pg_init BINDIR DIR [CONF_LINE...]: new cluster in DIR/data, owned by the server user, listening on
# 127.0.0.1 only (no Unix socket), trust auth for 127.0.0.1 only.
pg_init() {
  local bindir=$1 dir=$2 line; shift 2
  as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    --no-instructions >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  {
    printf '\n# Groundwork: local throwaway cluster\n'
    printf "listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
    for line in "$@"; do printf '%s\n' "$line"; done
  } | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
  printf '# TYPE DATABASE USER ADDRESS METHOD\nhost all all 127.0.0.1/32 trust\n' \
    | as_pg tee "$dir/data/pg_hba.conf" >/dev/null
}
pg_running() { as_pg "$1/pg_ctl" -D "$2/data" status >/dev/null 2>&1; }   # BINDIR DIR
pg_start() {  # BINDIR DIR PORT: start and wait; show the server log on failure
  if ! as_pg "$1/pg_ctl" -D "$2/data" -l "$2/server.log" -w -t 30 -o "-p $3" start >/dev/null; then
    tail -n 20 "$2/server.log" >&2 || true
    return 1
  fi
}

# dev_pg_dir: where the development cluster lives: tmp/postgres, or (as root, when the postgres
# user cannot reach the checkout, e.g. under /root) a directory in /tmp named after the project path.
dev_pg_dir() {
  if is_root && ! runuser -u postgres -- sh -c 'cd "$1"' sh "$PWD" 2>/dev/null; then
    echo "/tmp/groundwork-pg-$(printf %s "$PWD" | sha256sum | cut -c1-12)"
  else
    echo "$PWD/tmp/postgres"
  fi
}
dev_db_url() { echo "postgres://postgres@127.0.0.1:$DEV_DB_PORT/$DEV_DB_NAME?sslmode=disable"; }
has_compose() { command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; }
no_pg_help() {
  die "no PostgreSQL server found (initdb/pg_ctl) and no 'docker compose'.
  Install one:        sudo apt-get install postgresql   (Debian/Ubuntu; brew install postgresql on macOS)
  or point the app at an existing server: DATABASE_URL=postgres://... (in .env or the environment)"
}

# db_start: start (creating if needed) the dev cluster; sets DEV_DB_URL to its connection URL.
db_start() {
  local bindir dir port
  if ! bindir=$(pg_bindir); then
    has_compose || no_pg_help
    say "no local PostgreSQL server binaries; starting the 'db' service with docker compose"
    docker compose up -d db
    DEV_DB_URL=$(dev_db_url)
    return
  fi
  dir=$(dev_pg_dir)
  [ "$dir" = "$PWD/tmp/postgres" ] \
    || say "the postgres user cannot reach $PWD, so the dev cluster lives in $dir"
  if pg_running "$bindir" "$dir"; then
    port=$(sed -n 4p "$dir/data/postmaster.pid")
    [ "$port" = "$DEV_DB_PORT" ] || warn "dev PostgreSQL is already running on port $port, not $DEV_DB_PORT (make db-stop first to change it)"
    say "dev PostgreSQL already running on 127.0.0.1:$port (data: $dir/data)"
  else
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      mkdir -p "$dir"; chmod 700 "$dir"
      if is_root; then
        [ ! -L "$dir" ] || die "$dir is a symlink; refusing to use it"
        chown postgres: "$dir"
      fi
      say "creating dev PostgreSQL cluster in $dir/data ($(basename "$(dirname "$bindir")"))"
      pg_init "$bindir" "$dir" "synchronous_commit = off"
    fi
    say "starting dev PostgreSQL on 127.0.0.1:$DEV_DB_PORT (data: $dir/data, log: $dir/server.log)"
    pg_start "$bindir" "$dir" "$DEV_DB_PORT" \
      || die "could not start PostgreSQL (port $DEV_DB_PORT busy? try: make db-start DEV_DB_PORT=5434)"
    port=$DEV_DB_PORT
  fi
  if [ -z "$(pg_psql "$bindir" "$port" "SELECT 1 FROM pg_database WHERE datname = '$DEV_DB_NAME'")" ]; then
    pg_psql "$bindir" "$port" "CREATE DATABASE $DEV_DB_NAME"
    say "created database $DEV_DB_NAME"
  fi
  DEV_DB_URL="postgres://postgres@127.0.0.1:$port/$DEV_DB_NAME?sslmode=disable"
  say "DATABASE_URL=$DEV_DB_URL"
}

db_stop() {
  local bindir dir
  if ! bindir=$(pg_bindir); then
    if has_compose; then docker compose stop db; else say "no PostgreSQL to stop"; fi
    return
  fi
  dir=$(dev_pg_dir)
  if pg_running "$bindir" "$dir"; then
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
    say "dev PostgreSQL stopped (data kept in $dir/data)"
  else
    say "dev PostgreSQL is not running"
  fi
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  local p i
  for i in $(seq 100); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free TCP port found"
}

# test_db_start [CONF_LINE...]: throwaway cluster for `make test` and `make bench` (temp dir, random
# port, no fsync); exports TEST_DATABASE_URL. test_db_stop stops it and deletes it; safe to call more than once.
TEST_PG_DIR= TEST_PG_BIN=
test_db_start() {
  local port try
  TEST_PG_BIN=$(pg_bindir) || die "PostgreSQL server binaries (initdb, pg_ctl) not found.
  Install them:  sudo apt-get install postgresql   (or set TEST_DATABASE_URL to a server where tests may CREATE DATABASE)"
  TEST_PG_DIR=$(mktemp -d /tmp/groundwork-pgtest.XXXXXX)
  ! is_root || chown postgres: "$TEST_PG_DIR"
  pg_init "$TEST_PG_BIN" "$TEST_PG_DIR" "fsync = off" "synchronous_commit = off" "full_page_writes = off" \
    "max_connections = 200" "$@"
  for try in 1 2 3; do
    port=$(free_port)
    if pg_start "$TEST_PG_BIN" "$TEST_PG_DIR" "$port"; then
      export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
      say "throwaway PostgreSQL on 127.0.0.1:$port ($TEST_PG_DIR)"
      return 0
    fi
  done
  die "could not start the throwaway PostgreSQL"
}
test_db_stop() {
  [ -n "$TEST_PG_DIR" ] || return 0
  trap '' INT TERM   # a second Ctrl-C (or make's own SIGTERM) must not interrupt the cleanup
  as_pg "$TEST_PG_BIN/pg_ctl" -D "$TEST_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$TEST_PG_DIR"
  say "throwaway PostgreSQL stopped and deleted"
  TEST_PG_DIR=
}

# ensure_env: create .env from .env.example on first run, with a fresh SECRET_KEY (32 random bytes).
ensure_env() {
  local secret
  [ ! -f .env ] || return 0
  secret=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
  sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$secret|" \
      -e "s|@127.0.0.1:5433/$DEV_DB_NAME|@127.0.0.1:$DEV_DB_PORT/$DEV_DB_NAME|" .env.example > .env
  say "created .env from .env.example with a fresh SECRET_KEY"
}

# dev_database: start the dev cluster and point DATABASE_URL at it, unless DATABASE_URL (environment
# or .env) names another server; the .env.example value counts as the dev cluster.
dev_database() {
  case "${DATABASE_URL:-}" in
    ""|"$(dev_db_url)"|"postgres://postgres@127.0.0.1:5433/$DEV_DB_NAME?sslmode=disable")
      db_start
      export DATABASE_URL=$DEV_DB_URL ;;
    *)
      say "DATABASE_URL points to $(sed -E 's#//[^@/]*@#//***@#' <<<"$DATABASE_URL"); not starting the dev database" ;;
  esac
}

# templ_sums: checksums of every generated templ file.
templ_sums() {
  find . \( -path ./tmp -o -path ./web/node_modules -o -path ./.git \) -prune -o -name '*_templ.go' -print \
    | LC_ALL=C sort | xargs -r sha256sum
}
# templ_check GO: regenerate templ code; fail if that changed any *_templ.go (committed files were stale).
templ_check() {
  local before
  before=$(templ_sums)
  "$1" tool templ generate
  [ "$before" != "$(templ_sums)" ] || return 0
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then git status --porcelain -- '*_templ.go' >&2; fi
  die "generated *_templ.go files were stale (now regenerated by 'go tool templ generate'): review and commit them"
}

# find_chromium: export CHROMIUM_PATH (kept if already set) for the browser tests, or fail.
find_chromium() {
  if [ -z "${CHROMIUM_PATH:-}" ]; then
    CHROMIUM_PATH=/usr/bin/chromium
    [ -x "$CHROMIUM_PATH" ] || CHROMIUM_PATH=$(command -v chromium || true)
  fi
  [ -n "$CHROMIUM_PATH" ] && [ -x "$CHROMIUM_PATH" ] \
    || die "Chromium is needed for the browser tests: sudo apt-get install chromium (or set CHROMIUM_PATH)"
  export CHROMIUM_PATH
}
endef
export SH_LIB := $(value SH_LIB_SRC)

# --------------------------------------------------------------------------------------------------
.PHONY: help dev generate assets build bench test fuzz feature s3-server screenshots lint clean db-start db-stop db-psql migrate test-db-smoke

help: ## list the targets (default)
	@echo "Groundwork: make <target>   (variables: DEV_DB_PORT=$(DEV_DB_PORT) TESTFLAGS='...' ARGS='...')"
	awk 'BEGIN {FS = ":[^#]*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

dev: assets generate ## run the app with live reload (creates .env, starts the dev database, runs air)
	@eval "$$SH_LIB"
	ensure_env
	load_env
	dev_database
	say "starting air (Ctrl-C stops the app; the database keeps running until 'make db-stop')"
	exec $(AIR) -c .air.toml

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
	@eval "$$SH_LIB"
	templ_check $(GO)
	find_chromium
	if [ -z "$${TEST_DATABASE_URL:-}" ] && [ -n "$${DATABASE_URL:-}" ]; then export TEST_DATABASE_URL=$$DATABASE_URL; fi
	if [ -z "$${TEST_DATABASE_URL:-}" ]; then
	  trap test_db_stop EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
	  test_db_start   # stopped and deleted by the EXIT trap, also when tests fail
	fi
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) $(TESTFLAGS) ./...
	# The Go micro-benchmarks run once each, so they keep compiling and working (not timed here).
	[ -n "$(TESTFLAGS)" ] || $(GO) test -count=1 -run='^$$' -bench=. -benchtime=1x ./internal/... ./bench/...

bench: build ## measure the app against in-repo baselines (bench/; a few minutes); BENCHFLAGS='-rounds=5'
	@eval "$$SH_LIB"
	$(GO) build -trimpath -ldflags "-s -w" -o bin/baseline ./bench/baseline
	$(GO) build -trimpath -o bin/bench ./bench/run
	trap test_db_stop EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
	test_db_start "shared_preload_libraries = 'pg_stat_statements'"
	port=$${TEST_DATABASE_URL#*127.0.0.1:}
	pg_psql "$$TEST_PG_BIN" "$${port%%/*}" "CREATE DATABASE bench"
	DATABASE_URL=$$(sed 's#/postgres?#/bench?#' <<<"$$TEST_DATABASE_URL") bin/bench -app bin/app -baseline bin/baseline $(BENCHFLAGS)

# The S3 test server: versitygw (Apache 2.0), built from the module proxy at this version into tmp/bin.
VERSITYGW_VERSION := v1.8.0
s3-server: tmp/bin/versitygw ## build the S3 test server the storage tests use (versitygw, into tmp/bin)
tmp/bin/versitygw:
	GOBIN=$(CURDIR)/tmp/bin $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)

feature: ## start a feature as a copy of internal/tasks: make feature NAME=projects SINGULAR=project
	scripts/new-feature.sh "$(NAME)" "$(SINGULAR)"

fuzz: ## run every Go fuzz target (func FuzzX in *_test.go) for FUZZTIME each (default 20s)
	@eval "$$SH_LIB"
	n=0
	while IFS=: read -r file target; do
	  pkg=./$$(dirname "$$file")
	  say "fuzzing $$target in $$pkg for $(FUZZTIME)"
	  $(GO) test -run='^$$' -fuzz="^$$target\$$" -fuzztime=$(FUZZTIME) "$$pkg"
	  n=$$((n + 1))
	done < <(grep -rHo --include='*_test.go' --exclude-dir=node_modules --exclude-dir=tmp '^func Fuzz[A-Za-z0-9_]*' . \
	  | sed -e 's|^\./||' -e 's|:func |:|' | LC_ALL=C sort)
	[ "$$n" -gt 0 ] || die "no fuzz targets found"
	say "$$n fuzz targets passed"

screenshots: ## refresh docs/screenshots/*.png (light and dark) from the browser tests
	@$(MAKE) test TESTFLAGS=-run=TestBrowser SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots

test-db-smoke: ## start and stop the throwaway test PostgreSQL (checks the test setup)
	@eval "$$SH_LIB"
	trap test_db_stop EXIT
	test_db_start
	port=$${TEST_DATABASE_URL#*127.0.0.1:}
	pg_psql "$$TEST_PG_BIN" "$${port%%/*}" "CREATE DATABASE smoke"
	pg_psql "$$TEST_PG_BIN" "$${port%%/*}" "SELECT 'ok: ' || version()"

lint: assets ## check formatting (gofmt) and run go vet
	@files=$$(find . \( -path ./tmp -o -path ./web/node_modules -o -path ./.git \) -prune -o -name '*.go' -print \
	  | xargs -r gofmt -l)
	if [ -n "$$files" ]; then printf 'gofmt needed:\n%s\n' "$$files" >&2; exit 1; fi
	$(GO) vet ./...

db-start: ## start the project-local dev PostgreSQL (tmp/postgres, port DEV_DB_PORT=5433)
	@eval "$$SH_LIB"; db_start

db-stop: ## stop the dev PostgreSQL (its data is kept)
	@eval "$$SH_LIB"; db_stop

db-psql: ## open psql on DATABASE_URL from .env
	@eval "$$SH_LIB"; load_env
	exec psql "$${DATABASE_URL:?DATABASE_URL is not set (make dev creates .env)}"

migrate: ## run a migration command with .env loaded: make migrate ARGS="up|down|status|redo|create NAME"
	@eval "$$SH_LIB"; load_env
	$(GO) run ./cmd/app migrate $(ARGS)

clean: ## stop the dev database, delete bin/ tmp/ (incl. dev database data) and built front-end files
	@eval "$$SH_LIB"
	db_stop
	dir=$$(dev_pg_dir)
	case "$$dir" in /tmp/groundwork-pg-*) rm -rf "$$dir"; say "deleted $$dir";; esac
	rm -rf bin tmp $(DIST) web/node_modules
	say "deleted bin/ tmp/ (with the dev database data) $(DIST)/ web/node_modules/"

.PHONY: rename
rename: ## make the clone your own project: make rename MODULE=github.com/you/yourapp
	@eval "$$SH_LIB"
	new=$${MODULE:-}
	old=$$(sed -n 's/^module[[:space:]]*//p' go.mod | tr -d '\r')
	[ -n "$$new" ] || die "usage: make rename MODULE=github.com/you/yourapp"
	[ -n "$$old" ] || die "no module line in go.mod"
	[ "$$new" != "$$old" ] || die "the module path is already $$old"
	[[ $$new =~ ^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9._~-]+)*$$ ]] \
	  || die "'$$new' is not a module path (letters, digits and . _ ~ - between slashes)"
	$(GO) mod edit -module "$$new"
	old_re=$$(printf '%s' "$$old" | sed 's/[.]/\\./g')
	n=0
	while IFS= read -r -d '' f; do
	  sed -i.rename-bak -e "s|$$old_re|$$new|g" "$$f" && rm -f "$$f.rename-bak"
	  say "rewrote $${f#./}"; n=$$((n + 1))
	done < <(grep -rIlF --null --exclude-dir=.git --exclude-dir=node_modules --exclude-dir=tmp -- "$$old" . || true)
	say "module $$old -> $$new (go.mod and $$n other files); check with: go build ./... && git diff --stat"
