#!/usr/bin/env bash
# How much uncached /load adds to running the same SQL directly, per query, as a median over
# alternating windows (one query's own time drifts by milliseconds between windows on these
# VMs, so back-to-back long runs cannot resolve a sub-millisecond gap). For each of ROUNDS
# rounds and each query: SECONDS of `strata bench http --endpoint load-no-cache`, then SECONDS
# of pgbench on the same SQL (parameters written in as literals) with its per-transaction log;
# the gap is Strata's p50 minus pgbench's p50 in that round.
#   bash scripts/bench/orders/gap.sh [seconds per window, default 3] [rounds, default 8]
# STRATA_BIN=PATH measures another build (e.g. the dist profile's) instead of building release.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE/../../.."
SECS="${1:-3}"
ROUNDS="${2:-8}"
PORT=4189
# shellcheck source=scripts/bench/orders/lib.sh
. "$HERE/lib.sh"
ensure_dataset
start_orders_server "$PORT" /tmp/strata-orders-gap.log
WORK=$(mktemp -d)
trap 'kill $STRATA_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
i=0
while read -r QUERY; do
  i=$((i + 1))
  echo "$QUERY" >"$WORK/q$i.jsonl"
  curl -sf -X POST -H 'Content-Type: application/json' -d "{\"query\": $QUERY}" \
    "http://127.0.0.1:$PORT/cubejs-api/v1/sql" | python3 "$HERE/inline_params.py" >"$WORK/q$i.sql"
done <"$HERE/queries.jsonl"
echo "machine: $(nproc) cores, $(uname -r); commit $(git rev-parse --short HEAD); load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  for q in $(seq 1 "$i"); do
    strata=$("$BIN" bench http --url "http://127.0.0.1:$PORT" --queries "$WORK/q$q.jsonl" \
      --endpoint load-no-cache --concurrency 1 --duration "${SECS}s" 2>/dev/null | awk '/latency/ {print $4}')
    rm -f "$WORK"/pglog*
    pgbench -n -h 127.0.0.1 -U postgres -c 1 -T "$SECS" -l --log-prefix="$WORK/pglog" \
      -f "$WORK/q$q.sql" cube_bench >/dev/null 2>&1
    direct=$(awk '{print $3}' "$WORK"/pglog* | sort -n | awk '{a[NR] = $1} END {printf "%.3f", a[int((NR + 1) / 2)] / 1000}')
    echo "round $r query $q strata p50 $strata pgbench p50 $direct"
  done
done | tee "$WORK/rounds"
python3 - "$WORK/rounds" <<'PY'
import re, statistics, sys
gaps = {}
for line in open(sys.argv[1]):
    m = re.match(r"round \d+ query (\d+) strata p50 ([\d.]+) pgbench p50 ([\d.]+)", line)
    if m:
        gaps.setdefault(m.group(1), []).append(float(m.group(2)) - float(m.group(3)))
for q, g in sorted(gaps.items()):
    print("query %s gap (ms): %s  median %+.2f" % (q, " ".join("%+.2f" % x for x in g), statistics.median(g)))
PY
