//! `strata serve --demo`: the bundled model and data answer `/meta` and a
//! `/load` for every cube and view, with no database configured, and `/meta`
//! says which days have data.

use serde_json::{json, Value};
use strata::demo::DemoData;
use strata_server::{EngineSettings, RunningServer, ServerConfig};

use crate::common::start_demo_server;

/// A demo server in dev mode on the data of `demo`.
async fn start_demo(demo: DemoData) -> RunningServer {
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        dev_mode: true,
        engine: EngineSettings {
            demo: Some(demo),
            ..EngineSettings::default()
        },
        ..ServerConfig::default()
    };
    strata_server::start(config)
        .await
        .unwrap_or_else(|e| panic!("demo server: {e}"))
}

async fn get(http: &reqwest::Client, url: String) -> Value {
    http.get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn load(http: &reqwest::Client, base: &str, query: Value) -> Value {
    http.post(format!("{base}/cubejs-api/v1/load"))
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Every cube's and view's `meta.dataPeriod` in a `/meta` document.
fn periods(meta: &Value) -> Vec<(String, Value)> {
    meta["cubes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|c| {
            let name = c["name"].as_str().unwrap_or_default().to_string();
            (name, c["meta"]["dataPeriod"].clone())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_answers_meta_and_every_cube() {
    let server = start_demo_server().await;
    let base = server.url();
    let http = reqwest::Client::new();

    let meta: Value = http
        .get(format!("{base}/cubejs-api/v1/meta"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let cubes = meta["cubes"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = cubes.iter().filter_map(|c| c["name"].as_str()).collect();
    // The pinned anchor's data runs through 2023 and 2024.
    let pinned = json!({"from": "2023-01-01", "to": "2024-12-31"});
    for (name, period) in periods(&meta) {
        assert_eq!(period, pinned, "{name}: meta.dataPeriod");
    }
    assert!(
        cubes.iter().all(|c| c.get("measures").is_some()
            && c.get("dimensions").is_some()
            && c.get("connectedComponent").is_some()),
        "Cube's fields are all there"
    );
    for expected in [
        "Orders",
        "LineItems",
        "Users",
        "Products",
        "Countries",
        "Regions",
        "sales_overview",
    ] {
        assert!(
            names.contains(&expected),
            "/meta lists {expected}: {names:?}"
        );
    }

    for cube in &cubes {
        let name = cube["name"].as_str().unwrap_or_default();
        let measure = cube["measures"][0]["name"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} has no measure"));
        let dimension = cube["dimensions"]
            .as_array()
            .and_then(|d| d.iter().find(|x| x["type"] == "string"))
            .and_then(|d| d["name"].as_str());
        let mut query = json!({"measures": [measure], "limit": 5});
        if let Some(d) = dimension {
            query["dimensions"] = json!([d]);
        }
        let resp = http
            .post(format!("{base}/cubejs-api/v1/load"))
            .json(&json!({"query": query}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(status, 200, "{name}: {query} -> {body}");
        let rows = body["data"].as_array().cloned().unwrap_or_default();
        assert!(!rows.is_empty(), "{name}: {query} returned no rows");
        assert!(
            rows[0].get(measure).is_some(),
            "{name}: rows carry {measure}"
        );
        assert_eq!(body["dbType"], "datafusion");
    }

    // The data is the documented size: at least 100k orders over two years.
    let orders: Value = http
        .post(format!("{base}/cubejs-api/v1/load"))
        .json(&json!({"query": {"measures": ["Orders.count"], "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "year"}]}}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = orders["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 2, "two years of orders: {orders}");
    let total: i64 = rows
        .iter()
        .filter_map(|r| {
            r["Orders.count"]
                .as_str()
                .and_then(|s| s.parse::<i64>().ok())
        })
        .sum();
    assert!(total >= 100_000, "{total} orders");
    server.shutdown().await;
}

/// Another anchor: `/meta` gives its period, and the data ends the day
/// before it (the served demo anchors on today, so its data ends yesterday).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_meta_reports_the_period_of_its_data() {
    let anchor = chrono::NaiveDate::from_ymd_opt(2026, 6, 17).unwrap_or_else(|| panic!("date"));
    let demo = DemoData::new(strata::demo::DEFAULT_SEED, anchor);
    let server = start_demo(demo).await;
    let base = server.url();
    let http = reqwest::Client::new();

    let meta = get(&http, format!("{base}/cubejs-api/v1/meta")).await;
    let expected = json!({"from": "2024-06-16", "to": "2026-06-16"});
    let periods = periods(&meta);
    assert!(periods.len() >= 8, "{periods:?}");
    for (name, period) in &periods {
        assert_eq!(period, &expected, "{name}: meta.dataPeriod");
    }
    let orders = meta["cubes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "Orders"))
        .cloned()
        .unwrap_or_default();
    assert!(
        orders["meta"]["synonyms"].is_array(),
        "the model's own meta stays: {}",
        orders["meta"]
    );
    assert_eq!(expected["from"], demo.period().from.to_string());

    // Orders by day around the end of the period: the last day has orders,
    // the anchor has none.
    let by_day = load(
        &http,
        &base,
        json!({
            "measures": ["Orders.count"],
            "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "day",
                                "dateRange": ["2026-06-15", "2026-06-18"]}],
            "order": {"Orders.created_at": "asc"}
        }),
    )
    .await;
    let days: Vec<&str> = by_day["data"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| r["Orders.created_at.day"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        days,
        ["2026-06-15T00:00:00.000", "2026-06-16T00:00:00.000"],
        "{by_day}"
    );
    // And the first day of the period is the first with orders.
    let before = load(
        &http,
        &base,
        json!({
            "measures": ["Orders.count"],
            "timeDimensions": [{"dimension": "Orders.created_at",
                                "dateRange": ["2020-01-01", "2024-06-15"]}]
        }),
    )
    .await;
    assert_eq!(before["data"][0]["Orders.count"], "0", "{before}");
    server.shutdown().await;
}
