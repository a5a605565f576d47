//! Runs every query of a conformance `cases.jsonl` on PostgreSQL and prints
//! one JSON line per case: `{"name", "data"|"error", "total"}`.
//!
//! `cargo run -p strata-engine --example load_corpus -- MODEL_DIR CASES.jsonl DBNAME`

use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(model_dir), Some(cases), Some(db)) = (args.get(1), args.get(2), args.get(3)) else {
        return Err("usage: load_corpus MODEL_DIR CASES.jsonl DBNAME".into());
    };
    let model = strata_schema::load_dir(model_dir)?;
    let pg = strata_engine::PostgresExecutor::new(strata_engine::PgConfig {
        dbname: db.clone(),
        ..Default::default()
    })?;
    let engine = strata_engine::Engine::new(Arc::new(model), Some(Arc::new(pg)));
    for line in std::fs::read_to_string(cases)?.lines() {
        let case: serde_json::Value = serde_json::from_str(line)?;
        let out = match engine.load(&case["query"]).await {
            Ok(r) => {
                serde_json::json!({"name": case["name"], "data": r.rows_json(), "total": r.total})
            }
            Err(e) => serde_json::json!({"name": case["name"], "error": e.to_string()}),
        };
        println!("{out}");
    }
    Ok(())
}
