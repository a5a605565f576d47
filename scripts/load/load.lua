-- wrk script: POST /cubejs-api/v1/load with the query in STRATA_QUERY and the
-- cache mode in STRATA_CACHE ("stale-if-slow" or "no-cache").
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("STRATA_TOKEN")
if token then
  wrk.headers["Authorization"] = token
end
local query = os.getenv("STRATA_QUERY") or '{"measures":["Orders.count"],"dimensions":["Orders.status"]}'
local cache = os.getenv("STRATA_CACHE") or "stale-if-slow"
wrk.body = '{"query":' .. query .. ',"cache":"' .. cache .. '"}'

-- Report percentiles and non-2xx counts in one parseable line.
done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%d duration_s=%.1f rps=%.0f errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
