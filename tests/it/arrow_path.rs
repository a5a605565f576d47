//! The Arrow path of the engine judged by the same conformance corpus: the
//! corpus data copied from PostgreSQL into DataFusion, and the model's
//! rollups built and used. Every path must give Cube's expected results and
//! the same rows as PostgreSQL.

use std::sync::Arc;

use serde_json::{json, Value};
use strata_engine::exec::postgres_to_arrow;
use strata_engine::{DataFusionExecutor, Engine, PgConfig, PostgresExecutor, DEFAULT_DATA_SOURCE};

use crate::common::*;

const TABLES: [&str; 4] = ["products", "customers", "ecommerce", "bigecommerce"];

fn postgres() -> Arc<PostgresExecutor> {
    Arc::new(
        PostgresExecutor::new(PgConfig {
            dbname: DB_NAME.into(),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}")),
    )
}

async fn datafusion(pg: &PostgresExecutor) -> Arc<DataFusionExecutor> {
    let df = DataFusionExecutor::new();
    for t in TABLES {
        let batch = postgres_to_arrow(pg, &format!("SELECT * FROM {t}"))
            .await
            .unwrap_or_else(|e| panic!("copying {t} into Arrow: {e}"));
        assert!(batch.num_rows() > 0, "{t} is empty");
        df.register_batches(t, batch.schema(), vec![batch])
            .unwrap_or_else(|e| panic!("{e}"));
    }
    Arc::new(df)
}

fn model() -> Arc<strata_schema::SemanticModel> {
    Arc::new(strata_schema::load_dir(model_dir()).unwrap_or_else(|e| panic!("{e}")))
}

/// A `/load`-shaped body (and status) from an engine answer.
async fn answer(engine: &Engine, query: &Value) -> (u16, Value, usize) {
    let query = match strata::Query::from_json(query) {
        Ok(q) => q,
        Err(e) => return (400, serde_json::json!({"error": e.to_string()}), 0),
    };
    match engine.load(&query).await {
        Ok(r) => (
            200,
            json!({"data": r.rows_json(), "total": r.total}),
            r.used_pre_aggregations.len(),
        ),
        Err(e) => (
            strata_server::error::engine_status(&e).as_u16(),
            json!({"error": e.to_string()}),
            0,
        ),
    }
}

/// Runs the corpus on `engine`, checking Cube's expectations and equality
/// with the PostgreSQL engine's rows. Returns (failures, cases served by a rollup).
async fn run_corpus(label: &str, engine: &Engine, reference: &Engine) -> (Vec<String>, usize) {
    let cases = load_cases();
    let mut failures = Vec::new();
    let mut from_rollups = 0;
    for case in &cases {
        let (status, body, used) = answer(engine, &case.query).await;
        from_rollups += usize::from(used > 0);
        if let Err(e) = check_response(case, status, &body) {
            failures.push(format!("{}: {e}", case.name));
            continue;
        }
        if status == 200 {
            let (_, reference_body, _) = answer(reference, &case.query).await;
            let ours = body["data"].as_array().cloned().unwrap_or_default();
            let theirs = reference_body["data"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if let Err(e) = compare_rows(&theirs, &ours, case.order_sensitive) {
                failures.push(format!("{}: differs from PostgreSQL: {e}", case.name));
            }
        }
    }
    report(&format!(
        "{label}: {} passed, {} failed ({from_rollups} served from rollups)",
        cases.len() - failures.len(),
        failures.len()
    ));
    for f in &failures {
        report(&format!("  FAIL {f}"));
    }
    (failures, from_rollups)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_on_datafusion_and_rollups_matches_postgres() {
    setup_database().await;
    let pg = postgres();
    let model = model();
    let reference = Engine::new(model.clone(), Some(pg.clone()));
    let df = datafusion(&pg).await;

    let on_datafusion = Engine::builder(model.clone())
        .data_source(DEFAULT_DATA_SOURCE, df.clone())
        .build();
    let (df_failures, _) = run_corpus("datafusion", &on_datafusion, &reference).await;

    let with_rollups = Engine::builder(model.clone())
        .data_source(DEFAULT_DATA_SOURCE, pg.clone())
        .rollups(strata_engine::preagg::DEFAULT_MAX_BYTES)
        .build();
    let declared = with_rollups.rollups().map(|r| r.defs().len()).unwrap_or(0);
    let built = with_rollups.build_rollups(&|_, _| {}).await;
    assert_eq!(built, declared, "every rollup of the corpus model builds");
    let (rollup_failures, served) = run_corpus("rollups", &with_rollups, &reference).await;
    assert!(
        served >= 5,
        "the partitioned pre-aggregation cases are served from rollups ({served})"
    );

    let datafusion_rollups = Engine::builder(model)
        .data_source(DEFAULT_DATA_SOURCE, df)
        .rollups(strata_engine::preagg::DEFAULT_MAX_BYTES)
        .build();
    assert_eq!(datafusion_rollups.build_rollups(&|_, _| {}).await, declared);
    let (both_failures, _) =
        run_corpus("datafusion+rollups", &datafusion_rollups, &reference).await;

    assert!(
        df_failures.is_empty() && rollup_failures.is_empty() && both_failures.is_empty(),
        "Arrow paths differ from Cube or PostgreSQL"
    );
}
