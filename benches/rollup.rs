//! The same grouped aggregate over a large fact table answered three ways:
//! (a) PostgreSQL running the SQL directly, (b) Strata planning the Cube
//! query and running it on PostgreSQL, (c) Strata answering from a rollup
//! held as Arrow.
//!
//! `cargo bench --bench rollup` uses 10 million rows in database
//! `strata_bench` (created once, kept for later runs); `STRATA_BENCH_ROWS`
//! changes the size (the test suite runs it once with 100,000 rows).
//! Needs PostgreSQL at 127.0.0.1:5432; fails loudly without it.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use strata_engine::{Engine, PgConfig, PostgresExecutor, SqlStatement, DEFAULT_DATA_SOURCE};

const MODEL: &str = r#"
cubes:
  - name: Events
    sql_table: bench_events
    dimensions:
      - name: id
        sql: id
        type: number
        primary_key: true
      - name: status
        sql: status
        type: string
      - name: createdAt
        sql: created_at
        type: time
    measures:
      - name: count
        type: count
      - name: amount
        sql: amount
        type: sum
    pre_aggregations:
      - name: byDay
        measures: [CUBE.count, CUBE.amount]
        dimensions: [CUBE.status]
        time_dimension: CUBE.createdAt
        granularity: day
"#;

const DB: &str = "strata_bench";

fn rows_wanted() -> i64 {
    std::env::var("STRATA_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

async fn connect(db: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(
        &format!("host=127.0.0.1 port=5432 user=postgres dbname={db}"),
        tokio_postgres::NoTls,
    )
    .await
    .unwrap_or_else(|e| panic!("the rollup bench needs PostgreSQL at 127.0.0.1:5432: {e}"));
    tokio::spawn(conn);
    client
}

/// Creates `bench_events` with `rows` rows unless it already has them.
async fn ensure_table(rows: i64) {
    let admin = connect("postgres").await;
    let exists = admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&DB])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .is_some();
    if !exists {
        admin
            .batch_execute(&format!("CREATE DATABASE {DB}"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let c = connect(DB).await;
    let have: i64 = match c.query_one("SELECT count(*) FROM bench_events", &[]).await {
        Ok(r) => r.get(0),
        Err(_) => -1,
    };
    if have == rows {
        return;
    }
    eprintln!("creating bench_events with {rows} rows (once)...");
    c.batch_execute(&format!(
        "DROP TABLE IF EXISTS bench_events;
         CREATE TABLE bench_events AS
           SELECT g AS id,
                  (ARRAY['completed','shipped','processing','cancelled','returned'])[1 + g % 5] AS status,
                  timestamp '2024-01-01' + (g % 366) * interval '1 day' + (g % 86400) * interval '1 second' AS created_at,
                  ((g::bigint * 7919) % 10000) / 100.0 AS amount
           FROM generate_series(1, {rows}) AS g;
         ANALYZE bench_events;"
    ))
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}

/// Rows with decimal strings written without trailing zeros (PostgreSQL and
/// the rollup may keep a different scale for the same value).
fn normalized(rows: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    rows.into_iter()
        .map(|mut r| {
            if let Some(o) = r.as_object_mut() {
                for v in o.values_mut() {
                    if let Some(s) = v
                        .as_str()
                        .filter(|s| s.contains('.') && s.parse::<f64>().is_ok())
                    {
                        *v = serde_json::Value::String(
                            s.trim_end_matches('0').trim_end_matches('.').to_string(),
                        );
                    }
                }
            }
            r
        })
        .collect()
}

fn rollup_vs_postgres(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = rows_wanted();
    rt.block_on(ensure_table(rows));
    let model = strata_schema::load_files(&[(PathBuf::from("bench.yml"), MODEL.to_string())])
        .unwrap_or_else(|e| panic!("{e}"));
    let pg = Arc::new(
        PostgresExecutor::new(PgConfig {
            dbname: DB.into(),
            pool_size: 4,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}")),
    );
    let model = Arc::new(model);
    let through_pg = Engine::builder(model.clone())
        .data_source(DEFAULT_DATA_SOURCE, pg.clone())
        .build();
    let with_rollup = Engine::builder(model)
        .data_source(DEFAULT_DATA_SOURCE, pg.clone())
        .rollups(1 << 30)
        .build();
    assert_eq!(
        rt.block_on(with_rollup.build_rollups(&|_, _| {})),
        1,
        "the rollup builds"
    );

    let query = json!({
        "measures": ["Events.count", "Events.amount"],
        "dimensions": ["Events.status"],
        "timeDimensions": [{"dimension": "Events.createdAt", "granularity": "month", "dateRange": ["2024-01-01", "2024-12-31"]}],
        "order": [["Events.createdAt", "asc"], ["Events.status", "asc"]],
    });
    let query = strata::Query::from_json(&query).unwrap_or_else(|e| panic!("{e}"));
    let planned = through_pg.plan(&query).unwrap_or_else(|e| panic!("{e}"));
    let direct = SqlStatement {
        sql: planned.sql.clone(),
        params: planned
            .params
            .iter()
            .map(|p| p.as_str().map(str::to_string))
            .collect(),
    };
    // Same rows all three ways before timing anything.
    let a = rt
        .block_on(pg.query(&direct))
        .unwrap_or_else(|e| panic!("{e}"))
        .len();
    let b = rt
        .block_on(through_pg.load(&query))
        .unwrap_or_else(|e| panic!("{e}"));
    let r = rt
        .block_on(with_rollup.load(&query))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, b.rows_json().len());
    assert_eq!(
        normalized(b.rows_json()),
        normalized(r.rows_json()),
        "the rollup answers like PostgreSQL"
    );
    assert!(r.used_pre_aggregations.contains_key("Events.byDay"));

    let mut group = c.benchmark_group(format!("grouped_aggregate_{rows}_rows"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(if rows >= 1_000_000 { 30 } else { 3 }));
    group.bench_function("a_postgres_direct", |bch| {
        bch.iter(|| rt.block_on(pg.query(black_box(&direct))).map(|r| r.len()))
    });
    group.bench_function("b_strata_via_postgres", |bch| {
        bch.iter(|| {
            rt.block_on(through_pg.load(black_box(&query)))
                .map(|r| r.result.num_rows())
        })
    });
    group.finish();
    let mut fast = c.benchmark_group(format!("grouped_aggregate_{rows}_rows"));
    fast.sample_size(50);
    fast.bench_function("c_strata_from_rollup", |bch| {
        bch.iter(|| {
            rt.block_on(with_rollup.load(black_box(&query)))
                .map(|r| r.result.num_rows())
        })
    });
    fast.finish();
}

criterion_group!(benches, rollup_vs_postgres);
criterion_main!(benches);
