#!/usr/bin/env bash
# Regenerate the templ code (go tool templ generate) only when a .templ file is newer than its
# generated *_templ.go. The generated files are committed, so a fresh clone starts without compiling
# templ: air runs this before each build (.air.toml). `make generate` always regenerates.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
stale=()
while IFS= read -r -d '' f; do
  out=${f%.templ}_templ.go
  if [ ! -f "$out" ] || [ "$f" -nt "$out" ]; then stale+=("$out"); fi
done < <(find . \( -path ./tmp -o -path ./.git -o -name node_modules \) -prune -o -name '*.templ' -print0)
[ ${#stale[@]} -gt 0 ] || exit 0
"${GO:-go}" tool templ generate
# templ leaves unchanged output alone; touch it so that the same .templ does not count as stale again.
touch "${stale[@]}"
