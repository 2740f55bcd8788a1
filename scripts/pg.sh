# PostgreSQL for `make dev` and `make test`: find a server of the project's major version (an
# installed one, else the npm package in scripts/postgres) and create, start and stop local clusters
# with it. Sourced after lib.sh, never run.
#
# PG_BINDIR=DIR uses the server in DIR (initdb, pg_ctl, postgres); PG_BINDIR=npm skips installed
# servers and uses the npm package. As root the server runs as PG_USER (default postgres), since
# initdb refuses to run as root.

# The project's one PostgreSQL major version: development, tests, docker-compose.yml and the README
# use it (deploy/postgres_version_test.go checks that they agree, pgtest that the server matches).
PG_MAJOR=18
PG_NPM_DIR=scripts/postgres
PG_USER=${PG_USER:-postgres}
PG_BIN=

pg_has_server() { [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ] && [ -x "$1/postgres" ]; }

# pg_version BINDIR: print the version of BINDIR/postgres, e.g. 18.4.
pg_version() {
  local v
  v=$("$1/postgres" --version 2>/dev/null) || return 1   # postgres (PostgreSQL) 18.4 (Debian ...)
  v=${v#*) }
  echo "${v%% *}"
}

# pg_installed_dirs: where installed servers usually are (Debian/Ubuntu, RHEL, Homebrew, Postgres.app,
# then pg_config and PATH), one directory per line.
pg_installed_dirs() {
  printf '%s\n' "/usr/lib/postgresql/$PG_MAJOR/bin" "/usr/pgsql-$PG_MAJOR/bin" \
    "/opt/homebrew/opt/postgresql@$PG_MAJOR/bin" "/usr/local/opt/postgresql@$PG_MAJOR/bin" \
    "/Applications/Postgres.app/Contents/Versions/$PG_MAJOR/bin"
  pg_config --bindir 2>/dev/null || true
  local p
  for p in initdb postgres; do
    p=$(command -v "$p" 2>/dev/null) && dirname "$p"
  done
  return 0
}

# pg_npm_platform: the @embedded-postgres/<os>-<arch> package name suffix for this machine.
pg_npm_platform() {
  local os arch
  case $(uname -s) in Linux) os=linux ;; Darwin) os=darwin ;; *) return 1 ;; esac
  case $(uname -m) in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) return 1 ;; esac
  echo "$os-$arch"
}

# pg_npm_bindir: install scripts/postgres from its lockfile if needed; print the server's bin dir.
pg_npm_bindir() {
  local plat pkg stamp=$PG_NPM_DIR/node_modules/.package-lock.json
  plat=$(pg_npm_platform) || die "no PostgreSQL $PG_MAJOR installed, and npm has none for $(uname -sm).
  Install PostgreSQL $PG_MAJOR (or point PG_BINDIR at its bin directory), or set DATABASE_URL / TEST_DATABASE_URL."
  if [ ! -f "$stamp" ] || [ "$PG_NPM_DIR/package-lock.json" -nt "$stamp" ]; then
    say "installing PostgreSQL $PG_MAJOR from npm (@embedded-postgres/$plat, pinned in $PG_NPM_DIR/package-lock.json)" >&2
    (cd "$PG_NPM_DIR" && "$NPM" ci --no-audit --no-fund --loglevel=error) >&2 \
      || die "npm ci in $PG_NPM_DIR failed"
    touch "$stamp"
  fi
  pkg=$PWD/$PG_NPM_DIR/node_modules/@embedded-postgres/$plat
  pg_has_server "$pkg/native/bin" || die "npm did not install @embedded-postgres/$plat (see $PG_NPM_DIR/package.json)"
  # The package's postinstall script links the shared libraries; npm may have been told to skip it.
  pg_version "$pkg/native/bin" >/dev/null || (cd "$pkg" && node scripts/hydrate-symlinks.js) >&2
  echo "$pkg/native/bin"
}

# pg_find: set PG_BIN to a PostgreSQL $PG_MAJOR server and say which one. Installed servers of
# another major are skipped (with a note), never used.
pg_find() {
  local d v seen=" " from
  if [ -n "${PG_BINDIR:-}" ] && [ "$PG_BINDIR" != npm ]; then
    pg_has_server "$PG_BINDIR" || die "PG_BINDIR=$PG_BINDIR has no initdb, pg_ctl and postgres"
    v=$(pg_version "$PG_BINDIR") || die "$PG_BINDIR/postgres does not run"
    [ "${v%%.*}" = "$PG_MAJOR" ] || die "PG_BINDIR=$PG_BINDIR is PostgreSQL $v; this project uses PostgreSQL $PG_MAJOR"
    PG_BIN=$PG_BINDIR from="PG_BINDIR"
  elif [ -z "${PG_BINDIR:-}" ]; then
    while IFS= read -r d; do
      case $seen in *" $d "*) continue ;; esac
      seen="$seen$d "
      pg_has_server "$d" && v=$(pg_version "$d") || continue
      if [ "${v%%.*}" = "$PG_MAJOR" ]; then PG_BIN=$d from="installed"; break; fi
      say "ignoring PostgreSQL $v in $d: this project uses PostgreSQL $PG_MAJOR"
    done < <(pg_installed_dirs)
  fi
  if [ -z "$PG_BIN" ]; then
    PG_BIN=$(pg_npm_bindir)
    from="npm package @embedded-postgres/$(pg_npm_platform), $PG_NPM_DIR"
  fi
  say "using PostgreSQL $(pg_version "$PG_BIN") ($from: $PG_BIN)"
}

