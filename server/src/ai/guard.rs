//! The last check before a translated query is planned: every member it
//! names must be in the caller's catalog (the members its access grant
//! allows). The translators already keep to the catalog; this makes sure no
//! translator bug can ever widen what a caller may query. The engine then
//! plans the query with the caller's grant, which refuses anything else.

use serde_json::Value;
use strata_llm::Catalog;

/// Every member `query` names: measures, dimensions, segments, time
/// dimensions, filter members (inside `and`/`or` too) and order keys. A
/// member of a time dimension with a granularity suffix
/// (`Orders.created_at.month`) is given without it.
pub fn members_of(query: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["measures", "dimensions", "segments"] {
        for m in query
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push(text(m));
        }
    }
    for td in query
        .get("timeDimensions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.push(text(td.get("dimension").unwrap_or(&Value::Null)));
    }
    for f in query
        .get("filters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        filter_members(f, &mut out);
    }
    match query.get("order") {
        Some(Value::Object(o)) => out.extend(o.keys().cloned()),
        Some(Value::Array(items)) => {
            for item in items {
                let id = match item {
                    Value::Array(pair) => pair.first(),
                    Value::Object(o) => o.get("id"),
                    other => Some(other),
                };
                out.push(text(id.unwrap_or(&Value::Null)));
            }
        }
        _ => {}
    }
    out
}

fn filter_members(filter: &Value, out: &mut Vec<String>) {
    for key in ["and", "or"] {
        if let Some(items) = filter.get(key).and_then(Value::as_array) {
            for f in items {
                filter_members(f, out);
            }
            return;
        }
    }
    let member = filter.get("member").or_else(|| filter.get("dimension"));
    out.push(text(member.unwrap_or(&Value::Null)));
}

/// A member name as text; anything else as its JSON (never a valid member).
fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// The members of `query` that are not in `catalog` (empty when the query
/// keeps to it). A time member with a granularity suffix counts as its
/// dimension.
pub fn outside_catalog(catalog: &Catalog, query: &Value) -> Vec<String> {
    let mut bad: Vec<String> = Vec::new();
    for m in members_of(query) {
        let known = catalog.contains(&m)
            || m.rsplit_once('.')
                .is_some_and(|(base, _)| catalog.get(base).is_some_and(|c| c.is_time()));
        if !known && !bad.contains(&m) {
            bad.push(m);
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn catalog() -> Catalog {
        let model = strata_demo::model().expect("demo model");
        Catalog::from_model_filtered(&model, |n| !n.starts_with("Users."))
    }

    #[test]
    fn finds_members_everywhere_a_query_names_them() {
        let q = json!({
            "measures": ["Orders.count"],
            "dimensions": ["Orders.status"],
            "segments": ["Orders.completed"],
            "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "month"}],
            "filters": [
                {"member": "Orders.channel", "operator": "equals", "values": ["web"]},
                {"or": [{"member": "Users.city", "operator": "set"},
                        {"and": [{"dimension": "Users.segment", "operator": "set"}]}]}
            ],
            "order": {"Orders.created_at.month": "asc"},
        });
        assert_eq!(
            members_of(&q),
            [
                "Orders.count",
                "Orders.status",
                "Orders.completed",
                "Orders.created_at",
                "Orders.channel",
                "Users.city",
                "Users.segment",
                "Orders.created_at.month",
            ]
        );
        let order_forms = json!({"order": [["Orders.count", "desc"], {"id": "Orders.status"}]});
        assert_eq!(members_of(&order_forms), ["Orders.count", "Orders.status"]);
    }

    #[test]
    fn refuses_members_outside_the_catalog() {
        let c = catalog();
        let ok = json!({"measures": ["Orders.count"],
                        "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "week"}],
                        "order": {"Orders.created_at.week": "asc"}});
        assert!(outside_catalog(&c, &ok).is_empty());
        let bad = json!({"measures": ["Orders.count", "Users.count", "Nope.x"],
                         "filters": [{"member": 42, "operator": "set"}],
                         "order": {"Orders.status.month": "asc"}});
        assert_eq!(
            outside_catalog(&c, &bad),
            ["Users.count", "Nope.x", "42", "Orders.status.month"]
        );
    }
}
