//! Strata embedded in a Rust program: the bundled demo model and data on
//! DataFusion (no database), one Cube query, chart-ready columns out.
//!
//! `cargo run --example embedded`

use std::sync::Arc;

use serde_json::json;
use strata::{DataFusionExecutor, Engine, DEFAULT_DATA_SOURCE};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A model from YAML (here the demo's; `strata::load_dir("model")` reads a directory).
    let model = strata::load_files(&strata::demo::model_files())?;

    // Its data as Arrow record batches in a DataFusion session (your own
    // batches register the same way; `DemoData::register` keeps the demo's
    // in its compact stored form instead). The demo's data covers the two
    // years up to yesterday (`DemoData::pinned()` fixes them to 2023–2024).
    let demo = strata::demo::DemoData::today();
    println!("demo data: {}", demo.period());
    let data = DataFusionExecutor::new();
    for table in demo.tables() {
        let batches = table.batches()?;
        data.register_batches(&table.name, table.schema, batches)?;
    }
    let engine = Engine::builder(Arc::new(model))
        .data_source(DEFAULT_DATA_SOURCE, Arc::new(data))
        .build();

    // A Cube REST query, exactly as a Cube client sends it, read into the
    // typed `Query` (a mistake here is an error naming its path).
    let query: strata::Query = serde_json::from_value(json!({
        "measures": ["Orders.count"],
        "timeDimensions": [{
            "dimension": "Orders.created_at",
            "granularity": "quarter",
            "dateRange": "last year"
        }]
    }))?;
    println!("SQL: {}", engine.plan(&query)?.sql);
    let result = engine.load(&query).await?;
    println!("{} rows", result.result.num_rows());
    println!("{}", serde_json::to_string_pretty(&result.columns_json())?);
    if result.result.num_rows() != 4 {
        return Err(format!("expected 4 quarters, got {}", result.result.num_rows()).into());
    }
    Ok(())
}
