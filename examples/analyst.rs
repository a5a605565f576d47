//! Strata's AI analytics embedded in a Rust program: the bundled demo on
//! DataFusion (no database), questions in plain language answered with data,
//! a chart and insights through [`strata::Analyst`], in a conversation kept
//! in memory. No HTTP server and no LLM (the offline translator reads the
//! questions; set `AnalystSettings::llm` to use an LLM endpoint).
//!
//! `cargo run --example analyst`

use std::sync::Arc;

use strata::{
    Analyst, AnalystScope, AnalystSettings, ConversationBackend, DataFusionExecutor, Engine,
    Outcome, DEFAULT_DATA_SOURCE,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The demo engine, as in `examples/embedded.rs`.
    let model = strata::load_files(&strata::demo::model_files())?;
    let demo = strata::demo::DemoData::today();
    let data = DataFusionExecutor::new();
    for table in demo.tables() {
        let batches = table.batches()?;
        data.register_batches(&table.name, table.schema, batches)?;
    }
    let engine = Engine::builder(Arc::new(model))
        .data_source(DEFAULT_DATA_SOURCE, Arc::new(data))
        .build();

    // The analyst, with conversations in memory; every member of the model
    // may be asked about (`AnalystScope::with_grant` restricts that).
    let analyst = Analyst::new(AnalystSettings {
        conversations: ConversationBackend::Memory,
        ..AnalystSettings::default()
    })?;
    let scope = AnalystScope::new(engine);

    let first = analyst.ask(&scope, "revenue by channel", None).await?;
    print_outcome(&first)?;
    let second = analyst
        .ask(&scope, "orders by month last year", None)
        .await?;
    print_outcome(&second)?;
    // A follow-up refines the conversation's last query.
    let follow_up = analyst
        .ask(&scope, "only web", second.conversation_id())
        .await?;
    print_outcome(&follow_up)?;
    if follow_up.conversation_id() != second.conversation_id() {
        return Err("the follow-up should continue the conversation".into());
    }
    // The same answers serialize to the HTTP API's JSON.
    let body = serde_json::to_value(&follow_up)?;
    println!(
        "as JSON: turn {} of {}",
        body["turn"], body["conversationId"]
    );
    Ok(())
}

/// Prints an answer (query, rows, chart, first insight) or fails on a refusal.
fn print_outcome(outcome: &Outcome) -> Result<(), Box<dyn std::error::Error>> {
    match outcome {
        Outcome::Answer(a) => {
            println!(
                "{:?} → {}",
                a.question.as_deref().unwrap_or_default(),
                serde_json::to_string(&a.translation.query)?
            );
            println!(
                "  {} rows, a {} chart",
                a.table.rows.len(),
                a.chart.chart_type.as_str()
            );
            if let Some(insight) = a.insights.first() {
                println!("  {}", insight.text);
            }
            Ok(())
        }
        Outcome::Refusal(r) => {
            Err(format!("{:?} was not answered: {}", r.question, r.message).into())
        }
    }
}
