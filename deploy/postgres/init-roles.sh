#!/usr/bin/env bash
# Makes the services' PostgreSQL roles, each owning only its schema (deploy/postgres/init-roles.sql),
# with their passwords from the environment: GATEWAY_DB_PASSWORD, SCHEDULING_DB_PASSWORD,
# DISPATCH_DB_PASSWORD, INBOUND_DB_PASSWORD, REMINDERS_DB_PASSWORD (16 characters or more each).
# DB_ROLE_PREFIX (default appointments_) names the roles <prefix>gateway, <prefix>scheduling, …
#
# docker-compose.yml mounts it into /docker-entrypoint-initdb.d, so that it runs on the first
# start of an empty data volume. Run it again to change the passwords, or to move an existing
# single-user installation to per-service roles:
#
#   docker compose exec postgres /docker-entrypoint-initdb.d/10-init-roles.sh
#
# Elsewhere, as a superuser of the server: PGHOST=… PGUSER=… PGDATABASE=appointments deploy/postgres/init-roles.sh
(
  set -euo pipefail
  here="$(dirname "${BASH_SOURCE[0]}")"
  sql="${INIT_ROLES_SQL:-}"
  if [[ -z "$sql" ]]; then
    if [[ -f /deploy/postgres/init-roles.sql ]]; then sql=/deploy/postgres/init-roles.sql; else sql="$here/init-roles.sql"; fi
  fi
  # The passwords reach PostgreSQL as session settings (SET, never logged unless log_statement
  # is 'all'), not on a command line; init-roles.sql checks them and names a missing one.
  psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet \
    --username "${POSTGRES_USER:-${PGUSER:-postgres}}" \
    --dbname "${POSTGRES_DB:-${PGDATABASE:-appointments}}" \
    -v gateway_password="${GATEWAY_DB_PASSWORD:-}" \
    -v scheduling_password="${SCHEDULING_DB_PASSWORD:-}" \
    -v dispatch_password="${DISPATCH_DB_PASSWORD:-}" \
    -v inbound_password="${INBOUND_DB_PASSWORD:-}" \
    -v reminders_password="${REMINDERS_DB_PASSWORD:-}" \
    -v role_prefix="${DB_ROLE_PREFIX:-appointments_}" \
    -v init_roles_sql="$sql" <<'SQL'
SET appointments.role_prefix = :'role_prefix';
SET appointments.gateway_password = :'gateway_password';
SET appointments.scheduling_password = :'scheduling_password';
SET appointments.dispatch_password = :'dispatch_password';
SET appointments.inbound_password = :'inbound_password';
SET appointments.reminders_password = :'reminders_password';
\i :init_roles_sql
SQL
  echo "init-roles: the services' roles own their schemas (deploy/postgres/init-roles.sql)"
)
