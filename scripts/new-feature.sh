#!/usr/bin/env bash
# new-feature.sh PLURAL SINGULAR: start a feature as a copy of internal/tasks (`make feature`).
#
# A mechanical copy with a rename (tasks → PLURAL, task → SINGULAR, in every case form), wired in the
# places the tasks feature is wired, so the new feature builds and its tests pass before you change it:
#   internal/PLURAL/               the package, its views and its tests
#   migrations/NNNNN_PLURAL.sql    its tables (the next migration number)
#   internal/app/features.go       built in newFeatures; its event log relayed (eventFeeds)
#   internal/app/routes.go         pages at /PLURAL, API at /api/v1/PLURAL, behind auth.RequireUser
#   internal/app/openapi.go        its part of the OpenAPI document
#   web/layout/layout.templ        a navigation link
#   web/static/css/app.css         a copy of the tasks styles
# Every line of those files that wires the tasks feature is repeated, renamed, right after it.
# internal/app/copyfeature_test.go's TestCopyFeature runs this script as the README's walk-through does.
set -euo pipefail

die() { printf 'new-feature: %s\n' "$*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: scripts/new-feature.sh PLURAL SINGULAR   (e.g. projects project)"
plural=$1 singular=$2
for n in "$plural" "$singular"; do
  [[ $n =~ ^[a-z][a-z0-9]*$ ]] || die "'$n' must be lower-case letters and digits, starting with a letter"
done
[ "$plural" != "$singular" ] || die "PLURAL and SINGULAR must differ"
case "$plural$singular" in *task*) die "the name must not contain 'task'" ;; esac
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -d internal/tasks ] || die "internal/tasks is gone: this script copies it"

# The names must be new: a package, a table or a route of the same name would collide.
[ ! -e "internal/$plural" ] || die "internal/$plural already exists"
if grep -rqiwE "TABLE ($plural|${singular}_events)" migrations; then die "migrations already create a table '$plural' or '${singular}_events'"; fi
if grep -rqF "\"/$plural\"" internal web --include='*.go' --include='*.templ'; then die "a route /$plural already exists"; fi

Plural="$(tr '[:lower:]' '[:upper:]' <<<"${plural:0:1}")${plural:1}"
Singular="$(tr '[:lower:]' '[:upper:]' <<<"${singular:0:1}")${singular:1}"
rename() { sed -e "s/tasks/$plural/g; s/Tasks/$Plural/g; s/task/$singular/g; s/Task/$Singular/g"; }

# 1. The package: every file renamed, generated templ code left to templ.
mkdir "internal/$plural"
for f in internal/tasks/*; do
  case "$f" in *_templ.go) continue ;; esac
  name=$(basename "$f" | rename)
  rename <"$f" >"internal/$plural/$name"
done

# 2. The migration: the next number, the tasks tables renamed.
last=$(ls migrations/[0-9]*_* | sed -E 's#.*/0*([0-9]+)_.*#\1#' | sort -n | tail -n1)
migration=$(printf 'migrations/%05d_%s.sql' $((last + 1)) "$plural")
rename <migrations/00003_tasks.sql >"$migration"

# 3. The wiring: each line that names the tasks feature, repeated for the new one.
wire() { # FILE REGEX
  awk -v re="$2" -v p="$plural" -v P="$Plural" -v s="$singular" -v S="$Singular" '
    { print }
    $0 ~ re && $0 !~ /^[[:space:]]*\/\// {
      gsub(/tasks/, p); gsub(/Tasks/, P); gsub(/task/, s); gsub(/Task/, S); print
    }' "$1" >"$1.new"
  mv "$1.new" "$1"
}
wire internal/app/features.go '(internal/tasks"|[[:space:]]tasks[[:space:]]*[:*]|f\.tasks\.EventFeed)'
wire internal/app/routes.go 'd\.tasks\.'
wire internal/app/openapi.go '(internal/tasks"|tasks\.OpenAPI)'
wire web/layout/layout.templ 'navLink\("/tasks"'
gofmt -w internal/app/features.go internal/app/routes.go internal/app/openapi.go

# 4. The styles: the tasks section of app.css, renamed, at the end.
awk '/^\/\* -+ tasks \*\/$/ { on = 1; print ""; print; next }
     on && /^\/\* -+ / { on = 0 }
     on' web/static/css/app.css | rename >>web/static/css/app.css

go tool templ generate -log-level error
cat <<MSG
new-feature: internal/$plural and $migration created; wired in internal/app and web/.
Next:
  UPDATE_GOLDEN=1 go test ./internal/app -run TestRouteTable   # accept the new routes
  make test
Then make it yours: change model.go, the migration, the views, the tests.
MSG
