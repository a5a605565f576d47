#!/usr/bin/env bash
# Resident memory of `strata serve --demo` (release): idle 3 s after it answers /readyz, then
# after five /load queries (orders by month, revenue by product category, orders by status and
# channel, users by segment with a filter, 1,000 order ids), from /proc/PID/status.
#   bash scripts/bench/rss.sh [path to a strata binary, default: build the release one]
# Without a path it measures the laid-out release build (STRATA_LINK_LAYOUT=1: code in
# cli/link/symbol-order.txt's order and packed relocations, see cli/build.rs), the one
# BENCHMARKS.md's figures are for; `STRATA_LINK_LAYOUT=0 bash scripts/bench/rss.sh` measures the
# default build instead. Switching rebuilds strata-cli (the binary; minutes), not the dependencies.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/strata-target}"
BIN="${1:+$(realpath "$1")}"
if [ -z "$BIN" ]; then
  export STRATA_LINK_LAYOUT="${STRATA_LINK_LAYOUT:-1}"
  cargo build --release -q -p strata-cli --bin strata
  BIN="$CARGO_TARGET_DIR/release/strata"
  echo "release build, STRATA_LINK_LAYOUT=$STRATA_LINK_LAYOUT"
fi
PORT=4099
# shellcheck source=scripts/lib/serve.sh
. scripts/lib/serve.sh
start_strata "$PORT" /tmp/strata-rss.log "$BIN" serve --demo
PID=$STRATA_PID
sleep 3
show() { echo "$1: $(grep -E 'VmRSS|VmHWM|RssAnon|RssFile' /proc/$PID/status | tr -s ' \t' ' ' | tr '\n' ' ')"; }
show idle
for Q in \
  '{"measures":["Orders.count"],"timeDimensions":[{"dimension":"Orders.created_at","granularity":"month"}]}' \
  '{"measures":["LineItems.revenue"],"dimensions":["Products.category"]}' \
  '{"measures":["Orders.count"],"dimensions":["Orders.status","Orders.channel"]}' \
  '{"measures":["Users.count"],"dimensions":["Users.segment"],"filters":[{"member":"Users.marketing_opt_in","operator":"equals","values":["true"]}]}' \
  '{"dimensions":["Orders.id"],"limit":1000}'; do
  curl -sf -X POST -H 'Content-Type: application/json' -d "{\"query\": $Q}" \
    "http://127.0.0.1:$PORT/cubejs-api/v1/load" >/dev/null || echo "query failed: $Q" >&2
done
show "after 5 loads"
