#!/usr/bin/env bash
# make bench: build the baselines and the bench runner, start a throwaway PostgreSQL with
# pg_stat_statements and a `bench` database, and run bench/run against bin/app (built by make).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib.sh
. scripts/pg.sh

"$GO" build -trimpath -ldflags "-s -w" -o bin/baseline ./bench/baseline
"$GO" build -trimpath -o bin/bench ./bench/run
trap test_db_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
test_db_init "shared_preload_libraries = 'pg_stat_statements'"
pg_create_db "$TEST_PG_DIR" bench
test_db_up
# Parsed by the shell, as when the Makefile pasted them into the recipe: quotes work (-run='A|B').
eval "flags=(${BENCHFLAGS:-})"
DATABASE_URL=$(sed 's#/postgres?#/bench?#' <<<"$TEST_DATABASE_URL") \
  bin/bench -app bin/app -baseline bin/baseline ${flags[@]+"${flags[@]}"}
