//! A value the catalog does not list (a customer's name) is looked up in the
//! caller's data at question time, and the answer filters to it; a name the
//! data does not have is still sent back for clarification.

use reqwest::Method;
use serde_json::{json, Value};

use crate::ai_analytics::{alice, ask, call, demo_config, scratch_dir, start};

#[tokio::test]
async fn a_name_not_in_the_catalog_is_found_in_the_data() {
    let dir = scratch_dir("value-search");
    let server = start(demo_config(&dir)).await;
    // A real customer name of the demo data.
    let load = call(
        &server,
        Method::POST,
        "/cubejs-api/v1/load",
        &alice(),
        Some(json!({"query": {"dimensions": ["Users.name"], "order": {"Users.name": "asc"}, "limit": 1}}).to_string()),
    )
    .await;
    assert_eq!(load.status, 200, "{}", load.body);
    let name = load.body["data"][0]["Users.name"]
        .as_str()
        .unwrap_or_else(|| panic!("no user name: {}", load.body))
        .to_owned();
    assert!(name.contains(' '), "a first and last name: {name}");

    let r = ask(
        &server,
        &alice(),
        &format!("revenue from {name} by month"),
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["success"], true, "{}", r.body);
    let filters = r.body["generatedQuery"]["filters"].clone();
    let filtered: Vec<&Value> = filters
        .as_array()
        .map(|f| f.iter().collect())
        .unwrap_or_default();
    assert!(
        filtered.iter().any(|f| f["member"]
            .as_str()
            .is_some_and(|m| m.ends_with(".name") || m.ends_with(".customer_name"))
            && f["values"] == json!([name])),
        "the answer filters to {name}: {}",
        r.body
    );

    // Lower case is found too, and written as stored.
    let r = ask(
        &server,
        &alice(),
        &format!("orders of {}", name.to_lowercase()),
        None,
    )
    .await;
    assert_eq!(r.body["success"], true, "{}", r.body);
    assert!(
        r.body["generatedQuery"]["filters"]
            .to_string()
            .contains(&name),
        "{}",
        r.body
    );

    // A name nobody has: asked back, not answered for everyone.
    let r = ask(&server, &alice(), "revenue from Zorblax Quuxington", None).await;
    assert_eq!(r.body["success"], false, "{}", r.body);
    assert_eq!(r.body["needsClarification"], true, "{}", r.body);
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}
