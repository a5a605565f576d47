//! Runs every query of a conformance `cases.jsonl` and prints one JSON line
//! per case: `{"name", "data"|"error", "total"}`. With `--datafusion` the
//! corpus tables are copied from PostgreSQL into Arrow and the queries run
//! on DataFusion instead.
//!
//! `cargo run -p strata-engine --example load_corpus -- MODEL_DIR CASES.jsonl DBNAME [--datafusion] [--rollups]`

use std::sync::Arc;

use strata_engine::exec::postgres_to_arrow;
use strata_engine::{
    Backend, DataFusionExecutor, Engine, PgConfig, PostgresExecutor, Query, DEFAULT_DATA_SOURCE,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(model_dir), Some(cases), Some(db)) = (args.get(1), args.get(2), args.get(3)) else {
        return Err("usage: load_corpus MODEL_DIR CASES.jsonl DBNAME [--datafusion]".into());
    };
    let model = Arc::new(strata_schema::load_dir(model_dir)?);
    let pg = Arc::new(PostgresExecutor::new(PgConfig {
        dbname: db.clone(),
        ..Default::default()
    })?);
    let backend: Backend = if args.iter().any(|a| a == "--datafusion") {
        let df = DataFusionExecutor::new();
        for table in ["products", "customers", "ecommerce", "bigecommerce"] {
            let batch = postgres_to_arrow(&pg, &format!("SELECT * FROM {table}")).await?;
            df.register_batches(table, batch.schema(), vec![batch])?;
        }
        Arc::new(df)
    } else {
        pg
    };
    let mut builder = Engine::builder(model).data_source(DEFAULT_DATA_SOURCE, backend);
    let with_rollups = args.iter().any(|a| a == "--rollups");
    if with_rollups {
        builder = builder.rollups(strata_engine::preagg::DEFAULT_MAX_BYTES);
    }
    let engine = builder.build();
    if with_rollups {
        let n = engine
            .build_rollups(&|def, ev| eprintln!("{}: {ev:?}", def.id))
            .await;
        eprintln!("{n} rollups built");
    }
    for line in std::fs::read_to_string(cases)?.lines() {
        let case: serde_json::Value = serde_json::from_str(line)?;
        let loaded = match Query::from_json(&case["query"]) {
            Ok(q) => engine.load(&q).await,
            Err(e) => Err(e.into()),
        };
        let out = match loaded {
            Ok(r) => {
                serde_json::json!({"name": case["name"], "data": r.rows_json(), "total": r.total,
                    "usedPreAggregations": r.used_pre_aggregations})
            }
            Err(e) => serde_json::json!({"name": case["name"], "error": e.to_string()}),
        };
        println!("{out}");
    }
    Ok(())
}
