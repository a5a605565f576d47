//! `strata serve --demo`: the bundled model and data answer `/meta` and a
//! `/load` for every cube and view, with no database configured.

use serde_json::{json, Value};

use crate::common::start_demo_server;

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
