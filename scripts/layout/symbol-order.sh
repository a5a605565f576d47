#!/usr/bin/env bash
# Records which functions `strata serve` runs while it starts and answers typical queries, and
# writes them to cli/link/symbol-order.txt, the list an optimized link with
# STRATA_LINK_LAYOUT=1 places first in .text (cli/build.rs explains why; builds without the
# switch ignore the list). Run it after changes to start-up or query code and commit the list; a
# stale list only leaves new code where it was.
#
#   bash scripts/layout/symbol-order.sh            (builds the release binary with
#                                                  STRATA_LINK_LAYOUT=1, the laid-out one)
#   STRATA_BIN=PATH bash scripts/layout/symbol-order.sh
#   APPEND=1 STRATA_BIN=target/dist/strata bash scripts/layout/symbol-order.sh
#                                                  (adds another profile's names to the list)
#
# Three profiles, each under valgrind's callgrind, in this order in the list: the demo's
# start-up alone, then the demo answering /load, /sql, /dry-run, /meta and an AI question,
# then a server on PostgreSQL (the orders benchmark's database and model) answering the same
# endpoints. Needs valgrind, nm and PostgreSQL; takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
# shellcheck source=scripts/bench/orders/lib.sh
. scripts/bench/orders/lib.sh
if [ -n "${STRATA_BIN:-}" ]; then
  BIN="$(realpath "$STRATA_BIN")"
else
  # The laid-out build (the link order does not change the names recorded, but this leaves
  # target/release/strata the binary the list is for, ready for scripts/bench/rss.sh).
  STRATA_LINK_LAYOUT=1 cargo build --release -q -p strata-cli --bin strata
  BIN="$CARGO_TARGET_DIR/release/strata"
fi
OUT=$(mktemp -d)
PORT=4097
URL="http://127.0.0.1:$PORT"

# profile NAME QUERIES_FN COMMAND...: runs COMMAND under callgrind, waits for /readyz and 2 s
# of idle, calls QUERIES_FN, then stops the server with SIGINT so callgrind writes its file.
profile() {
  local name=$1 queries=$2
  shift 2
  (cd /tmp && exec valgrind --tool=callgrind --demangle=no --dump-instr=no \
    --callgrind-out-file="$OUT/$name.out" "$@" --listen "127.0.0.1:$PORT") >"$OUT/$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 240); do
    curl -sf "$URL/readyz" >/dev/null && break
    sleep 0.5
  done
  curl -sf "$URL/readyz" >/dev/null || { tail -20 "$OUT/$name.log" >&2; exit 1; }
  sleep 2
  "$queries"
  kill -INT "$pid"
  wait "$pid" || true
  [ -s "$OUT/$name.out" ] || { echo "callgrind wrote no profile for $name" >&2; exit 1; }
}

# ask QUERY_JSON: the query through each Cube endpoint, POST and GET.
ask() {
  for ep in load sql dry-run; do
    curl -sf -X POST -H 'Content-Type: application/json' -d "{\"query\": $1}" \
      "$URL/cubejs-api/v1/$ep" >/dev/null || echo "$ep failed: $1" >&2
  done
  curl -sf -G --data-urlencode "query=$1" "$URL/cubejs-api/v1/load" >/dev/null ||
    echo "GET load failed: $1" >&2
}

no_queries() { :; }

demo_queries() {
  for q in \
    '{"measures":["Orders.count"],"timeDimensions":[{"dimension":"Orders.created_at","granularity":"month"}]}' \
    '{"measures":["LineItems.revenue"],"dimensions":["Products.category"]}' \
    '{"measures":["Orders.count"],"dimensions":["Orders.status","Orders.channel"]}' \
    '{"measures":["Users.count"],"dimensions":["Users.segment"],"filters":[{"member":"Users.marketing_opt_in","operator":"equals","values":["true"]}]}' \
    '{"dimensions":["Orders.id"],"limit":1000}'; do
    ask "$q"
  done
  curl -sf "$URL/cubejs-api/v1/meta" >/dev/null || echo "meta failed" >&2
  curl -sf -H 'Content-Type: application/json' -d '{"naturalLanguageQuery": "revenue by channel by month"}' \
    "$URL/ai-analytics/query" >/dev/null || echo "AI query failed" >&2
}

orders_queries() {
  while IFS= read -r q; do
    [ -n "$q" ] && ask "$q"
  done <"$ORDERS_DIR/queries.jsonl"
  curl -sf "$URL/cubejs-api/v1/meta" >/dev/null || echo "meta failed" >&2
}

profile startup no_queries "$BIN" serve --demo
profile demo demo_queries "$BIN" serve --demo
ensure_dataset >/dev/null
(
  # Set here, not with `env` under valgrind: callgrind does not follow an exec.
  export CUBEJS_DEV_MODE=true CUBEJS_DB_TYPE=postgres CUBEJS_DB_HOST=127.0.0.1 \
    CUBEJS_DB_USER=postgres CUBEJS_DB_NAME=cube_bench
  profile orders orders_queries "$BIN" serve --models "$ORDERS_DIR/model"
)

python3 scripts/layout/callgrind_functions.py "$BIN" \
  "$OUT/startup.out" "$OUT/demo.out" "$OUT/orders.out" >"$OUT/order.txt"
# A start-up alone runs well over a thousand functions; fewer means a profile went wrong.
if [ "$(wc -l <"$OUT/order.txt")" -lt 1000 ]; then
  echo "only $(wc -l <"$OUT/order.txt") functions recorded; keeping the old list" >&2
  exit 1
fi
LIST="$ROOT/cli/link/symbol-order.txt"
if [ "${APPEND:-0}" = 1 ] && [ -f "$LIST" ]; then
  # Another profile's names after the list's own (e.g. dist's after release's).
  cat "$LIST" "$OUT/order.txt" | awk '!seen[$0]++' >"$OUT/merged.txt"
  mv "$OUT/merged.txt" "$OUT/order.txt"
fi
mv "$OUT/order.txt" "$LIST"
echo "cli/link/symbol-order.txt: $(wc -l <"$ROOT/cli/link/symbol-order.txt") functions"
rm -rf "$OUT"
