#!/bin/sh
# Creates the secret files the compose stack mounts at /run/secrets/NAME (docker-compose.yml,
# deploy/docker-compose.prod.yml), with fresh random values. Existing files are kept, so it is safe to
# run again. deploy/secrets/ is git-ignored: back its files up somewhere safe, never commit them.
#
#   deploy/init-secrets.sh                               development and production secrets
#   SMTP_URL='smtps://user:pass@smtp.example.com:465' deploy/init-secrets.sh   also writes smtp_url
#
# The files are world-readable (0644) inside a directory only you can enter (0700): Compose bind-mounts
# them as they are, and the containers read them as their own non-root users (65532 for the app, 999
# for PostgreSQL, 100 for curl).
set -eu

dir=$(cd "$(dirname "$0")" && pwd)/secrets
mkdir -p "$dir"
chmod 700 "$dir"

# random N: N random bytes, base64url without padding (safe in a URL: the password goes into database_url).
random() { head -c "$1" /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_'; }

# put NAME VALUE: write the secret unless it already exists.
put() {
	if [ -s "$dir/$1" ]; then
		echo "kept    deploy/secrets/$1"
	else
		(umask 022 && printf '%s' "$2" >"$dir/$1.tmp") && mv "$dir/$1.tmp" "$dir/$1"
		chmod 644 "$dir/$1"
		echo "created deploy/secrets/$1"
	fi
}

put secret_key "$(random 32)"
put postgres_password "$(random 24)"
# The app's database URL carries the same password (ignored by the development database, which uses
# trust authentication; required by the production one).
put database_url "postgres://postgres:$(cat "$dir/postgres_password")@db:5432/groundwork?sslmode=disable"
put s3_access_key "groundwork-$(random 6)"
put s3_secret_key "$(random 30)"
if [ -n "${SMTP_URL:-}" ]; then
	put smtp_url "$SMTP_URL"
elif [ ! -s "$dir/smtp_url" ]; then
	echo "missing deploy/secrets/smtp_url: production needs it (SMTP_URL=smtps://user:pass@host:465 $0)"
fi
