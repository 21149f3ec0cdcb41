# Installs Debian's docker-compose (1.29) when missing, for the Compose stack's tests: they run
# `docker-compose config` and read the Compose Specification's JSON schema from its package.
# Sourced by scripts/test.sh for `ensure_compose`; shellcheck comes with `ensure_go`.
COMPOSE_SPEC=/usr/lib/python3/dist-packages/compose/config/compose_spec.json

ensure_compose() {
  if ! command -v docker-compose >/dev/null || [ ! -f "$COMPOSE_SPEC" ]; then
    echo "test: installing docker-compose" >&2
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
    fi
  fi
}
