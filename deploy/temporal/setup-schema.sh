#!/bin/sh
# Temporal's persistence and visibility schemas on PostgreSQL (temporalio/admin-tools image).
# Safe to run on every start: an existing database is kept, setup-schema skips a schema that is
# already past v0.0, and update-schema applies only the versions that are missing.
# Env: POSTGRES_SEEDS (host), POSTGRES_USER, SQL_PASSWORD (read by temporal-sql-tool), DB_PORT.
set -eu
: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
port="${DB_PORT:-5432}"
schema_root=/etc/temporal/schema/postgresql/v12

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"
}

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) dir="$schema_root/temporal/versioned" ;;
    *) dir="$schema_root/visibility/versioned" ;;
  esac
  # `create` fails when the database exists; any other failure shows up in setup-schema below.
  if sql --db "$db" create >/dev/null 2>&1; then
    echo "created database $db"
  else
    echo "database $db exists (or could not be created: setup-schema will say)"
  fi
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$dir"
done
echo "Temporal schema is up to date"
