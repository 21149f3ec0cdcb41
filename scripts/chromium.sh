# Installs Debian's chromium (when missing) for the console's browser tests and the Lighthouse bench.
# Sourced by scripts/test.sh for `ensure_chromium`. `npx playwright install` cannot download here.
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

ensure_chromium() {
  [ -x "$CHROMIUM" ] && return 0
  echo "test: installing chromium" >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
}
