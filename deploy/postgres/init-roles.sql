-- One PostgreSQL role per service, each owning only its own schema (see deploy/README.md).
--
-- Run as a superuser (or a role with CREATEROLE that owns the database), connected to the
-- platform's database, with each service's password set first in the same session:
--
--   SELECT set_config('appointments.gateway_password', '…', false);   -- and scheduling_,
--   -- dispatch_, inbound_, reminders_password (16 characters or more each)
--   \i deploy/postgres/init-roles.sql
--
-- deploy/postgres/init-roles.sh does exactly that from environment variables (it is what
-- docker-compose.yml runs on a fresh data volume). Safe to run again: existing roles get the
-- password given, existing schemas and what is in them are handed to their service's role
-- (the way to move an installation whose tables the superuser made), nothing is dropped.
--
-- Optional: `appointments.role_prefix` (default `appointments_`) names the roles
-- <prefix>gateway, <prefix>scheduling, <prefix>dispatch, <prefix>inbound, <prefix>reminders.
DO $$
DECLARE
  prefix text := coalesce(nullif(current_setting('appointments.role_prefix', true), ''), 'appointments_');
  service record;
  role_name text;
  password text;
  object record;
BEGIN
  -- Nobody but the roles granted below (and superusers) may connect to this database or make
  -- temporary tables in it; nobody may create anything in `public` (already so since PostgreSQL 15).
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
  REVOKE CREATE ON SCHEMA public FROM PUBLIC;

  FOR service IN
    SELECT * FROM (VALUES
      ('gateway', 'gateway'),
      ('scheduling', 'scheduling'),
      ('dispatch', 'notification_dispatch'),
      ('inbound', 'inbound_response'),
      ('reminders', 'reminder_scheduler')
    ) AS services (name, schema)
  LOOP
    role_name := prefix || service.name;
    password := current_setting('appointments.' || service.name || '_password', true);
    IF password IS NULL OR length(password) < 16 THEN
      -- Names the setting, never its value.
      RAISE EXCEPTION 'appointments.%_password must be set to a password of 16 characters or more', service.name;
    END IF;

    IF EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
      EXECUTE format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', role_name, password);
    ELSE
      EXECUTE format('CREATE ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD %L', role_name, password);
    END IF;
    -- CONNECT only: not CREATE (no new schemas), not TEMPORARY.
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), role_name);

    -- The schema is made here, owned by the service's role: its migrations create the tables in it.
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', service.schema, role_name);
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', service.schema, role_name);
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', service.schema);

    -- An installation whose tables were made by another role (the superuser, before this script):
    -- hand them over. Sequences of serial columns follow their table.
    FOR object IN
      SELECT c.relname, c.relkind
      FROM pg_class c
      WHERE c.relnamespace = service.schema::regnamespace
        AND c.relowner <> role_name::regrole::oid
        AND (c.relkind IN ('r', 'p', 'v', 'm')
             OR (c.relkind = 'S' AND NOT EXISTS (
                   SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))))
    LOOP
      EXECUTE format('ALTER %s %I.%I OWNER TO %I',
        CASE object.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
        service.schema, object.relname, role_name);
    END LOOP;
  END LOOP;
END
$$;
