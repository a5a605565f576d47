//! Forecasts on the demo: for revenue and order counts per day, week and
//! month over the demo's two years, the method (MSTL + AutoETS, or AutoETS)
//! is backtested on the last periods it was not shown, beside a
//! seasonal-naive forecast of the same periods. The figures are reported;
//! the method must beat seasonal-naive on every one of them.

use std::sync::Arc;

use serde_json::json;
use strata::llm::forecast::{self, ForecastMethod};
use strata::{DataFusionExecutor, Engine, Query, DEFAULT_DATA_SOURCE};

use crate::common::report;

fn demo_engine() -> Engine {
    let model = strata::load_files(&strata::demo::model_files())
        .unwrap_or_else(|e| panic!("demo model: {e}"));
    let demo = strata::demo::DemoData::pinned();
    let data = DataFusionExecutor::new();
    for table in demo.tables() {
        let batches = table.batches().unwrap_or_else(|e| panic!("{e}"));
        data.register_batches(&table.name, table.schema, batches)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    Engine::builder(Arc::new(model))
        .data_source(DEFAULT_DATA_SOURCE, Arc::new(data))
        .build()
}

/// The measure per period over the demo's whole (pinned) period.
async fn series(engine: &Engine, measure: &str, granularity: &str) -> Vec<f64> {
    let query: Query = serde_json::from_value(json!({
        "measures": [measure],
        "timeDimensions": [{
            "dimension": "Orders.created_at",
            "granularity": granularity,
            "dateRange": ["2023-01-01", "2024-12-31"]
        }],
        "order": {"Orders.created_at": "asc"}
    }))
    .unwrap_or_else(|e| panic!("{e}"));
    let result = engine.load(&query).await.unwrap_or_else(|e| panic!("{e}"));
    let rows = result.rows_json();
    let mut values: Vec<f64> = rows
        .iter()
        .map(|r| match &r[measure] {
            serde_json::Value::String(s) => s.parse().unwrap_or(f64::NAN),
            v => v.as_f64().unwrap_or(f64::NAN),
        })
        .collect();
    // Weeks: the first and last weeks straddle the period's ends.
    if granularity == "week" {
        values.remove(0);
        values.pop();
    }
    values
}

#[tokio::test]
async fn demo_backtests_beat_seasonal_naive() {
    let engine = demo_engine();
    let mut lines = Vec::new();
    let mut must_win = Vec::new();
    for (measure, granularity, horizon) in [
        ("Orders.revenue", "day", 28),
        ("Orders.count", "day", 28),
        ("Orders.revenue", "week", 8),
        ("Orders.count", "week", 8),
        ("Orders.revenue", "month", 3),
        ("Orders.count", "month", 3),
    ] {
        let history = series(&engine, measure, granularity).await;
        let season = forecast::season_of(granularity);
        let f = forecast::forecast(&history, horizon, season)
            .unwrap_or_else(|e| panic!("{measure} by {granularity}: {e}"));
        assert_eq!(f.point.len(), horizon);
        let bt = f
            .backtest
            .unwrap_or_else(|| panic!("{measure} by {granularity}: no backtest"));
        let method = match f.method {
            ForecastMethod::SeasonalEts { period } => format!("MSTL({period})+AutoETS"),
            _ => "AutoETS".to_string(),
        };
        lines.push(format!(
            "{measure:<15} by {granularity:<5} ({} periods, {method}): held out {:>2}, MAPE {:>5.1}% vs seasonal-naive {:>5.1}% ({:+.0}%)",
            history.len(),
            bt.held_out,
            bt.mape * 100.0,
            bt.seasonal_naive_mape * 100.0,
            -bt.improvement() * 100.0,
        ));
        must_win.push((format!("{measure} by {granularity}"), bt));
    }
    report(&format!(
        "forecast backtests on the demo:\n{}",
        lines.join("\n")
    ));
    for (what, bt) in must_win {
        assert!(
            bt.mape < bt.seasonal_naive_mape,
            "{what}: MAPE {} is not below seasonal-naive {}",
            bt.mape,
            bt.seasonal_naive_mape
        );
    }
}

/// "Forecast revenue for the next 3 months" on the (pinned) demo: the
/// answer is the monthly history up to the last complete month with data,
/// plus a `forecast` block of three months with a band and a backtest, a
/// dashed forecast series on the chart and an insight naming the method.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forecast_question_gets_the_history_and_a_forecast() {
    use crate::ai_analytics::{alice, ask, demo_config, scratch_dir, start};

    let dir = scratch_dir("forecast");
    let server = start(demo_config(&dir)).await;
    let a = ask(
        &server,
        &alice(),
        "forecast revenue for the next 3 months",
        None,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["success"], true, "{}", a.body);
    let query = &a.body["generatedQuery"];
    assert_eq!(query["measures"], json!(["Orders.revenue"]), "{query}");
    assert_eq!(
        query["timeDimensions"][0]["granularity"], "month",
        "{query}"
    );
    assert_eq!(
        query["timeDimensions"][0]["dateRange"],
        json!(["2023-01-01", "2024-12-31"]),
        "{query}"
    );
    let f = &a.body["forecast"];
    let periods: Vec<&str> = f["points"]
        .as_array()
        .map(|p| p.iter().filter_map(|p| p["period"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        periods,
        [
            "2025-01-01T00:00:00.000",
            "2025-02-01T00:00:00.000",
            "2025-03-01T00:00:00.000"
        ],
        "{f}"
    );
    for p in f["points"].as_array().into_iter().flatten() {
        let (lo, v, hi) = (
            p["lower"].as_f64().unwrap_or(f64::NAN),
            p["value"].as_f64().unwrap_or(f64::NAN),
            p["upper"].as_f64().unwrap_or(f64::NAN),
        );
        assert!(lo <= v && v <= hi && v > 0.0, "{p}");
    }
    assert!(
        f["method"].as_str().is_some_and(|m| m.contains("AutoETS")),
        "{f}"
    );
    let bt = &f["backtest"];
    assert!(
        bt["mape"].as_f64() < bt["seasonalNaiveMape"].as_f64(),
        "the monthly backtest should beat seasonal-naive: {bt}"
    );
    let names: Vec<&str> = a.body["chart"]["option"]["series"]
        .as_array()
        .map(|s| s.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(names.contains(&"Forecast"), "{names:?}");
    let insight = a.body["insights"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["kind"] == "forecast"))
        .cloned()
        .unwrap_or_default();
    assert!(
        insight["text"]
            .as_str()
            .is_some_and(|t| t.contains("Backtest")),
        "{insight}"
    );

    // As a follow-up: the conversation's last query is the history.
    let first = ask(&server, &alice(), "orders by month", None).await;
    assert_eq!(first.body["success"], true, "{}", first.body);
    let id = crate::ai_analytics::conversation_id(&first);
    let f = ask(
        &server,
        &alice(),
        "now forecast it for the next 2 months",
        Some(&id),
    )
    .await;
    assert_eq!(f.body["success"], true, "{}", f.body);
    assert_eq!(
        f.body["generatedQuery"]["measures"],
        json!(["Orders.count"]),
        "{}",
        f.body
    );
    assert_eq!(
        f.body["forecast"]["points"].as_array().map(Vec::len),
        Some(2),
        "{}",
        f.body["forecast"]
    );
    assert_eq!(f.body["turn"], 2, "{}", f.body);

    // Several measures cannot be forecast as one series: an honest refusal.
    let r = ask(
        &server,
        &alice(),
        "forecast revenue and orders by channel for the next quarter",
        None,
    )
    .await;
    assert_eq!(r.body["success"], false, "{}", r.body);
    assert!(
        r.body["error"]
            .as_str()
            .is_some_and(|e| e.contains("forecast")),
        "{}",
        r.body
    );
    server.shutdown().await;
}
