#!/bin/sh
# The runner image's start: with no identity in the state volume yet, register with
# CAMELEER_EDGE_URL and the one-time CAMELEER_REGISTRATION_TOKEN; then run in the foreground.
# Any arguments run the CLI instead (`docker run … cameleer-runner status`).
set -e
if [ "$#" -gt 0 ]; then exec cameleer-runner "$@"; fi
state="${CAMELEER_STATE_DIR:-/var/lib/cameleer-runner}"
if [ ! -f "$state/identity.json" ]; then
  if [ -z "${CAMELEER_EDGE_URL:-}" ] || [ -z "${CAMELEER_REGISTRATION_TOKEN:-}" ]; then
    echo "cameleer-runner: $state holds no identity: set CAMELEER_EDGE_URL and CAMELEER_REGISTRATION_TOKEN (created in the console) to register" >&2
    exit 1
  fi
  if [ -n "${CAMELEER_RUNNER_NAME:-}" ]; then
    cameleer-runner register --url "$CAMELEER_EDGE_URL" --token "$CAMELEER_REGISTRATION_TOKEN" --name "$CAMELEER_RUNNER_NAME"
  else
    cameleer-runner register --url "$CAMELEER_EDGE_URL" --token "$CAMELEER_REGISTRATION_TOKEN"
  fi
fi
exec cameleer-runner start
