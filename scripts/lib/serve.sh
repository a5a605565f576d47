# Sourced by the benchmark and load scripts: starting a strata server for a measurement.
#
#   start_strata PORT LOG COMMAND...
#
# runs `COMMAND... --listen 127.0.0.1:PORT` in the background from /tmp (so nothing depends on
# the checkout as working directory), its output in LOG; sets STRATA_PID to the server's own
# pid (for /proc/PID/status), kills it when the calling script exits, and waits up to 20 s for
# /readyz. COMMAND may start with `env VAR=value ...` to set the server's environment.
start_strata() {
  local port=$1 log=$2
  shift 2
  (cd /tmp && exec "$@" --listen "127.0.0.1:$port") >"$log" 2>&1 &
  STRATA_PID=$!
  trap 'kill $STRATA_PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0
    sleep 0.1
  done
  echo "strata did not become ready on port $port; its log ($log):" >&2
  tail -20 "$log" >&2
  return 1
}
