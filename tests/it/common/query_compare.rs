//! Comparing generated Cube queries with expected ones, shared by the
//! natural-language tests (`nl_offline.rs`, `ai_analytics.rs`).

use std::collections::BTreeSet;

use serde_json::{json, Value};

/// A query in comparable form: member lists and filters as sets;
/// timeDimensions, order, limit and ungrouped exactly.
pub fn normalize(q: &Value) -> Value {
    let set = |key: &str| -> Value {
        let items: BTreeSet<String> = q
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|v| v.to_string()).collect())
            .unwrap_or_default();
        json!(items)
    };
    let filters: BTreeSet<String> = q
        .get("filters")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|f| {
                    let mut values: Vec<String> = f
                        .get("values")
                        .and_then(Value::as_array)
                        .map(|v| v.iter().map(|x| x.to_string()).collect())
                        .unwrap_or_default();
                    values.sort();
                    format!("{} {} {:?}", f["member"], f["operator"], values)
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "measures": set("measures"),
        "dimensions": set("dimensions"),
        "segments": set("segments"),
        "filters": filters,
        "timeDimensions": q.get("timeDimensions").cloned().unwrap_or(json!([])),
        "order": q.get("order").cloned().unwrap_or(json!({})),
        "limit": q.get("limit").cloned().unwrap_or(Value::Null),
        "ungrouped": q.get("ungrouped").and_then(Value::as_bool).unwrap_or(false),
    })
}
