//! Plans every query of a conformance `cases.jsonl` and prints the SQL.
//!
//! `cargo run -p strata-engine --example plan_corpus -- MODEL_DIR CASES.jsonl`

use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(model_dir), Some(cases)) = (args.get(1), args.get(2)) else {
        return Err("usage: plan_corpus MODEL_DIR CASES.jsonl".into());
    };
    let model = strata_schema::load_dir(model_dir)?;
    let engine = strata_engine::Engine::new(Arc::new(model), None);
    for line in std::fs::read_to_string(cases)?.lines() {
        let case: serde_json::Value = serde_json::from_str(line)?;
        println!("-- {}", case["name"]);
        match engine.plan(&case["query"]) {
            Ok(p) => println!("{}\n-- params: {:?}\n", p.sql, p.params),
            Err(e) => println!("-- error: {e}\n"),
        }
    }
    Ok(())
}
