#!/usr/bin/env bash
# Strata on the query shape Cube.js was measured on: PostgreSQL, 100,000 orders, the model in
# model/, the three queries in queries.jsonl. Creates database cube_bench (once), starts a
# release `strata serve` on it, replays the queries with `strata bench http` over /sql,
# cached /load and uncached /load, then runs the same SQL through pgbench for the baseline.
#   bash scripts/bench/orders/run.sh [duration, default 15s] [concurrency, default 1]
# Pass a running Cube.js with CUBE_URL=http://HOST:PORT to print both side by side, and
# STRATA_BIN=PATH to measure another build (e.g. the dist profile's) instead of building release.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE/../../.."
DURATION="${1:-15s}"
CONCURRENCY="${2:-1}"
PORT=4188
# shellcheck source=scripts/bench/orders/lib.sh
. "$HERE/lib.sh"
ensure_dataset
start_orders_server "$PORT" /tmp/strata-orders-bench.log
PID=$STRATA_PID
echo "machine: $(nproc) cores, $(uname -r); commit $(git rev-parse --short HEAD); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "idle: $(grep VmRSS /proc/$PID/status)"
AGAINST=()
[ -n "${CUBE_URL:-}" ] && AGAINST=(--against "$CUBE_URL")
for ENDPOINT in sql load load-no-cache; do
  echo "== $ENDPOINT, concurrency $CONCURRENCY, $DURATION"
  "$BIN" bench http --url "http://127.0.0.1:$PORT" "${AGAINST[@]}" --queries "$HERE/queries.jsonl" \
    --endpoint "$ENDPOINT" --concurrency "$CONCURRENCY" --duration "$DURATION" 2>/dev/null
done
echo "after: $(grep VmRSS /proc/$PID/status)"

# Baseline: the SQL Strata sends, run directly by pgbench (parameters written in as literals).
SCRIPT=$(mktemp)
while read -r QUERY; do
  curl -sf -X POST -H 'Content-Type: application/json' -d "{\"query\": $QUERY}" \
    "http://127.0.0.1:$PORT/cubejs-api/v1/sql" | python3 "$HERE/inline_params.py"
done <"$HERE/queries.jsonl" >"$SCRIPT"
echo "== pgbench, the same SQL round-robin, concurrency $CONCURRENCY, $DURATION"
i=0
ARGS=()
while read -r LINE; do
  i=$((i + 1))
  echo "$LINE" >"$SCRIPT.$i"
  ARGS+=(-f "$SCRIPT.$i")
done <"$SCRIPT"
pgbench -n -h 127.0.0.1 -U postgres -c "$CONCURRENCY" -T "${DURATION%s}" "${ARGS[@]}" cube_bench \
  | grep -E "latency average|tps"
rm -f "$SCRIPT" "$SCRIPT".*
