//! PostgreSQL failing under Strata.
//!
//! Stopped under load: requests fail fast with a clear 503 (never a panic or a
//! 500), and service comes back by itself once PostgreSQL is back. That test
//! runs its own PostgreSQL cluster (initdb into a temporary directory, as the
//! `postgres` user, on a free port), so stopping it disturbs nothing else.
//!
//! A query past the time limit: a 504, and the connection keeps serving.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use strata_server::ServerConfig;

use crate::common::{report, sign_token};

const SECRET: &str = "outage-secret";
const MODEL: &str = "cubes:\n  - name: Orders\n    sql_table: orders\n    dimensions:\n      \
    - {name: id, sql: id, type: number, primary_key: true}\n      \
    - {name: status, sql: status, type: string}\n    measures:\n      - {name: count, type: count}\n";

/// A private PostgreSQL cluster, stopped and removed on drop.
struct Cluster {
    dir: PathBuf,
    port: u16,
}

fn bin(name: &str) -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let version = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("PostgreSQL binaries not found under {root:?}: {e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .max()
        .unwrap_or_else(|| panic!("no PostgreSQL version under {root:?}"));
    version.join("bin").join(name)
}

fn as_postgres(cmd: &str) {
    let out = Command::new("su")
        .args(["postgres", "-s", "/bin/sh", "-c", cmd])
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{cmd}` as postgres: {e}"));
    assert!(
        out.status.success(),
        "`{cmd}` failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Cluster {
    fn create() -> Cluster {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let dir = std::env::temp_dir().join(format!("strata-pg-outage-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("cluster directory");
        let status = Command::new("chown")
            .args(["postgres:postgres", &dir.display().to_string()])
            .status()
            .expect("chown");
        assert!(status.success(), "chown of {dir:?} failed");
        as_postgres(&format!(
            "{} -D {}/data -A trust -U postgres >/dev/null",
            bin("initdb").display(),
            dir.display()
        ));
        let cluster = Cluster { dir, port };
        cluster.start();
        cluster
    }

    fn ctl(&self, action: &str) {
        as_postgres(&format!(
            "{} -D {dir}/data -l {dir}/log -w -t 30 -m fast -o '-p {port} -k {dir} -c listen_addresses=127.0.0.1' {action} >/dev/null",
            bin("pg_ctl").display(),
            dir = self.dir.display(),
            port = self.port,
        ));
    }

    fn start(&self) {
        self.ctl("start");
    }

    fn stop(&self) {
        self.ctl("stop");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("su")
            .args([
                "postgres",
                "-s",
                "/bin/sh",
                "-c",
                &format!(
                    "{} -D {}/data -m immediate stop",
                    bin("pg_ctl").display(),
                    self.dir.display()
                ),
            ])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts a server on `models` and `db` (API secret [`SECRET`]); returns it and its base URL.
async fn serve(models: PathBuf, db: strata::PgConfig) -> (strata_server::RunningServer, String) {
    let server = strata_server::start(ServerConfig {
        models_dir: models,
        listen: "127.0.0.1:0".parse().expect("address"),
        api_secret: Some(SECRET.into()),
        db: Some(db),
        ..Default::default()
    })
    .await
    .unwrap_or_else(|e| panic!("server start: {e}"));
    let base = server.url().trim_end_matches('/').to_string();
    (server, base)
}

async fn load(http: &reqwest::Client, base: &str, token: &str) -> (u16, Value, Duration) {
    load_measure(http, base, token, "Orders.count").await
}

/// POSTs an uncached `/load` of one measure: status, body, time taken.
async fn load_measure(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    measure: &str,
) -> (u16, Value, Duration) {
    let started = Instant::now();
    let resp = http
        .post(format!("{base}/cubejs-api/v1/load"))
        .header("Authorization", token)
        .json(&json!({"query": {"measures": [measure]}, "cache": "no-cache"}))
        .send()
        .await
        .expect("the server answers even when PostgreSQL is down");
    let status = resp.status().as_u16();
    let retry_after = resp.headers().get("retry-after").is_some();
    let mut body: Value = resp.json().await.unwrap_or(Value::Null);
    if retry_after {
        body["retryAfterHeader"] = json!(true);
    }
    (status, body, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_fails_fast_and_recovers() {
    let cluster = Cluster::create();
    let (client, conn) = tokio_postgres::connect(
        &format!(
            "host=127.0.0.1 port={} user=postgres dbname=postgres",
            cluster.port
        ),
        tokio_postgres::NoTls,
    )
    .await
    .expect("connect to the private cluster");
    tokio::spawn(conn);
    client
        .batch_execute(
            "CREATE TABLE orders (id int primary key, status text);
             INSERT INTO orders SELECT g, 'completed' FROM generate_series(1, 100) g;",
        )
        .await
        .expect("load the table");
    drop(client);

    let models = cluster.dir.join("model");
    std::fs::create_dir_all(&models).expect("model dir");
    std::fs::write(models.join("orders.yml"), MODEL).expect("model file");
    let (server, base) = serve(
        models,
        strata::PgConfig {
            port: cluster.port,
            pool_size: 4,
            ..Default::default()
        },
    )
    .await;
    let token = sign_token(SECRET, &json!({"sub": "outage"}));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let (status, body, _) = load(&http, &base, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"][0]["Orders.count"], json!("100"));

    // Keep four clients loading while PostgreSQL goes away and comes back.
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (http, base, token, stop) = (http.clone(), base.clone(), token.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let (status, body, took) = load(&http, &base, &token).await;
                seen.push((status, body, took));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            seen
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    tokio::task::spawn_blocking({
        let (dir, port) = (cluster.dir.clone(), cluster.port);
        move || Cluster { dir, port }.stop_without_cleanup()
    })
    .await
    .expect("stop PostgreSQL");

    // While it is down: a clear 503 with Retry-After, quickly.
    let mut down = Vec::new();
    for _ in 0..5 {
        down.push(load(&http, &base, &token).await);
    }
    for (status, body, took) in &down {
        assert_eq!(*status, 503, "{body}");
        let message = body["error"].as_str().unwrap_or_default();
        // A clear message, without the database's host, port or name.
        assert_eq!(
            message,
            strata_server::error::UNAVAILABLE_MESSAGE,
            "the error says the data source is away: {body}"
        );
        assert!(
            body["requestId"].as_str().is_some_and(|id| !id.is_empty()),
            "the answer names its request id: {body}"
        );
        assert_eq!(
            body["retryAfterHeader"],
            json!(true),
            "503 carries Retry-After"
        );
        assert!(*took < Duration::from_secs(2), "failed slowly: {took:?}");
    }
    let worst_down = down.iter().map(|d| d.2).max().unwrap_or_default();

    // Back up: the service resumes by itself.
    let restarted = Instant::now();
    tokio::task::spawn_blocking({
        let (dir, port) = (cluster.dir.clone(), cluster.port);
        move || {
            let c = Cluster { dir, port };
            c.start();
            std::mem::forget(c);
        }
    })
    .await
    .expect("start PostgreSQL");
    let recovered = loop {
        let (status, body, _) = load(&http, &base, &token).await;
        if status == 200 {
            assert_eq!(body["data"][0]["Orders.count"], json!("100"));
            break restarted.elapsed();
        }
        assert_eq!(status, 503, "only 503 while recovering: {body}");
        assert!(
            restarted.elapsed() < Duration::from_secs(15),
            "no recovery in 15 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    stop.store(true, Ordering::Relaxed);
    let mut statuses = std::collections::BTreeMap::new();
    for w in workers {
        for (status, body, _) in w.await.expect("worker") {
            assert!(
                status == 200 || status == 503,
                "under load only 200 or 503, got {status}: {body}"
            );
            *statuses.entry(status).or_insert(0) += 1;
        }
    }
    report(&format!(
        "pg outage: while down every request got 503 in at most {worst_down:?}; \
         recovered {recovered:?} after PostgreSQL restarted; statuses under load {statuses:?}"
    ));
    server.shutdown().await;
}

impl Cluster {
    /// Stops the cluster without removing it (the owner's drop removes it).
    fn stop_without_cleanup(self) {
        self.stop();
        std::mem::forget(self);
    }
}

/// A query running past the configured limit is stopped by PostgreSQL itself
/// (the session's `statement_timeout`) and answered with a 504 naming the
/// limit; the pooled connection it ran on keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_past_the_timeout_gets_504_and_the_pool_recovers() {
    let models = std::env::temp_dir().join(format!("strata-timeout-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&models);
    std::fs::create_dir_all(&models).expect("model dir");
    std::fs::write(
        models.join("slow.yml"),
        "cubes:\n  - name: Slow\n    sql: SELECT 1 AS id FROM pg_sleep(5)\n    \
         measures:\n      - {name: count, type: count}\n  \
         - name: Fast\n    sql: SELECT 1 AS id\n    measures:\n      - {name: count, type: count}\n",
    )
    .expect("model file");
    let (server, base) = serve(
        models.clone(),
        strata::PgConfig {
            dbname: "test".into(),
            // One connection: the fast query must run on the one the slow query timed out on.
            pool_size: 1,
            query_timeout: Duration::from_millis(300),
            ..Default::default()
        },
    )
    .await;
    let token = sign_token(SECRET, &json!({"sub": "timeout"}));
    let http = reqwest::Client::new();
    let (status, body, took) = load_measure(&http, &base, &token, "Slow.count").await;
    assert_eq!(status, 504, "{body}");
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains("timed out after 300ms"), "{body}");
    assert!(
        took < Duration::from_secs(3),
        "the 5 s query was not stopped: {took:?}"
    );

    let (status, body, _) = load_measure(&http, &base, &token, "Fast.count").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"][0]["Fast.count"], json!("1"), "{body}");
    report(&format!(
        "query timeout: 504 after {} ms for a 5 s query with a 300 ms limit; the connection served the next query",
        took.as_millis()
    ));
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&models);
}

/// PostgreSQL refusing a statement: the engine's error keeps the driver's
/// error (and so PostgreSQL's SQLSTATE) as its source, and the server answers
/// it with a 500 naming nothing of the database.
#[tokio::test]
async fn a_refused_statement_keeps_the_driver_error_as_its_source() {
    let pg = strata::PostgresExecutor::new(strata::PgConfig {
        dbname: "test".into(),
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let statement = strata::engine::SqlStatement {
        sql: "SELECT * FROM strata_no_such_table".into(),
        params: vec![],
    };
    let err = pg.query(&statement).await.unwrap_err();
    assert!(
        matches!(err, strata::EngineError::Database { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("(42P01)"), "{err}");
    let source = std::error::Error::source(&err).expect("the driver's error is the source");
    let driver = source
        .downcast_ref::<tokio_postgres::Error>()
        .unwrap_or_else(|| panic!("not a tokio-postgres error: {source:?}"));
    assert_eq!(
        driver.code(),
        Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE)
    );

    let answer = strata_server::ApiError::from(err);
    assert_eq!(answer.status.as_u16(), 500);
    assert_eq!(answer.message, strata_server::error::INTERNAL_MESSAGE);
    assert!(
        answer
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("strata_no_such_table")),
        "{answer:?}"
    );
}
