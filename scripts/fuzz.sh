#!/usr/bin/env bash
# make fuzz: run every Go fuzz target (func FuzzX in a *_test.go file) for FUZZTIME each (the Makefile's
# default is a count of inputs: see there why not a duration).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib.sh

n=0
while IFS=: read -r file target; do
  pkg=./$(dirname "$file")
  say "fuzzing $target in $pkg for ${FUZZTIME:-50000x}"
  "$GO" test -run='^$' -fuzz="^$target\$" -fuzztime="${FUZZTIME:-50000x}" "$pkg"
  n=$((n + 1))
done < <(grep -rHo --include='*_test.go' --exclude-dir=node_modules --exclude-dir=tmp '^func Fuzz[A-Za-z0-9_]*' . \
  | sed -e 's|^\./||' -e 's|:func |:|' | LC_ALL=C sort)
[ "$n" -gt 0 ] || die "no fuzz targets found"
say "$n fuzz targets passed"
