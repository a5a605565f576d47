# Sourced by run.sh and gap.sh: the Cube-shape dataset and a release server on it.
#
#   ensure_dataset          creates database cube_bench from setup.sql unless it holds 100,000 orders
#   start_orders_server PORT LOG
#                           builds the release binary (sets BIN; STRATA_BIN=PATH uses that binary
#                           instead, e.g. target/dist/strata) and starts `strata serve` on the
#                           orders model against cube_bench (scripts/lib/serve.sh: STRATA_PID, trap)
ORDERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/strata-target}"
# shellcheck source=scripts/lib/serve.sh
. "$ORDERS_DIR/../../lib/serve.sh"

ensure_dataset() {
  local psql=(psql -X -q -h 127.0.0.1 -U postgres)
  if ! "${psql[@]}" -d cube_bench -tAc "SELECT count(*) FROM orders" 2>/dev/null | grep -qx 100000; then
    "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'cube_bench'" | grep -q 1 \
      || "${psql[@]}" -d postgres -c "CREATE DATABASE cube_bench"
    "${psql[@]}" -d cube_bench -f "$ORDERS_DIR/setup.sql"
  fi
}

start_orders_server() {
  if [ -n "${STRATA_BIN:-}" ]; then
    BIN="$(realpath "$STRATA_BIN")"
  else
    cargo build --release -q -p strata-cli --bin strata
    BIN="$CARGO_TARGET_DIR/release/strata"
  fi
  # One anonymous client measures throughput: no per-user rate limit or in-flight share.
  start_strata "$1" "$2" env CUBEJS_DEV_MODE=true CUBEJS_DB_TYPE=postgres \
    STRATA_RATE_LOAD_PER_MINUTE=0 STRATA_MAX_INFLIGHT_PER_TENANT=16 STRATA_MAX_INFLIGHT_PER_USER=16 \
    CUBEJS_DB_HOST=127.0.0.1 CUBEJS_DB_USER=postgres CUBEJS_DB_NAME=cube_bench \
    "$BIN" serve --models "$ORDERS_DIR/model"
}
