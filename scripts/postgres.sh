# Installs (when missing) and starts the machine's PostgreSQL server, and
# creates the superuser the tests use to make one throw-away database per test file.
ensure_postgres() {
  local sudo="" as_postgres="sudo -u postgres"
  [ "$(id -u)" -eq 0 ] && { sudo=""; as_postgres="runuser -u postgres --"; } || sudo="sudo"
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "test: installing PostgreSQL" >&2
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
  fi
  local version
  version=$(ls /etc/postgresql | sort -n | tail -n 1)
  if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
    echo "test: starting PostgreSQL $version" >&2
    $sudo pg_ctlcluster "$version" main start
  fi
  for _ in $(seq 1 50); do
    $as_postgres psql -qAtc 'select 1' >/dev/null 2>&1 && break
    sleep 0.2
  done
  $as_postgres psql -qAt -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cameleer_test') THEN
    CREATE ROLE cameleer_test LOGIN SUPERUSER PASSWORD 'cameleer_test';
  END IF;
END $$;
SQL
}
