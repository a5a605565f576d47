//! Engine tests on in-memory fixtures: fan-out, measure filters, ungrouped
//! queries and time zones.

use serde_json::json;

use crate::testing::{fanout_engine, q};

fn rows(r: &crate::LoadResult) -> Vec<serde_json::Value> {
    r.rows_json()
}

#[tokio::test]
async fn sums_are_not_multiplied_by_one_to_many_joins() {
    let engine = fanout_engine();
    // Orders joined to their items: each order repeats once per item, yet the
    // sum, average and count of orders must count each order once.
    let r = engine
        .load(&q(json!({
            "measures": ["Orders.amount", "Orders.avgAmount", "Orders.count", "Items.count"],
            "dimensions": ["Customers.name"],
            "order": {"Customers.name": "asc"}
        })))
        .await
        .unwrap();
    let data = rows(&r);
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["Customers.name"], "Ann");
    assert_eq!(data[0]["Orders.amount"], json!(150.0), "{data:?}");
    assert_eq!(data[0]["Orders.avgAmount"], json!(75.0));
    assert_eq!(data[0]["Orders.count"], "2");
    assert_eq!(data[0]["Items.count"], "4");
    assert_eq!(data[1]["Orders.amount"], json!(7.0));
    assert_eq!(data[1]["Items.count"], "2");
    // Grouped by an item dimension: an order counts once per product it contains.
    let r = engine
        .load(&q(json!({"measures": ["Orders.amount"], "dimensions": ["Items.product"], "order": {"Items.product": "asc"}})))
        .await
        .unwrap();
    let data = rows(&r);
    let by: Vec<(String, f64)> = data
        .iter()
        .map(|x| {
            (
                x["Items.product"].as_str().unwrap().to_string(),
                x["Orders.amount"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by,
        vec![
            ("cup".into(), 7.0),
            ("ink".into(), 100.0),
            ("pen".into(), 157.0)
        ]
    );
    // Customers are multiplied by their orders: their count stays distinct.
    let r = engine
        .load(&q(json!({"measures": ["Customers.count", "Orders.count"]})))
        .await
        .unwrap();
    assert_eq!(rows(&r)[0]["Customers.count"], "2");
    assert_eq!(rows(&r)[0]["Orders.count"], "3");
}

#[tokio::test]
async fn measure_filters_ungrouped_and_timezones() {
    let engine = crate::testing::orders_engine(1000).build();
    let r = engine
        .load(&q(json!({
            "measures": ["Orders.count"], "dimensions": ["Orders.status"],
            "filters": [{"member": "Orders.count", "operator": "gt", "values": ["333"]}]
        })))
        .await
        .unwrap();
    assert_eq!(
        r.rows_json().len(),
        1,
        "only the status with 334 orders: {:?}",
        r.rows_json()
    );
    let r = engine
        .load(&q(json!({"dimensions": ["Orders.id", "Orders.status"], "ungrouped": true, "limit": 5, "order": {"Orders.id": "asc"}})))
        .await
        .unwrap();
    assert_eq!(r.rows_json().len(), 5);
    assert_eq!(r.rows_json()[0]["Orders.id"], "0");
    // Orders 10, 376 and 742 fall on 2024-01-11 UTC at 10:00, 16:00 and 22:00;
    // Tokyo's 2024-01-11 (UTC+9) holds orders 375, 741 and 10 at 00:00, 06:00, 19:00.
    let hours = |tz: &str| {
        q(
            json!({"measures": ["Orders.count"], "timezone": tz, "timeDimensions": [
            {"dimension": "Orders.createdAt", "granularity": "hour", "dateRange": ["2024-01-11", "2024-01-11"]}]}),
        )
    };
    let local_hours = |r: &crate::LoadResult| -> Vec<String> {
        r.rows_json()
            .iter()
            .map(|x| x["Orders.createdAt.hour"].as_str().unwrap_or_default()[11..13].to_string())
            .collect()
    };
    let utc = engine.load(&hours("UTC")).await.unwrap();
    let tokyo = engine.load(&hours("Asia/Tokyo")).await.unwrap();
    assert_eq!(local_hours(&utc), vec!["10", "16", "22"]);
    assert_eq!(
        local_hours(&tokyo),
        vec!["00", "06", "19"],
        "{:?}",
        tokyo.rows_json()
    );
}
