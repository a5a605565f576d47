//! The last check before a translated query is planned: every member it
//! names must be in the caller's catalog (the members its access grant
//! allows). The translators already keep to the catalog; this makes sure no
//! translator bug can ever widen what a caller may query. The engine then
//! plans the query with the caller's grant, which refuses anything else.

use strata_engine::Query;
use strata_llm::Catalog;

/// The members of `query` that are not in `catalog` (empty when the query
/// keeps to it), wherever the query names them ([`Query::member_names`]:
/// measures, dimensions, segments, time dimensions, filter members inside
/// `and`/`or` too, order keys). A time member with a granularity suffix
/// (`Orders.created_at.month`) counts as its dimension.
pub fn outside_catalog(catalog: &Catalog, query: &Query) -> Vec<String> {
    let mut bad: Vec<String> = Vec::new();
    query.member_names(&mut |m| {
        let known = catalog.contains(m)
            || m.rsplit_once('.')
                .is_some_and(|(base, _)| catalog.get(base).is_some_and(|c| c.is_time()));
        if !known && !bad.iter().any(|b| b == m) {
            bad.push(m.to_owned());
        }
    });
    bad
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn catalog() -> Catalog {
        let model = strata_demo::model().expect("demo model");
        Catalog::from_model_filtered(&model, |n| !n.starts_with("Users."))
    }

    fn query(v: Value) -> Query {
        Query::from_json(&v).expect("a valid query")
    }

    #[test]
    fn finds_members_everywhere_a_query_names_them() {
        let q = query(json!({
            "measures": ["Orders.count", "Users.count"],
            "dimensions": ["Users.status"],
            "segments": ["Users.completed"],
            "timeDimensions": [{"dimension": "Users.created_at", "granularity": "month"}],
            "filters": [
                {"member": "Orders.channel", "operator": "equals", "values": ["web"]},
                {"or": [{"member": "Users.city", "operator": "set"},
                        {"and": [{"dimension": "Users.segment", "operator": "set"}]}]}
            ],
            "order": [["Users.name", "desc"]],
        }));
        assert_eq!(
            outside_catalog(&catalog(), &q),
            [
                "Users.count",
                "Users.status",
                "Users.completed",
                "Users.created_at",
                "Users.city",
                "Users.segment",
                "Users.name",
            ]
        );
    }

    #[test]
    fn refuses_members_outside_the_catalog() {
        let c = catalog();
        let ok = query(json!({"measures": ["Orders.count"],
                        "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "week"}],
                        "order": {"Orders.created_at.week": "asc"}}));
        assert!(outside_catalog(&c, &ok).is_empty());
        let bad = query(
            json!({"measures": ["Orders.count", "Users.count", "Nope.x"],
                         "filters": [{"member": "Nope.y", "operator": "set"}],
                         "order": {"Orders.status.month": "asc", "Nope.x": "desc"}}),
        );
        assert_eq!(
            outside_catalog(&c, &bad),
            ["Users.count", "Nope.x", "Nope.y", "Orders.status.month"]
        );
    }
}
