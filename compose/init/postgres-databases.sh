#!/bin/sh
# Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d): the
# edge's login `cameleer`, owner of the database `cameleer`, and Logto's `logto`, owner of `logto`.
# `cameleer_app` is made here, NOLOGIN, so the edge's migrations find it and `cameleer` may act as
# it without being a superuser (docs/configuration.md#using-a-postgresql-server). Logto's seed
# makes a role of its own per tenant (logto_tenant_logto), hence CREATEROLE and nothing more.
# Neither login may connect to the other's database.
set -eu

secrets=${CAMELEER_SECRETS_DIR:-/secrets/postgres}
cameleer_password=$(head -n 1 "$secrets/cameleer-password")
logto_password=$(head -n 1 "$secrets/logto-password")

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v cameleer_password="$cameleer_password" -v logto_password="$logto_password" <<'SQL'
CREATE ROLE cameleer LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'cameleer_password';
CREATE ROLE cameleer_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
GRANT cameleer_app TO cameleer;
CREATE DATABASE cameleer OWNER cameleer;
CREATE ROLE logto LOGIN NOSUPERUSER NOCREATEDB CREATEROLE PASSWORD :'logto_password';
CREATE DATABASE logto OWNER logto;
REVOKE CONNECT ON DATABASE cameleer FROM PUBLIC;
REVOKE CONNECT ON DATABASE logto FROM PUBLIC;
SQL
