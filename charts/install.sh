#!/usr/bin/env bash
# Cameleer single-node appliance: installs K3s on a blank Linux host and the cameleer-runner chart
# into it, then puts a `cameleer-runner` command on the host that runs the runner's CLI in its pod.
# Multi-node clusters are out of scope: use the Helm chart on your own cluster (docs/kubernetes.md).
#
#   sudo ./install.sh --role hub --token cmr_reg_… --edge-url https://cameleer.example.com [--dry-run]
set -euo pipefail

K3S_VERSION=${K3S_VERSION:-v1.31.4+k3s1}
NAMESPACE=cameleer
RELEASE=cameleer-runner
MANIFEST=/var/lib/rancher/k3s/server/manifests/cameleer-runner.yaml
HOST_CLI=/usr/local/bin/cameleer-runner
CHART_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/cameleer-runner"

role=""
token=${CAMELEER_REGISTRATION_TOKEN:-}
edge_url=${CAMELEER_EDGE_URL:-}
apps_domain=""
https_proxy_url=${HTTPS_PROXY:-}
no_proxy_list=${NO_PROXY:-}
image=""
chart_url=""
dry_run=false
step_count=0

usage() {
  cat <<'USAGE'
Usage: install.sh --role hub --token TOKEN --edge-url URL [options]

Installs K3s (pinned) and the Cameleer runner on this host, a single-node appliance.

  --role hub            the only role: this host runs K3s and the runner (multi-node is not supported)
  --token TOKEN         a one-time registration token (cmr_reg_…) from the console's Runners page
                        (or CAMELEER_REGISTRATION_TOKEN, which keeps it out of the shell history)
  --edge-url URL        the edge's URL, e.g. https://cameleer.example.com (or CAMELEER_EDGE_URL)
  --apps-domain DOMAIN  apps are served at {app}.{env}.{tenant}.DOMAIN (default: <host IP>.sslip.io)
  --https-proxy URL     an HTTPS proxy for K3s and the runner (default: HTTPS_PROXY)
  --no-proxy LIST       hosts reached without the proxy (default: NO_PROXY)
  --image REF           the runner's image instead of the chart's default
  --chart-url URL       a packaged chart (.tgz) to install instead of ./cameleer-runner beside this script
  --k3s-version VER     the K3s release to install (default: the pinned one)
  --dry-run             print every step and change nothing
  -h, --help            this help
USAGE
}

die() {
  echo "install.sh: $*" >&2
  exit 1
}

# One numbered step, printed in both modes so a dry run reads like the real one.
step() {
  step_count=$((step_count + 1))
  echo "==> [$step_count] $*"
}

# Runs a command, or prints it in a dry run.
run() {
  if $dry_run; then
    printf '+'
    printf ' %q' "$@"
    printf '\n'
  else
    "$@"
  fi
}

# Writes stdin to a file with a mode, or prints what would be written.
write_file() {
  local path=$1 mode=$2
  if $dry_run; then
    echo "+ write $path (mode $mode):"
    sed 's/^/|   /'
  else
    install -d -m 0755 "$(dirname "$path")"
    local tmp
    tmp=$(mktemp "$path.XXXXXX")
    cat >"$tmp"
    chmod "$mode" "$tmp"
    mv "$tmp" "$path"
  fi
}

