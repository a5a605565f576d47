//! Plans every query of a conformance `cases.jsonl` and prints the SQL.
//!
//! `cargo run -p strata-engine --example plan_corpus -- MODEL_DIR CASES.jsonl [REPEAT]`
//!
//! With `REPEAT`, each query is planned that many times and nothing is
//! printed (for profiling the planner).

use std::sync::Arc;

use strata_engine::Query;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(model_dir), Some(cases)) = (args.get(1), args.get(2)) else {
        return Err("usage: plan_corpus MODEL_DIR CASES.jsonl".into());
    };
    let model = strata_schema::load_dir(model_dir)?;
    let engine = strata_engine::Engine::new(Arc::new(model), None);
    if let Some(repeat) = args.get(3).and_then(|r| r.parse::<usize>().ok()) {
        let queries: Vec<serde_json::Value> = std::fs::read_to_string(cases)?
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|c| c["query"].clone())
            .collect();
        let mut planned = 0usize;
        for _ in 0..repeat {
            for q in &queries {
                let ok = Query::from_json(q).and_then(|q| engine.plan(&q)).is_ok();
                planned += usize::from(ok);
            }
        }
        eprintln!("{planned} plans");
        return Ok(());
    }
    for line in std::fs::read_to_string(cases)?.lines() {
        let case: serde_json::Value = serde_json::from_str(line)?;
        println!("-- {}", case["name"]);
        match Query::from_json(&case["query"]).and_then(|q| engine.plan(&q)) {
            Ok(p) => println!("{}\n-- params: {:?}\n", p.sql, p.params),
            Err(e) => println!("-- error: {e}\n"),
        }
    }
    Ok(())
}
