#!/usr/bin/env bash
# Peak resident memory of `strata serve --demo` (release) under 24 concurrent wide /load queries
# on DataFusion, and what each query was answered: an ungrouped join of six cubes (24 columns,
# 50,000 rows), and two high-cardinality group-bys (customer x product x ... by day or hour)
# with measures of three cubes (fan-outs), one of them sorted and with `total`; each sent 8
# times with a different limit (so the result cache answers none), all at once, from loopback.
# Meanwhile a small query (orders by status) checks that the server still answers. Prints the
# status codes, the small query's status and time, and VmHWM / VmRSS from /proc/PID/status.
#
#   bash scripts/bench/arrow_memory.sh [path to a strata binary, default: build the release one]
#
# The server's environment is passed through: STRATA_DATAFUSION_MEMORY,
# STRATA_DATAFUSION_CONCURRENCY, STRATA_DATAFUSION_QUEUE_TIMEOUT, and the admission caps
# (STRATA_MAX_INFLIGHT...). The figure without DataFusion limits (before they existed):
#   STRATA_DATAFUSION_MEMORY=100GB STRATA_DATAFUSION_CONCURRENCY=1000 STRATA_MAX_INFLIGHT=1000 \
#   STRATA_MAX_INFLIGHT_PER_TENANT=1000 STRATA_MAX_INFLIGHT_PER_USER=1000 bash scripts/bench/arrow_memory.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/strata-target}"
BIN="${1:+$(realpath "$1")}"
if [ -z "$BIN" ]; then
  cargo build --release -q -p strata-cli --bin strata
  BIN="$CARGO_TARGET_DIR/release/strata"
fi
PORT=4098
N=24
# Every request gives up after this long; the whole run is bounded by it.
MAX_TIME=180
OUT=$(mktemp -d /tmp/strata-arrow-memory.XXXXXX)
# shellcheck source=scripts/lib/serve.sh
. scripts/lib/serve.sh
start_strata "$PORT" "$OUT/server.log" "$BIN" serve --demo
PID=$STRATA_PID
trap 'kill $PID 2>/dev/null || true; rm -rf "$OUT"' EXIT
URL="http://127.0.0.1:$PORT/cubejs-api/v1/load"

wide_query() { # $1: which of the three, $2: row limit
  case $1 in
    # Ungrouped: 24 columns of six cubes joined.
    0) echo '{"dimensions":["LineItems.id","LineItems.quantity","LineItems.unit_price","LineItems.discount","LineItems.amount","Orders.id","Orders.status","Orders.channel","Orders.payment_method","Orders.created_at","Orders.item_count","Orders.total_amount","Users.id","Users.name","Users.email","Users.segment","Users.age_group","Users.signed_up_at","Products.name","Products.category","Products.subcategory","Products.brand","Countries.name","Regions.name"],"ungrouped":true,"limit":'"$2"'}' ;;
    # Customer x product x status x channel by day, measures of three cubes (fan-out).
    1) echo '{"dimensions":["Users.email","Products.name","Orders.status","Orders.channel"],"measures":["LineItems.revenue","Orders.count","Users.count","Orders.average_order_value"],"timeDimensions":[{"dimension":"Orders.created_at","granularity":"day"}],"limit":'"$2"'}' ;;
    # Six dimensions by hour, five measures of three cubes, sorted, with the total row count.
    2) echo '{"dimensions":["Users.email","Users.name","Products.name","Products.brand","Orders.payment_method","Countries.name"],"measures":["LineItems.revenue","LineItems.profit","Orders.count","Orders.revenue","Users.count"],"timeDimensions":[{"dimension":"Orders.created_at","granularity":"hour"}],"order":[["Users.email","asc"]],"total":true,"limit":'"$2"'}' ;;
  esac
}

# One query: writes "<status> <seconds>" to $OUT/<name>.status (000 when no answer came).
send() { # $1: name, $2: query
  curl -s -o "$OUT/$1.body" -w '%{http_code} %{time_total}\n' --max-time "$MAX_TIME" \
    -X POST -H 'Content-Type: application/json' -d "{\"query\": $2}" "$URL" >"$OUT/$1.status" ||
    true
}

echo "server: $(grep -E 'VmRSS|VmHWM' /proc/$PID/status | tr -s ' \t' ' ' | tr '\n' ' ')(idle)"
echo "limits: STRATA_DATAFUSION_MEMORY=${STRATA_DATAFUSION_MEMORY:-default} STRATA_DATAFUSION_CONCURRENCY=${STRATA_DATAFUSION_CONCURRENCY:-default}"
started=$(date +%s%N)
pids=()
for i in $(seq 0 $((N - 1))); do
  send "wide$i" "$(wide_query $((i % 3)) $((50000 - i)))" &
  pids+=($!)
done
# The small query, once the wide ones are in.
sleep 1
send small '{"measures":["Orders.count"],"dimensions":["Orders.status"]}'
wait "${pids[@]}"
elapsed_ms=$((($(date +%s%N) - started) / 1000000))

echo "$N wide queries in ${elapsed_ms} ms; status codes (count code):"
cat "$OUT"/wide*.status | cut -d' ' -f1 | sort | uniq -c | sed 's/^/  /'
echo "slowest wide answer: $(cat "$OUT"/wide*.status | cut -d' ' -f2 | sort -n | tail -1)s"
for f in "$OUT"/wide*.body; do
  grep -o '"error":"[^"]*"' "$f" 2>/dev/null || true
done | sort | uniq -c | sed 's/^/  /'
echo "small query meanwhile: $(cat "$OUT/small.status") (status, seconds)"
if kill -0 "$PID" 2>/dev/null; then
  echo "after: $(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -X POST -H 'Content-Type: application/json' \
    -d '{"query":{"measures":["Orders.count"]}}' "$URL") for a small query"
  echo "peak: $(grep -E 'VmHWM|VmRSS' /proc/$PID/status | tr -s ' \t' ' ' | tr '\n' ' ')"
else
  echo "the server died; its log:"
  tail -5 "$OUT/server.log"
fi
