#!/bin/sh
# Run once by the postgres image's entrypoint (docker-entrypoint-initdb.d), when the scratch
# server's data directory is created: the role restore verification logs in as. It may log in and
# create databases, and nothing more (docs/database.md, section 3: a backup's SQL runs as this user).
# The password is read from the file in SBTC_VERIFIER_PASSWORD_FILE by psql itself, so it appears on
# no command line and in no environment. Used by deploy/compose and deploy/kubernetes alike.
set -eu
: "${SBTC_VERIFIER_PASSWORD_FILE:?}"
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" <<'SQL'
\set verifier_password `cat "$SBTC_VERIFIER_PASSWORD_FILE"`
CREATE ROLE sbtc_verifier LOGIN CREATEDB PASSWORD :'verifier_password';
SQL
