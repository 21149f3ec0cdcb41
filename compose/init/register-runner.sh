#!/bin/sh
# One-shot, after the edge is healthy: when the runner's state volume holds no identity yet, asks
# the edge for a one-time registration token (with the admin token the init step made) and leaves
# it where only the runner reads it. A registered runner needs none, so nothing is asked then.
#
#   EDGE_URL          the edge inside the stack (default http://edge:8080)
#   RUNNER_STATE_DIR  the runner's state volume, mounted read-only (default /runner-state)
#   RUNNER_ENVIRONMENTS  comma-separated environments of the default tenant it serves (default dev)
set -eu

EDGE_URL=${EDGE_URL:-http://edge:8080}
RUNNER_STATE_DIR=${RUNNER_STATE_DIR:-/runner-state}
RUNNER_ENVIRONMENTS=${RUNNER_ENVIRONMENTS:-dev}
SECRETS_DIR=${SECRETS_DIR:-/secrets}
RUNNER_UID=${RUNNER_UID:-0}
token_file="$SECRETS_DIR/runner/registration-token"

if [ -f "$RUNNER_STATE_DIR/identity.json" ]; then
  rm -f "$token_file"
  echo "register-runner: the runner is registered already"
  exit 0
fi

umask 077
# The script is JavaScript, its variables come through the environment: nothing for the shell to expand.
# shellcheck disable=SC2016
EDGE_URL="$EDGE_URL" RUNNER_ENVIRONMENTS="$RUNNER_ENVIRONMENTS" \
  ADMIN_TOKEN_FILE="$SECRETS_DIR/edge/admin-token" TOKEN_FILE="$token_file" node --input-type=module -e '
import { readFileSync, writeFileSync } from "node:fs";
const admin = readFileSync(process.env.ADMIN_TOKEN_FILE, "utf8").trim();
const environments = process.env.RUNNER_ENVIRONMENTS.split(",").map((e) => e.trim()).filter(Boolean);
const res = await fetch(`${process.env.EDGE_URL}/api/tenants/default/runner-tokens`, {
  method: "POST",
  headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
  body: JSON.stringify({ environments }),
});
if (!res.ok) {
  console.error(`register-runner: the edge answered ${res.status}: ${await res.text()}`);
  process.exit(1);
}
const { token } = await res.json();
writeFileSync(process.env.TOKEN_FILE, `${token}\n`, { mode: 0o600 });
'
chown "$RUNNER_UID" "$token_file"
echo "register-runner: a registration token for environments $RUNNER_ENVIRONMENTS is ready"
