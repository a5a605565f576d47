#!/usr/bin/env bash
# Load test of /cubejs-api/v1/load with wrk (Debian package `wrk`):
# `strata serve --demo` in release, concurrency 64, cached and uncached.
#   bash scripts/load/run.sh [duration, default 60s]
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/strata-target}"
DURATION="${1:-60s}"
PORT=4199
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
cargo build --release -q -p strata-cli --bin strata
BIN="$CARGO_TARGET_DIR/release/strata"
# shellcheck source=scripts/lib/serve.sh
. scripts/lib/serve.sh
start_strata "$PORT" /tmp/strata-load.log "$BIN" serve --demo
QUERY='{"measures":["Orders.count","Orders.revenue"],"dimensions":["Orders.status"],"timeDimensions":[{"dimension":"Orders.created_at","granularity":"month"}]}'
echo "machine: $(nproc) cores, $(uname -r); commit $(git rev-parse --short HEAD)"
for CACHE in stale-if-slow no-cache; do
  echo "== /load cache=$CACHE, 64 connections, 2 threads, $DURATION"
  STRATA_QUERY="$QUERY" STRATA_CACHE="$CACHE" \
    wrk -t2 -c64 -d"$DURATION" --timeout 10s --latency -s scripts/load/load.lua \
    "http://127.0.0.1:$PORT/cubejs-api/v1/load" | grep -E "RESULT|Non-2xx|Socket errors"
done
grep -c '"level":"ERROR"\|panicked' /tmp/strata-load.log || true
