//! Result serialisation cost: a 10,000-row `/load` answer (demo `LineItems`,
//! ungrouped, eight dimensions, run once on DataFusion) turned into Cube's
//! row JSON as `/load` writes it (`serde_json::to_vec(&LoadResult::rows())`,
//! straight from the columns), through JSON values (`LoadResult::rows_json`,
//! then `serde_json::to_vec`; what the AI endpoints use), and into the
//! chart-ready columns JSON (`LoadResult::columns_json`, then `to_vec`).
//!
//! Budget (release build): at most 10 ms for 10,000 rows in each form the
//! HTTP API writes (`rows`, `columns_json`). `rows_json` builds a `Value` per
//! cell and allocates accordingly (15.5 ms, over that budget); it is kept
//! for the AI endpoints' chart-sized results.
//!
//! `cargo bench --bench serialize`; `STRATA_BENCH_QUICK=1` for a quick pass.
//! Under `cargo test --all-targets` criterion runs each benchmark once as a
//! smoke test.

mod common;

use common::Times;
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use strata_engine::{DataFusionExecutor, Engine, LoadResult, DEFAULT_DATA_SOURCE};

const ROWS: usize = 10_000;

/// Runs a 10,000-row query on the demo data.
fn ten_thousand_rows() -> LoadResult {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let model = strata_schema::load_files(&strata_demo::model_files())
        .unwrap_or_else(|e| panic!("demo model: {e}"));
    let df = DataFusionExecutor::new();
    strata_demo::DemoData::pinned()
        .register(&df)
        .unwrap_or_else(|e| panic!("{e}"));
    let engine = Engine::builder(Arc::new(model))
        .data_source(DEFAULT_DATA_SOURCE, Arc::new(df))
        .build();
    let query = json!({
        "dimensions": [
            "LineItems.id", "LineItems.order_id", "LineItems.product_id", "LineItems.quantity",
            "LineItems.unit_price", "LineItems.discount", "LineItems.amount", "Orders.created_at"
        ],
        "order": [["LineItems.id", "asc"]],
        "ungrouped": true,
        "limit": ROWS
    });
    let query = strata::Query::from_json(&query).unwrap_or_else(|e| panic!("{e}"));
    let result = rt
        .block_on(engine.load(&query))
        .unwrap_or_else(|e| panic!("demo query: {e}"));
    assert_eq!(result.rows_json().len(), ROWS, "the demo has fewer rows");
    result
}

fn serialize(c: &mut Criterion) {
    let result = ten_thousand_rows();
    let mut group = c.benchmark_group("serialize_10k");
    common::configure(
        &mut group,
        20,
        Times {
            warm_up: Duration::from_millis(200),
            measurement: Duration::from_millis(800),
        },
        Times {
            warm_up: Duration::from_secs(1),
            measurement: Duration::from_secs(4),
        },
    );
    group.bench_function("rows", |b| {
        b.iter(|| serde_json::to_vec(&black_box(&result).rows()).map(|v| v.len()))
    });
    group.bench_function("rows_json", |b| {
        b.iter(|| serde_json::to_vec(&black_box(&result).rows_json()).map(|v| v.len()))
    });
    group.bench_function("columns_json", |b| {
        b.iter(|| serde_json::to_vec(&black_box(&result).columns_json()).map(|v| v.len()))
    });
    group.finish();
}

criterion_group!(benches, serialize);
criterion_main!(benches);
