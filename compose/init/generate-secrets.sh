#!/bin/sh
# The Compose stack's one-shot init step: makes every secret the stack needs, once. Each file is
# mode 0600 and owned by the one service that reads it; a file that exists is kept, so running
# this again (every `docker compose up`) changes nothing and a restored backup stays valid.
#
#   SECRETS_DIR    where the secrets go, one folder per reader (default /secrets)
#   EDGE_DATA_DIR  the edge's data directory; its signing keys go to keys/ there (default /edge-data)
#   EDGE_UID, POSTGRES_UID, LOGTO_UID, CLICKHOUSE_UID, RUNNER_UID
#                  the user each reader runs as (defaults: 10001, 70, 0, 0, 0)
#   POSTGRES_HOST, POSTGRES_PORT, CLICKHOUSE_DB   where the URLs point (postgres, 5432)
set -eu
umask 077

SECRETS_DIR=${SECRETS_DIR:-/secrets}
EDGE_DATA_DIR=${EDGE_DATA_DIR:-/edge-data}
EDGE_UID=${EDGE_UID:-10001}
POSTGRES_UID=${POSTGRES_UID:-70}
LOGTO_UID=${LOGTO_UID:-0}
CLICKHOUSE_UID=${CLICKHOUSE_UID:-0}
RUNNER_UID=${RUNNER_UID:-0}
POSTGRES_HOST=${POSTGRES_HOST:-postgres}
POSTGRES_PORT=${POSTGRES_PORT:-5432}
made=0
kept=0

# 32 random bytes as base64url without padding: safe in URLs, env files and shells.
random_secret() {
  head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

# A private Ed25519 JWK, as the edge makes its own key files (node is in the edge image).
ed25519_jwk() {
  node -e "process.stdout.write(JSON.stringify(require('node:crypto').generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })))"
}

# owner_of DIR UID: the folder exists, is the reader's and nobody else's.
owner_of() {
  mkdir -p "$1"
  chown "$2" "$1"
  chmod 700 "$1"
}

# put FILE UID VALUE: writes VALUE once; an existing FILE is kept, only its owner and mode are fixed.
put() {
  if [ -s "$1" ]; then
    kept=$((kept + 1))
  else
    printf '%s\n' "$3" > "$1.tmp"
    mv "$1.tmp" "$1"
    made=$((made + 1))
  fi
  chown "$2" "$1"
  chmod 600 "$1"
}

# keyring KIND: a first KIND-<date>.jwk unless the ring has keys already (rotated, it has several).
keyring() {
  if [ -n "$(find "$keys" -name "$1-*.jwk" -print -quit)" ]; then
    kept=$((kept + 1))
    find "$keys" -name "$1-*.jwk" -exec chown "$EDGE_UID" {} + -exec chmod 600 {} +
  else
    put "$keys/$1-$today.jwk" "$EDGE_UID" "$(ed25519_jwk)"
  fi
}

# read_secret FILE: a secret written earlier, for the URLs that embed it.
read_secret() {
  head -n 1 "$1"
}

owner_of "$SECRETS_DIR/postgres" "$POSTGRES_UID"
owner_of "$SECRETS_DIR/edge" "$EDGE_UID"
owner_of "$SECRETS_DIR/logto" "$LOGTO_UID"
owner_of "$SECRETS_DIR/clickhouse" "$CLICKHOUSE_UID"
owner_of "$SECRETS_DIR/runner" "$RUNNER_UID"
chmod 755 "$SECRETS_DIR"

# PostgreSQL: the superuser, the edge's login (owner of the cameleer database) and Logto's.
put "$SECRETS_DIR/postgres/superuser-password" "$POSTGRES_UID" "$(random_secret)"
put "$SECRETS_DIR/postgres/cameleer-password" "$POSTGRES_UID" "$(random_secret)"
put "$SECRETS_DIR/postgres/logto-password" "$POSTGRES_UID" "$(random_secret)"
cameleer_password=$(read_secret "$SECRETS_DIR/postgres/cameleer-password")
logto_password=$(read_secret "$SECRETS_DIR/postgres/logto-password")
put "$SECRETS_DIR/edge/database-url" "$EDGE_UID" \
  "postgres://cameleer:$cameleer_password@$POSTGRES_HOST:$POSTGRES_PORT/cameleer"
put "$SECRETS_DIR/logto/database-url" "$LOGTO_UID" \
  "postgres://logto:$logto_password@$POSTGRES_HOST:$POSTGRES_PORT/logto"

# ClickHouse: one password, a copy for each reader.
put "$SECRETS_DIR/clickhouse/password" "$CLICKHOUSE_UID" "$(random_secret)"
clickhouse_password=$(read_secret "$SECRETS_DIR/clickhouse/password")
put "$SECRETS_DIR/edge/clickhouse-password" "$EDGE_UID" "$clickhouse_password"
put "$SECRETS_DIR/runner/clickhouse-password" "$RUNNER_UID" "$clickhouse_password"

# The edge's admin API token (platform admin, owner of the default tenant): registers the runner.
put "$SECRETS_DIR/edge/admin-token" "$EDGE_UID" "cmr_admin_$(random_secret)"

# The edge's keys, under the names it would make itself (docs/operations.md#keys), so rotation
# works as documented there: a newer command-*.jwk or licence-*.jwk beside the old one.
keys="$EDGE_DATA_DIR/keys"
owner_of "$EDGE_DATA_DIR" "$EDGE_UID"
chmod 750 "$EDGE_DATA_DIR"
owner_of "$keys" "$EDGE_UID"
today=$(date -u +%Y-%m-%d)
put "$keys/session.jwk" "$EDGE_UID" "$(ed25519_jwk)"
keyring command
keyring licence
put "$keys/artifact-url.key" "$EDGE_UID" "$(random_secret)"
put "$keys/secrets.key" "$EDGE_UID" "$(random_secret)"

echo "init: $made secret(s) made, $kept kept, in $SECRETS_DIR and $keys"
