# Installs (when missing) and starts the machine's Docker engine for the tests.
# Sourced by scripts/test.sh for `ensure_docker`; also a command, so tests can
# restart the engine: `bash scripts/docker.sh start|stop|restart`.
DOCKERD_LOG=${DOCKERD_LOG:-/tmp/cameleer-dockerd.log}
DOCKER_SOCKET=${DOCKER_SOCKET:-/var/run/docker.sock}

_docker_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

docker_ping() {
  curl -sf --max-time 2 --unix-socket "$DOCKER_SOCKET" http://localhost/_ping >/dev/null 2>&1
}

# busybox-static is not the engine's, but the tests' base images are made from it.
ensure_docker_installed() {
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v busybox >/dev/null 2>&1; then
    echo "test: installing docker.io and busybox-static" >&2
    _docker_sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive _docker_sudo apt-get install -y -qq docker.io busybox-static >/dev/null
  fi
}

start_dockerd() {
  docker_ping && return 0
  echo "test: starting dockerd" >&2
  # setsid: the engine outlives the shell that started it, and a test's kill never reaches it by group.
  _docker_sudo setsid dockerd --host "unix://$DOCKER_SOCKET" >>"$DOCKERD_LOG" 2>&1 </dev/null &
  for _ in $(seq 1 150); do
    docker_ping && return 0
    sleep 0.2
  done
  echo "test: dockerd did not answer on $DOCKER_SOCKET within 30 s; last log lines:" >&2
  tail -n 20 "$DOCKERD_LOG" >&2
  return 1
}

# Stops the engine by the pid file dockerd writes itself; containers with a
# restart policy come back on the next start.
stop_dockerd() {
  local pid
  pid=$(cat /var/run/docker.pid 2>/dev/null || true)
  [ -n "$pid" ] || return 0
  _docker_sudo kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 150); do
    _docker_sudo kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
}

ensure_docker() {
  ensure_docker_installed
  start_dockerd
  export DOCKER_HOST="unix://$DOCKER_SOCKET"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-start}" in
    start) ensure_docker ;;
    stop) stop_dockerd ;;
    restart) stop_dockerd && start_dockerd ;;
    *) echo "usage: $0 start|stop|restart" >&2; exit 2 ;;
  esac
fi
