# Installs Debian's Go with sprig (for the chart's renderer, charts/test/render) and shellcheck (for
# the appliance installer) when missing. Sourced by scripts/test.sh for `ensure_go`; the renderer
# builds offline in GOPATH mode against Debian's Go sources, see `go_env`.
GO=${GO:-/usr/bin/go}
GO_SOURCES=/usr/share/gocode
SHELLCHECK=${SHELLCHECK:-/usr/bin/shellcheck}

apt_install() {
  echo "test: installing $*" >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

ensure_go() {
  if [ ! -x "$GO" ] || [ ! -d "$GO_SOURCES/src/github.com/Masterminds/sprig" ] || [ ! -d "$GO_SOURCES/src/gopkg.in/yaml.v3" ]; then
    apt_install golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v2-dev golang-gopkg-yaml.v3-dev
  fi
  ensure_shellcheck
}

ensure_shellcheck() {
  [ -x "$SHELLCHECK" ] || apt_install shellcheck
}
