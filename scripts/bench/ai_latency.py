#!/usr/bin/env python3
"""Latency of POST /ai-analytics/query on a running `strata serve --demo`
(offline translator, no LLM): keep-alive clients, questions sent round-robin,
median and 95th percentile per client count.

    python3 scripts/bench/ai_latency.py http://127.0.0.1:4410 [requests] [clients...]

The server must run without a token requirement (the demo's default), or set
STRATA_TOKEN to a bearer token.
"""

import http.client
import json
import os
import statistics
import sys
import threading
import time
from urllib.parse import urlparse

QUESTIONS = [
    "revenue by month",
    "top 5 countries by revenue last year",
    "orders by channel this quarter",
    "what share of orders get returned?",
    "web vs mobile revenue in 2024",
    "average order value by customer segment",
    "when was our first order?",
    "show the 10 priciest products",
]


def run_client(url, count, offset, out):
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    headers = {"Content-Type": "application/json"}
    token = os.environ.get("STRATA_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    for i in range(count):
        question = QUESTIONS[(i + offset) % len(QUESTIONS)]
        body = json.dumps({"naturalLanguageQuery": question})
        start = time.perf_counter()
        conn.request("POST", "/ai-analytics/query", body, headers)
        resp = conn.getresponse()
        data = resp.read()
        out.append((time.perf_counter() - start) * 1000.0)
        if resp.status != 200 or b'"success":true' not in data:
            raise SystemExit(f"{question!r}: {resp.status} {data[:300]!r}")
    conn.close()


def measure(url, requests, clients):
    latencies = []
    per_client = max(1, requests // clients)
    threads = [
        threading.Thread(target=run_client, args=(url, per_client, k, latencies))
        for k in range(clients)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"clients {clients}: {len(latencies)} requests, "
        f"p50 {statistics.median(latencies):.2f} ms, p95 {p95:.2f} ms, "
        f"{len(latencies) / elapsed:.0f} req/s"
    )


def main():
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:4410"
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 800
    clients = [int(c) for c in sys.argv[3:]] or [1, 4]
    # Warm-up: catalogs and caches.
    measure(url, len(QUESTIONS) * 2, 1)
    for c in clients:
        measure(url, requests, c)


if __name__ == "__main__":
    main()
