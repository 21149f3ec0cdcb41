# Installs Debian's systemd package (when missing) for `systemd-analyze verify` of the runner's unit
# (runner/src/service/systemd-unit.test.ts). Nothing is started: systemd need not be PID 1 for it.
# Sourced by scripts/test.sh for `ensure_systemd_analyze`.
ensure_systemd_analyze() {
  command -v systemd-analyze >/dev/null && return 0
  echo "test: installing systemd (for systemd-analyze)" >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null
  fi
}
