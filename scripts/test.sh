#!/usr/bin/env bash
# The project's test command: makes sure PostgreSQL and Redis answer locally, installs the JS
# test dependencies (tests/js) and Chromium, drives the page in headless Chromium
# (tests/js/page.mjs), then runs every test of the workspace (unit, integration, conformance,
# @cubejs-client/core, bad input; criterion benches run once in test mode).
#
#   bash scripts/test.sh [extra cargo test args]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/strata-target}"
# No incremental caches: a clone in another directory would grow its own (GBs).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

PG_HOST=127.0.0.1
PG_PORT=5432

die() {
  echo >&2
  echo "***************************************************************" >&2
  echo "*** scripts/test.sh: $*" >&2
  echo "***************************************************************" >&2
  exit 1
}

# wait_for SECONDS CMD...: retries CMD once a second until it succeeds or time runs out.
wait_for() {
  local secs=$1
  shift
  for _ in $(seq "$secs"); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  "$@" >/dev/null 2>&1
}

ensure_postgres() {
  if pg_isready -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1; then
    return 0
  fi
  echo "PostgreSQL is not answering on $PG_HOST:$PG_PORT; starting it"
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$version" ] || die "PostgreSQL is down and no cluster exists under /etc/postgresql"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
    echo "pg_ctlcluster $version main start failed; waiting anyway" >&2
  wait_for 30 pg_isready -h "$PG_HOST" -p "$PG_PORT" ||
    die "PostgreSQL still not answering on $PG_HOST:$PG_PORT after 30 s"
}

ensure_redis() {
  if [ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null || true)" = "PONG" ]; then
    return 0
  fi
  echo "Redis is not answering on 127.0.0.1:6379; starting it"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log ||
    echo "redis-server failed to start; waiting anyway" >&2
  redis_up() { [ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" = "PONG" ]; }
  wait_for 30 redis_up || die "Redis still not answering on 127.0.0.1:6379 after 30 s"
}

# The `hll` extension (approximate distinct counts): tests/it/approx_distinct.rs creates it in a
# database of its own. Installs Debian's package for the running server's major version.
ensure_hll() {
  local available
  available=$(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atc \
    "SELECT 1 FROM pg_available_extensions WHERE name = 'hll'" 2>/dev/null || true)
  [ "$available" = "1" ] && return 0
  local major
  major=$(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atc "SHOW server_version_num" |
    cut -c1-2)
  echo "installing the hll extension for PostgreSQL $major (postgresql-$major-hll)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$major-hll" >/dev/null ||
    { apt-get update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$major-hll" >/dev/null; } ||
    die "cannot install postgresql-$major-hll (the hll extension tests/it/approx_distinct.rs needs)"
}

ensure_js_deps() {
  command -v node >/dev/null || die "node is not installed (tests/it/cube_client.rs needs Node.js 20+)"
  command -v npm >/dev/null || die "npm is not installed (needed for tests/js)"
  local marker=tests/js/node_modules/.package-lock.json
  if [ ! -f "$marker" ] || [ tests/js/package-lock.json -nt "$marker" ] ||
    [ tests/js/package.json -nt "$marker" ]; then
    echo "installing tests/js dependencies (npm ci)"
    npm ci --prefix tests/js --no-audit --no-fund
  fi
}

# Headless Chromium for the page test (tests/js/page.mjs); Debian's package.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  echo "installing chromium (the page test drives it headless)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null ||
    { apt-get update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } ||
    die "cannot install chromium (tests/js/page.mjs needs /usr/bin/chromium)"
  command -v chromium >/dev/null 2>&1 || die "chromium installed but not on PATH"
}

# The page (GET /) in headless Chromium against `strata serve --demo` on a free port.
# Screenshots: $CARGO_TARGET_DIR/page-shots.
run_page_test() {
  cargo build -q -p strata-cli --bin strata
  local port data log pid
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  data=$(mktemp -d)
  log="$data/strata.log"
  STRATA_DATA_DIR="$data/state" "$CARGO_TARGET_DIR/debug/strata" serve --demo \
    --listen "127.0.0.1:$port" >"$log" 2>&1 &
  pid=$!
  # shellcheck disable=SC2064 # expand now: stop this server, remove its files
  trap "kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf '$data'" EXIT
  ready() { curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; }
  if ! wait_for 120 ready; then
    cat "$log" >&2
    die "strata serve --demo did not become ready on port $port"
  fi
  if ! STRATA_URL="http://127.0.0.1:$port" node tests/js/page.mjs; then
    tail -n 40 "$log" >&2
    die "the page test failed (tests/js/page.mjs); screenshots in $CARGO_TARGET_DIR/page-shots"
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$data"
  trap - EXIT
}

ensure_postgres
ensure_hll
ensure_redis
ensure_js_deps
ensure_chromium

# The rollup benchmark runs once in test mode; keep its fact table small here
# (`cargo bench --bench rollup` uses 10 million rows).
export STRATA_BENCH_ROWS="${STRATA_BENCH_ROWS:-100000}"

# The embedding examples must keep compiling and answering (run before the tests
# so that their summary stays the last thing printed).
cargo run -q --example embedded >/dev/null
cargo run -q --example analyst >/dev/null

run_page_test

cargo test --workspace --all-targets "$@"
