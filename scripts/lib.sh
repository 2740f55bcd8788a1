# Shared helpers for the scripts in this folder. Sourced, never run; every script runs from the
# repository root with `set -euo pipefail`. Kept to bash 3.2 (macOS's /bin/bash).

say()  { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

GO=${GO:-go}
NPM=${NPM:-npm}
DEV_DB_PORT=${DEV_DB_PORT:-5433}
DEV_DB_NAME=${DEV_DB_NAME:-groundwork}
# The development build's compiler flags: no optimisation, no inlining (a cold build takes about three
# quarters of the CPU time, and a debugger can step through the binary). .air.toml's build command
# repeats them. Everything `make dev` compiles (scripts/dotenv, the app, air) uses them, so no package
# of the standard library is compiled twice.
DEV_GCFLAGS='all=-N -l'

# load_env: export the variables of ./.env that the environment does not already set. The file is
# parsed by github.com/joho/godotenv (scripts/dotenv), the same KEY=value format Docker Compose reads.
load_env() {
  local exports
  [ -f .env ] || return 0
  exports=$("$GO" run -gcflags="$DEV_GCFLAGS" ./scripts/dotenv .env) || die "could not read .env"
  eval "$exports"
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

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  local p i
  for i in $(seq 100); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free TCP port found"
}
