//! One client cannot hurt the others, through HTTP against the real
//! PostgreSQL: half-sent requests are dropped, connections beyond the cap
//! are refused while the server keeps answering, a noisy tenant's heavy
//! queries leave another tenant's trivial ones fast, and made-up tenant ids
//! open no connection pool. Each test prints the figure it measures.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use serde_json::json;
use strata_server::admission::AdmissionSettings;
use strata_server::tenant_engines::TenantRouting;

use crate::common::hardening as fixture;
use crate::common::report;
use fixture::{config, model_dir, rows, strata_connections, token, Api, ORDERS_MODEL};

const DB: &str = "strata_hardening_load";

/// A database of its own for the pool test, whose connection counts no
/// other test's server may disturb.
const POOLS_DB: &str = "strata_hardening_pools";

static SETUP: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
static SETUP_POOLS: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

async fn setup() {
    SETUP.get_or_init(|| fixture::setup(DB)).await;
}

fn addr(api: &Api) -> SocketAddr {
    api.server.addr
}

/// Opens a connection and sends half a request head.
fn half_open(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.write_all(b"POST /cubejs-api/v1/load HTTP/1.1\r\nHost: x\r\nContent-Le")
        .expect("write half a head");
    s
}

/// Waits for the server to close `s`; how long it took, or `None` when it
/// stayed open for `limit`.
fn time_to_close(mut s: TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    s.set_read_timeout(Some(limit)).expect("read timeout");
    let mut buf = [0u8; 512];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some(started.elapsed())
            }
            Err(_) => return None,
        }
    }
}

