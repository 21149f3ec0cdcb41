#!/bin/sh
# Starts the edge from its bundle. The image has no embedded ClickHouse (chDB): without
# CAMELEER_CLICKHOUSE_URL telemetry is switched off rather than failing the start, and said so.
set -e
if [ -z "${CAMELEER_CLICKHOUSE_URL:-}" ]; then
  case "${CAMELEER_TELEMETRY:-}" in
    true | 1)
      echo "cameleer-edge: CAMELEER_TELEMETRY is on but CAMELEER_CLICKHOUSE_URL is not set; this image has no embedded ClickHouse" >&2
      exit 1
      ;;
  esac
  echo "cameleer-edge: CAMELEER_CLICKHOUSE_URL is not set: logs, traces and metrics are not stored" >&2
  export CAMELEER_TELEMETRY=false
fi
exec node --enable-source-maps /app/edge/dist/node/edge.mjs "$@"
