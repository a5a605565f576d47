#!/usr/bin/env python3
"""Tenant scale: RSS of one `strata serve` as 1,000 tenants share one model.

Creates database `strata_tenants` (1,000 tenants x 50 orders), starts the
release binary on the shared model in scripts/load/tenants_model (row rules
from an access policy), runs two queries per tenant with each tenant's own
token, and reports VmRSS before and after:

    python3 scripts/load/tenants.py [--tenants 1000]
"""
import argparse, base64, hashlib, hmac, json, os, subprocess, sys, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET = "tenant-scale-secret"
PORT = 4198


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(claims: dict) -> str:
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    sig = hmac.new(SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(sig)}"


def psql(db: str, sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                   check=True, stdout=subprocess.DEVNULL)


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def load(query: dict, tok: str) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{PORT}/cubejs-api/v1/load",
                                 data=json.dumps({"query": query}).encode(),
                                 headers={"Authorization": tok, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenants", type=int, default=1000)
    args = ap.parse_args()
    n = args.tenants
    psql("postgres", "DROP DATABASE IF EXISTS strata_tenants WITH (FORCE)")
    psql("postgres", "CREATE DATABASE strata_tenants")
    psql("strata_tenants", f"""CREATE TABLE scale_orders AS
        SELECT g AS id, 't' || (g % {n}) AS tenant_id,
               (ARRAY['completed','shipped','cancelled'])[1 + g % 3] AS status,
               (g % 97) + 0.5 AS amount,
               timestamp '2024-01-01' + (g % 365) * interval '1 day' AS created_at
        FROM generate_series(1, {n * 50}) g""")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/strata-target"))
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "strata-cli", "--bin", "strata"], cwd=ROOT, check=True)
    env = dict(os.environ, CUBEJS_API_SECRET=SECRET, CUBEJS_DB_TYPE="postgres", CUBEJS_DB_NAME="strata_tenants",
               CUBEJS_DB_HOST="127.0.0.1", CUBEJS_DB_USER="postgres",
               CUBEJS_SCHEMA_PATH=os.path.join(ROOT, "scripts/load/tenants_model"), PORT=str(PORT))
    proc = subprocess.Popen([os.path.join(target, "release/strata"), "serve"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        q1 = {"measures": ["Orders.count", "Orders.revenue"], "dimensions": ["Orders.status"]}
        q2 = {"measures": ["Orders.count"], "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "month"}]}
        # Warm up with one tenant so allocator pools and the first plans exist.
        warm = token({"tenant_id": "t0", "sub": "u0"})
        for _ in range(20):
            load(q1, warm); load(q2, warm)
        time.sleep(1)
        before = rss_kb(proc.pid)
        started = time.time()
        for t in range(n):
            tok = token({"tenant_id": f"t{t}", "sub": f"u{t}"})
            r = load(q1, tok)
            rows = r["data"]
            assert sum(int(x["Orders.count"]) for x in rows) == 50, (t, rows)
            load(q2, tok)
        took = time.time() - started
        time.sleep(1)
        after = rss_kb(proc.pid)
        per = (after - before) / n
        print(f"tenants={n} requests={2 * n} took_s={took:.1f} rss_before_kb={before} rss_after_kb={after} "
              f"added_per_tenant_kb={per:.1f}")
        if per > 100:
            sys.exit(f"each tenant added {per:.1f} KB, over the 100 KB budget")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
