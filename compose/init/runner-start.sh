#!/bin/sh
# The runner's entrypoint in the stack: registers once with the token register-runner left, then
# runs. A restarted container finds its identity in the state volume and does not register again.
set -eu

STATE_DIR=${CAMELEER_STATE_DIR:-/var/lib/cameleer-runner}
SECRETS_DIR=${SECRETS_DIR:-/secrets/runner}
EDGE_URL=${EDGE_URL:-http://edge:8080}

CAMELEER_CLICKHOUSE_PASSWORD=$(head -n 1 "$SECRETS_DIR/clickhouse-password")
export CAMELEER_CLICKHOUSE_PASSWORD

if [ ! -f "$STATE_DIR/identity.json" ]; then
  cameleer-runner register --url "$EDGE_URL" --name "${CAMELEER_RUNNER_NAME:-compose}" \
    --token "$(head -n 1 "$SECRETS_DIR/registration-token")"
fi
exec cameleer-runner start