# pg_user_ready: as root, make sure PG_USER exists, creating the usual 'postgres' system user if not.
pg_user_ready() {
  is_root || return 0
  command -v runuser >/dev/null 2>&1 || die "running as root needs runuser (util-linux) to start PostgreSQL as $PG_USER"
  id "$PG_USER" >/dev/null 2>&1 && return 0
  [ "$PG_USER" = postgres ] && command -v useradd >/dev/null 2>&1 \
    || die "running as root needs a non-root user to run PostgreSQL (initdb refuses root): create user $PG_USER or set PG_USER"
  say "running as root: creating the system user 'postgres' to run PostgreSQL (initdb refuses root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
}

# as_pg CMD...: run a server command; as root, as PG_USER (cd /: the checkout may be private).
as_pg() {
  if is_root; then (cd / && runuser -u "$PG_USER" -- "$@"); else "$@"; fi
}

# pg_reach DIR: as root, when PG_USER cannot run PG_BIN (a checkout under a private home directory),
# copy the server (bin, lib, share) into DIR/pg and use the copy. DIR must be PG_USER's.
pg_reach() {
  is_root || return 0
  pg_user_ready
  as_pg "$PG_BIN/postgres" --version >/dev/null 2>&1 && return 0
  if ! { [ -x "$1/pg/bin/postgres" ] && [ "$(pg_version "$1/pg/bin")" = "$(pg_version "$PG_BIN")" ]; }; then
    say "user $PG_USER cannot read $PG_BIN: copying the server to $1/pg"
    rm -rf "$1/pg"
    cp -R "$(dirname "$PG_BIN")" "$1/pg"
    chmod -R a+rX "$1/pg"
  fi
  PG_BIN=$1/pg/bin
  as_pg "$PG_BIN/postgres" --version >/dev/null || die "user $PG_USER cannot run $PG_BIN/postgres"
}

# pg_locale: C.UTF-8 where the system has it (Linux), else en_US.UTF-8 (which macOS has).
pg_locale() {
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then echo C.UTF-8; else echo en_US.UTF-8; fi
}

# pg_init DIR [CONF_LINE...]: new cluster in DIR/data (DIR must exist and belong to the server user),
# listening on 127.0.0.1 only (no Unix socket), trust auth for 127.0.0.1 only.
pg_init() {
  local dir=$1 line; shift
  as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale="$(pg_locale)" --no-sync \
    --no-instructions >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  {
    printf '\n# Groundwork: local cluster\n'
    printf "listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
    for line in "$@"; do printf '%s\n' "$line"; done
  } | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
  printf '# TYPE DATABASE USER ADDRESS METHOD\nhost all all 127.0.0.1/32 trust\n' \
    | as_pg tee "$dir/data/pg_hba.conf" >/dev/null
}

# pg_create_db DIR NAME: create database NAME in the stopped cluster (single-user mode: no psql needed).
pg_create_db() {
  printf 'CREATE DATABASE %s;\n' "$2" \
    | as_pg "$PG_BIN/postgres" --single -D "$1/data" -c exit_on_error=true postgres >"$1/single.log" 2>&1 \
    || { cat "$1/single.log" >&2; die "could not create database $2"; }
}

# pg_start DIR PORT: start the cluster and wait; show the server log on failure.
pg_start() {
  if ! as_pg "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 30 -o "-p $2" start >/dev/null; then
    tail -n 20 "$1/server.log" >&2 || true
    return 1
  fi
}

# pg_pid DIR: print the pid of the cluster's running server, or fail. Needs no server binaries, so
# it also sees a cluster of another major version.
pg_pid() {
  local pid
  pid=$(head -n 1 "$1/data/postmaster.pid" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# pg_stop DIR [SIGNAL]: stop the cluster's server (INT: fast shutdown, the default; QUIT: immediate).
pg_stop() {
  local pid i
  pid=$(pg_pid "$1") || return 0
  kill -"${2:-INT}" "$pid" 2>/dev/null || return 0
  for i in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  die "PostgreSQL (pid $pid, $1/data) did not stop within 30 s"
}

# The throwaway cluster of `make test` and `make bench`: a temp dir, a random port, no fsync.
#   test_db_init [CONF_LINE...]   create it (TEST_PG_DIR); pg_create_db "$TEST_PG_DIR" NAME may follow
#   test_db_up                    start it; exports TEST_DATABASE_URL (database postgres)
#   test_db_stop                  stop and delete it; safe to call more than once
TEST_PG_DIR=
test_db_init() {
  pg_find
  TEST_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/groundwork-pgtest.XXXXXX")
  if is_root; then pg_user_ready; chown "$PG_USER:" "$TEST_PG_DIR"; fi
  pg_reach "$TEST_PG_DIR"
  pg_init "$TEST_PG_DIR" "fsync = off" "synchronous_commit = off" "full_page_writes = off" "max_connections = 200" "$@"
}
test_db_up() {
  local port try
  for try in 1 2 3; do
    port=$(free_port)
    if pg_start "$TEST_PG_DIR" "$port"; then
      export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
      say "throwaway PostgreSQL on 127.0.0.1:$port ($TEST_PG_DIR)"
      return 0
    fi
  done
  die "could not start the throwaway PostgreSQL"
}
test_db_stop() {
  [ -n "$TEST_PG_DIR" ] || return 0
  pg_stop "$TEST_PG_DIR" QUIT || true
  rm -rf "$TEST_PG_DIR"
  say "throwaway PostgreSQL stopped and deleted"
  TEST_PG_DIR=
}