parse_args() {
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --role) role=${2:-}; shift 2 ;;
      --token) token=${2:-}; shift 2 ;;
      --edge-url) edge_url=${2:-}; shift 2 ;;
      --apps-domain) apps_domain=${2:-}; shift 2 ;;
      --https-proxy) https_proxy_url=${2:-}; shift 2 ;;
      --no-proxy) no_proxy_list=${2:-}; shift 2 ;;
      --image) image=${2:-}; shift 2 ;;
      --chart-url) chart_url=${2:-}; shift 2 ;;
      --k3s-version) K3S_VERSION=${2:-}; shift 2 ;;
      --dry-run) dry_run=true; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; die "unknown option: $1" ;;
    esac
  done
  case "$role" in
    hub) ;;
    "") die "--role is required: --role hub" ;;
    *) die "--role $role is not supported: the appliance is a single node (--role hub); for more nodes use the Helm chart on your own cluster" ;;
  esac
  [[ "$token" == cmr_reg_* ]] || die "--token must be a registration token (cmr_reg_…) from the console's Runners page"
  [[ "$edge_url" =~ ^https?://[^[:space:]/]+ ]] || die "--edge-url must be the edge's URL, e.g. https://cameleer.example.com"
  [[ -z "$apps_domain" || "$apps_domain" =~ ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$ ]] || die "--apps-domain must be a DNS name, e.g. apps.example.com"
  [[ -z "$https_proxy_url" || "$https_proxy_url" =~ ^https?://[^[:space:]\"\\]+$ ]] || die "--https-proxy must be a URL, e.g. http://proxy.corp:3128"
  [[ "$no_proxy_list" =~ ^[^[:space:]\"\\]*$ ]] || die "--no-proxy must be a comma-separated list without spaces"
  [[ "$edge_url" =~ ^[^[:space:]\"\\]+$ ]] || die "--edge-url must not contain spaces, quotes or backslashes"
  if [ -n "$image" ]; then
    [[ "$image" =~ ^[a-z0-9][a-z0-9._/:-]*:[A-Za-z0-9._-]+$ && "${image##*:}" != */* ]] || die "--image must be repository:tag, e.g. registry.example.com/cameleer-runner:0.1.0"
  fi
  [[ "$K3S_VERSION" =~ ^v[0-9]+\.[0-9]+\.[0-9]+\+k3s[0-9]+$ ]] || die "--k3s-version must look like v1.31.4+k3s1"
  if [ -z "$chart_url" ] && [ ! -f "$CHART_DIR/Chart.yaml" ]; then
    die "no chart beside this script ($CHART_DIR): pass --chart-url with a packaged cameleer-runner chart"
  fi
}

check_host() {
  step "Check the host: Linux with systemd, amd64 or arm64, run as root"
  if $dry_run; then
    echo "+ test \"\$(uname -s)\" = Linux && test -d /run/systemd/system && test \"\$(id -u)\" = 0"
    return
  fi
  [ "$(uname -s)" = Linux ] || die "K3s needs Linux"
  [ -d /run/systemd/system ] || die "K3s' installer needs systemd"
  case "$(uname -m)" in x86_64 | aarch64 | arm64) ;; *) die "unsupported architecture $(uname -m)" ;; esac
  [ "$(id -u)" -eq 0 ] || die "run as root (sudo)"
  command -v curl >/dev/null || die "curl is needed"
}

install_k3s() {
  step "Install K3s $K3S_VERSION (its installer from the same tag checks the binary's SHA-256)"
  if ! $dry_run && command -v k3s >/dev/null && k3s --version | grep -qF "$K3S_VERSION"; then
    echo "K3s $K3S_VERSION is already installed"
    return
  fi
  local installer="https://raw.githubusercontent.com/k3s-io/k3s/${K3S_VERSION}/install.sh"
  # K3s' installer writes the proxy variables it is given into k3s.service.env, for containerd's pulls.
  local proxy_env=()
  [ -z "$https_proxy_url" ] || proxy_env+=("HTTPS_PROXY=$https_proxy_url")
  [ -z "$no_proxy_list" ] || proxy_env+=("NO_PROXY=$no_proxy_list")
  run env INSTALL_K3S_VERSION="$K3S_VERSION" INSTALL_K3S_EXEC="server --write-kubeconfig-mode 0600" \
    "${proxy_env[@]}" sh -c "curl -sfL '$installer' | sh -s -"
}

wait_for_node() {
  step "Wait for the K3s node to be Ready"
  if $dry_run; then
    echo "+ until k3s kubectl get nodes; do sleep 2; done   (at most 300 s)"
    echo "+ k3s kubectl wait --for=condition=Ready node --all --timeout=300s"
    return
  fi
  local waited=0
  until k3s kubectl get nodes >/dev/null 2>&1; do
    [ "$waited" -lt 300 ] || die "the K3s API did not answer in 300 s: journalctl -u k3s"
    sleep 2
    waited=$((waited + 2))
  done
  k3s kubectl wait --for=condition=Ready node --all --timeout=300s
}

create_registration_secret() {
  step "Store the registration token in Secret $NAMESPACE/cameleer-registration (passed on stdin, never on a command line)"
  if $dry_run; then
    echo "+ k3s kubectl create namespace $NAMESPACE --dry-run=client -o yaml | k3s kubectl apply -f -"
    echo "+ printf %s '<token>' | k3s kubectl -n $NAMESPACE create secret generic cameleer-registration --from-file=token=/dev/stdin --dry-run=client -o yaml | k3s kubectl apply -f -"
    return
  fi
  k3s kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | k3s kubectl apply -f -
  printf %s "$token" |
    k3s kubectl -n "$NAMESPACE" create secret generic cameleer-registration --from-file=token=/dev/stdin \
      --dry-run=client -o yaml | k3s kubectl apply -f -
}

# The chart's values for the appliance: K3s brings Traefik and the local-path storage class.
chart_values() {
  cat <<VALUES
edge:
  url: "$edge_url"
registration:
  existingSecret: cameleer-registration
apps:
  domain: "$apps_domain"
  ingressClassName: traefik
  storageClassName: local-path
persistence:
  storageClassName: local-path
proxy:
  httpsProxy: "$https_proxy_url"
  noProxy: "$no_proxy_list"
VALUES
  if [ -n "$image" ]; then
    printf 'image:\n  repository: "%s"\n  tag: "%s"\n' "${image%:*}" "${image##*:}"
  fi
}

install_chart() {
  step "Install the cameleer-runner chart with K3s' Helm controller (HelmChart $RELEASE in kube-system)"
  if [ -z "$apps_domain" ]; then
    local ip
    ip=$(hostname -I 2>/dev/null | awk '{print $1}')
    apps_domain="${ip:-127.0.0.1}.sslip.io"
  fi
  local source
  if [ -n "$chart_url" ]; then
    source="  chart: \"$chart_url\""
  else
    # Embedded: the appliance needs no chart repository and no helm binary.
    source="  chart: $RELEASE
  chartContent: $(tar -C "$(dirname "$CHART_DIR")" -czf - --exclude=ci --exclude='*.test.ts' "$(basename "$CHART_DIR")" | base64 -w0)"
  fi
  {
    cat <<MANIFEST
apiVersion: helm.cattle.io/v1
kind: HelmChart
metadata:
  name: $RELEASE
  namespace: kube-system
spec:
$source
  targetNamespace: $NAMESPACE
  valuesContent: |-
MANIFEST
    chart_values | sed 's/^/    /'
  } | if $dry_run; then sed -E 's/(chartContent: ).{16,}/\1<base64 of the packaged chart>/' | write_file "$MANIFEST" 0600; else write_file "$MANIFEST" 0600; fi
}

wait_for_runner() {
  step "Wait for the runner to register and start"
  if $dry_run; then
    echo "+ until k3s kubectl -n $NAMESPACE get deployment/$RELEASE; do sleep 5; done   (at most 600 s)"
    echo "+ k3s kubectl -n $NAMESPACE rollout status deployment/$RELEASE --timeout=600s"
    return
  fi
  local waited=0
  until k3s kubectl -n "$NAMESPACE" get "deployment/$RELEASE" >/dev/null 2>&1; do
    [ "$waited" -lt 600 ] || die "the chart was not installed in 600 s: k3s kubectl -n kube-system logs job/helm-install-$RELEASE"
    sleep 5
    waited=$((waited + 5))
  done
  k3s kubectl -n "$NAMESPACE" rollout status "deployment/$RELEASE" --timeout=600s
}

install_host_cli() {
  step "Install $HOST_CLI: the runner's CLI (status, logs, doctor) run inside its pod"
  write_file "$HOST_CLI" 0755 <<CLI
#!/bin/sh
# Installed by Cameleer's appliance installer: the runner runs in K3s, its CLI runs in its pod.
exec k3s kubectl -n $NAMESPACE exec -i deployment/$RELEASE -c runner -- cameleer-runner "\$@"
CLI
}

print_next_steps() {
  step "Done"
  cat <<NEXT
The runner is installed in K3s (namespace $NAMESPACE) and registered with $edge_url.

  sudo cameleer-runner status          whether it is running and connected
  sudo cameleer-runner logs -n 100     its log (-f to follow)
  sudo cameleer-runner doctor          what to fix when it is not connected
  sudo k3s kubectl -n $NAMESPACE get pods

Apps are served at http://{app}.{env}.{tenant}.$apps_domain through K3s' Traefik.
To remove everything: sudo /usr/local/bin/k3s-uninstall.sh && sudo rm $HOST_CLI
NEXT
}

main() {
  parse_args "$@"
  if $dry_run; then
    echo "Dry run: nothing is changed on this host."
  fi
  check_host
  install_k3s
  wait_for_node
  create_registration_secret
  install_chart
  wait_for_runner
  install_host_cli
  print_next_steps
}

main "$@"
