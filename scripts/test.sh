#!/usr/bin/env bash
# The one test command (`npm test`): starts what the tests need, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/postgres.sh
ensure_postgres
source scripts/docker.sh
ensure_docker
source scripts/chromium.sh
ensure_chromium
source scripts/go.sh
ensure_go
source scripts/compose.sh
ensure_compose
source scripts/systemd.sh
ensure_systemd_analyze

# Lint (import cycles included), type-check and check the boundaries first: a red check is a red run.
if [ "$#" -eq 0 ]; then
  npx biome check .
  npx tsc -p .
  npx tsc -p dashboard
  npm run -s boundaries
fi

export CAMELEER_TEST_PG_URL="postgres://cameleer_test:cameleer_test@127.0.0.1:${PGPORT:-5432}/postgres"
npx vitest run "$@"
