//! The demo model run end to end through the [`Engine`] on DataFusion.

use std::sync::Arc;

use serde_json::{json, Value};
use strata_schema::MemberKind;

use super::demo;
use crate::model_files;
use strata_engine::{DataFusionExecutor, Engine, DEFAULT_DATA_SOURCE};

fn engine() -> Engine {
    let model = strata_schema::load_files(&model_files()).unwrap();
    let df = DataFusionExecutor::new();
    for t in demo() {
        df.register_table(&t.name, t.provider().unwrap()).unwrap();
    }
    Engine::builder(Arc::new(model))
        .data_source(DEFAULT_DATA_SOURCE, Arc::new(df))
        .build()
}

async fn rows(engine: &Engine, json: Value) -> Vec<Value> {
    let query = strata_engine::Query::from_json(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
    match engine.load(&query).await {
        Ok(r) => r.rows_json(),
        Err(e) => {
            let sql = engine.plan(&query).map(|p| p.sql).unwrap_or_default();
            panic!("{json}\n{e}\n{sql}")
        }
    }
}

#[tokio::test]
async fn every_member_loads_through_the_engine() {
    let engine = engine();
    let model = engine.model().clone();
    for cube in model.cubes.values() {
        for m in cube.measures.keys() {
            let name = format!("{}.{m}", cube.name);
            let r = rows(&engine, json!({"measures": [name]})).await;
            assert_eq!(r.len(), 1, "{name}");
            assert!(!r[0][&name].is_null(), "{name}: {:?}", r[0]);
        }
        for d in cube.dimensions.keys() {
            let name = format!("{}.{d}", cube.name);
            let count = format!("{}.count", cube.name);
            let r = rows(
                &engine,
                json!({"measures": [count], "dimensions": [name], "limit": 5}),
            )
            .await;
            assert!(!r.is_empty(), "{name}");
        }
        for s in cube.segments.keys() {
            let name = format!("{}.{s}", cube.name);
            let count = format!("{}.count", cube.name);
            rows(&engine, json!({"measures": [count], "segments": [name]})).await;
        }
    }
    for view in model.views.values() {
        let dims: Vec<String> = view
            .members
            .values()
            .filter(|m| m.kind == MemberKind::Dimension)
            .map(|m| format!("{}.{}", view.name, m.name))
            .collect();
        let measures: Vec<String> = view
            .members
            .values()
            .filter(|m| m.kind == MemberKind::Measure)
            .map(|m| format!("{}.{}", view.name, m.name))
            .collect();
        // Each measure with some dimension, each dimension with some measure.
        for i in 0..measures.len().max(dims.len()) {
            let (m, d) = (&measures[i % measures.len()], &dims[i % dims.len()]);
            let q = json!({"measures": [m], "dimensions": [d], "limit": 3});
            assert!(!rows(&engine, q).await.is_empty(), "{m} by {d}");
        }
    }
}

fn number(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap_or(f64::NAN),
        v => v.as_f64().unwrap_or(f64::NAN),
    }
}

#[tokio::test]
async fn typical_questions() {
    let engine = engine();
    let by_month = rows(
        &engine,
        json!({
            "measures": ["Orders.revenue", "Orders.count"],
            "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "month",
                                "dateRange": ["2024-01-01", "2024-12-31"]}]
        }),
    )
    .await;
    assert_eq!(by_month.len(), 12);
    let by_region = rows(
        &engine,
        json!({
            "measures": ["sales_overview.revenue", "sales_overview.profit"],
            "dimensions": ["sales_overview.region", "sales_overview.category"],
            "filters": [{"member": "sales_overview.status", "operator": "equals", "values": ["completed"]}],
            "order": {"sales_overview.revenue": "desc"}
        }),
    )
    .await;
    assert_eq!(by_region.len(), 6 * 8);
    let signups = rows(
        &engine,
        json!({
            "measures": ["Users.count"],
            "dimensions": ["Regions.name"],
            "timeDimensions": [{"dimension": "Users.signed_up_at", "granularity": "quarter"}]
        }),
    )
    .await;
    assert_eq!(signups.len(), 6 * 8);
    let total: f64 = signups.iter().map(|r| number(&r["Users.count"])).sum();
    assert_eq!(total, 20_000.0);
    // Orders joined to their line items are counted once, not once per line.
    let fan = rows(
        &engine,
        json!({"measures": ["Orders.count", "LineItems.units_sold"], "dimensions": ["Orders.channel"]}),
    )
    .await;
    let orders: f64 = fan.iter().map(|r| number(&r["Orders.count"])).sum();
    let expected = demo()
        .iter()
        .find(|t| t.name == "orders")
        .map(|t| t.num_rows());
    assert_eq!(Some(orders as usize), expected);
}
