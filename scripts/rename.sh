#!/usr/bin/env bash
# make rename MODULE=github.com/you/yourapp: set the Go module path and rewrite every file that
# names the old one (imports, docs, configs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib.sh

new=${1:-}
old=$(sed -n 's/^module[[:space:]]*//p' go.mod | tr -d '\r')
[ -n "$new" ] || die "usage: make rename MODULE=github.com/you/yourapp"
[ -n "$old" ] || die "no module line in go.mod"
[ "$new" != "$old" ] || die "the module path is already $old"
[[ $new =~ ^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9._~-]+)*$ ]] \
  || die "'$new' is not a module path (letters, digits and . _ ~ - between slashes)"
"$GO" mod edit -module "$new"
old_re=$(printf '%s' "$old" | sed 's/[.]/\\./g')
n=0
while IFS= read -r -d '' f; do
  sed -i.rename-bak -e "s|$old_re|$new|g" "$f" && rm -f "$f.rename-bak"
  say "rewrote ${f#./}"
  n=$((n + 1))
done < <(grep -rIlF --null --exclude-dir=.git --exclude-dir=node_modules --exclude-dir=tmp -- "$old" . || true)
say "module $old -> $new (go.mod and $n other files); check with: go build ./... && git diff --stat"