/// `GET /livez` on a fresh connection: the status line.
fn livez(addr: SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("read timeout");
    s.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.lines().next().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_half_open_clients_are_dropped() {
    setup().await;
    let mut cfg = config(DB, model_dir("slow", &[("orders.yml", ORDERS_MODEL)]));
    cfg.http.header_timeout = Duration::from_secs(1);
    cfg.http.max_connections = 40;
    let api = Api::start(cfg).await;
    let addr = addr(&api);
    let outcome = tokio::task::spawn_blocking(move || {
        // 39 half-sent requests and one idle connection fill all but none of the cap.
        let mut held: Vec<TcpStream> = (0..39).map(|_| half_open(addr)).collect();
        held.push(TcpStream::connect(addr).expect("idle connection"));
        std::thread::sleep(Duration::from_millis(100));
        // One more is refused at once with a 503, not left hanging.
        let mut extra = TcpStream::connect(addr).expect("connect past the cap");
        extra
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("read timeout");
        let mut answer = String::new();
        let _ = extra.read_to_string(&mut answer);
        // Every held connection is closed by the server within the head timeout.
        let times: Vec<Option<Duration>> = held
            .into_iter()
            .map(|s| time_to_close(s, Duration::from_secs(10)))
            .collect();
        // A slow body: the head arrives, the body never does.
        let mut slow = TcpStream::connect(addr).expect("connect");
        slow.write_all(
            b"POST /cubejs-api/v1/load HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"query\":",
        )
        .expect("write");
        (answer, times, livez(addr))
    })
    .await
    .expect("client thread");
    let (answer, times, live) = outcome;
    assert!(answer.starts_with("HTTP/1.1 503"), "past the cap: {answer}");
    assert!(answer.contains("Too many open connections"), "{answer}");
    let slowest = times
        .iter()
        .map(|t| t.expect("the server closed every half-open connection"))
        .max()
        .unwrap_or_default();
    assert!(slowest < Duration::from_secs(3), "slowest drop {slowest:?}");
    assert!(
        live.starts_with("HTTP/1.1 200"),
        "/livez after the flood: {live}"
    );
    report(&format!(
        "hardening: {} half-open connections dropped after at most {:.2} s (head timeout 1 s); \
         connection 41 of a cap of 40 refused with a 503",
        times.len(),
        slowest.as_secs_f64()
    ));
    api.server.shutdown().await;
}

/// A cube whose every query holds a database core for `seconds`.
fn heavy_model(seconds: f64) -> String {
    format!(
        "cubes:\n  - name: Heavy\n    sql: \"SELECT o.* FROM orders o CROSS JOIN pg_sleep({seconds})\"\n    \
         access_policy:\n      - group: \"*\"\n        row_level:\n          filters:\n            \
         - {{member: tenant_id, operator: equals, values: [\"{{ securityContext.tenant_id }}\"]}}\n    \
         dimensions:\n      - {{name: id, sql: id, type: number, primary_key: true}}\n      \
         - {{name: tenant_id, sql: tenant_id, type: string}}\n      \
         - {{name: amount, sql: amount, type: number}}\n    \
         measures:\n      - {{name: count, type: count}}\n"
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_noisy_tenant_cannot_starve_another() {
    setup().await;
    let mut cfg = config(
        DB,
        model_dir(
            "noisy",
            &[
                ("orders.yml", ORDERS_MODEL),
                ("heavy.yml", &heavy_model(2.0)),
            ],
        ),
    );
    if let Some(db) = cfg.db.as_mut() {
        db.pool_size = 16;
    }
    cfg.security.admission = AdmissionSettings {
        max_wait: Duration::from_secs(4),
        ..AdmissionSettings::default()
    };
    let api = std::sync::Arc::new(Api::start(cfg).await);
    // Tenant a: 24 heavy queries at once, from 24 users, none cacheable.
    let noisy: Vec<_> = (0..24)
        .map(|i| {
            let api = api.clone();
            tokio::spawn(async move {
                let t = token(json!({"tenant_id": "a", "sub": format!("a-user-{i}")}));
                let q = json!({
                    "measures": ["Heavy.count"],
                    "filters": [{"member": "Heavy.amount", "operator": "gt", "values": [format!("-{i}")]}]
                });
                api.load(&t, &q).await.status
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Tenant b: trivial counts, one after another, each a new query.
    let b = token(json!({"tenant_id": "b", "sub": "b-user"}));
    let mut took = Vec::new();
    for i in 0..20 {
        let q = json!({
            "measures": ["Orders.count"],
            "filters": [{"member": "Orders.amount", "operator": "gt", "values": [format!("-{i}")]}]
        });
        let started = Instant::now();
        let reply = api.load(&b, &q).await;
        took.push(started.elapsed());
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!(rows(&reply), vec![json!({"Orders.count": "4"})]);
    }
    let mut statuses = Vec::new();
    for task in noisy {
        statuses.push(task.await.expect("noisy task"));
    }
    took.sort();
    let p50 = percentile(&took, 0.5);
    let p99 = percentile(&took, 0.99);
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let busy = statuses.iter().filter(|s| **s == 503).count();
    assert_eq!(ok + busy, statuses.len(), "noisy answers: {statuses:?}");
    report(&format!(
        "hardening: under 24 heavy queries of tenant a (2 s each; {ok} answered, {busy} refused \
         with 503), tenant b's count took p50 {:.1} ms, p99 {:.1} ms",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    ));
    assert!(p99 < Duration::from_secs(1), "tenant b's p99 {p99:?}");
    if let Ok(api) = std::sync::Arc::try_unwrap(api) {
        api.server.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_tenants_open_no_pools_and_idle_pools_close() {
    SETUP_POOLS.get_or_init(|| fixture::setup(POOLS_DB)).await;
    let mut cfg = config(
        POOLS_DB,
        model_dir("routed", &[("orders.yml", ORDERS_MODEL)]),
    );
    cfg.security.routing = TenantRouting {
        schema: Some("tenant_{tenant}".into()),
        pool_size: 2,
        max_connections: 8,
        idle_timeout: Duration::from_secs(1),
        ..TenantRouting::default()
    };
    let api = Api::start(cfg).await;
    let q = json!({"measures": ["Orders.count"]});
    let before = strata_connections(POOLS_DB).await;
    for i in 0..100 {
        let reply = api
            .load(&token(json!({"tenant_id": format!("ghost{i}")})), &q)
            .await;
        assert_eq!(reply.status, 403, "ghost{i}: {:?}", reply.body);
        assert!(
            reply.body["error"]
                .as_str()
                .is_some_and(|e| e.contains("no data is set up")),
            "{:?}",
            reply.body
        );
    }
    let after_unknown = strata_connections(POOLS_DB).await;
    // The catalog lookups share one small pool.
    assert!(
        after_unknown - before <= 2,
        "100 unknown tenants opened {} connections",
        after_unknown - before
    );
    // A real tenant gets its pool, which closes once idle.
    let reply = api.load(&token(json!({"tenant_id": "c"})), &q).await;
    assert_eq!(rows(&reply), vec![json!({"Orders.count": "2"})]);
    let with_c = strata_connections(POOLS_DB).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let idle = strata_connections(POOLS_DB).await;
    report(&format!(
        "hardening: strata connections to {POOLS_DB}: {before} before, {after_unknown} after 100 \
         unknown tenant ids, {with_c} with tenant c's pool, {idle} after 3 s idle"
    ));
    assert!(idle < with_c, "idle pools close: {with_c} -> {idle}");
    assert!(idle <= before, "nothing is left open: {before} -> {idle}");
    api.server.shutdown().await;
}
