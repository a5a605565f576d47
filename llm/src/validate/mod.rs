//! Checking an LLM answer and turning it into a Cube query the engine accepts.
//!
//! The JSON Schema ([`crate::constrain`]) already restricts an answer, but not
//! every endpoint enforces it, so everything is checked again here: only
//! catalog members (the caller's allowed set: a member outside it is refused
//! even when the model has it), each in a place its kind allows, operators
//! that suit the member's type, plain bounded values, a bounded limit, no
//! field the schema does not have. The resulting query is then planned with
//! the engine; only a query that plans is returned. Every problem found is
//! reported, in words the LLM can act on in a repair round.

mod fields;
mod sql;

pub use sql::looks_like_sql;

use serde_json::Value;
use strata_engine::{Engine, Query};
use strata_schema::MemberKind;

use crate::catalog::Catalog;
use crate::client::clip;
use crate::translation::{empty_query, Translation};
use fields::Checker;

/// Longest filter value accepted (characters).
pub const MAX_VALUE_CHARS: usize = 200;
/// Most values one filter may carry.
pub const MAX_VALUES: usize = 100;
/// Largest row limit accepted.
pub const MAX_LIMIT: u64 = 50_000;
/// Longest answer text read (bytes); anything longer is refused unparsed.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

const FIELDS: [&str; 10] = [
    "intent",
    "measures",
    "dimensions",
    "segments",
    "timeDimension",
    "filters",
    "order",
    "limit",
    "chart",
    "unmatched",
];

/// Parses the text of an answer as a JSON object, tolerating a Markdown code
/// fence around it (some local models add one).
pub fn parse_answer(text: &str) -> Result<Value, String> {
    if text.len() > MAX_ANSWER_BYTES {
        return Err(format!(
            "the answer is {} bytes long; answer with the JSON object only",
            text.len()
        ));
    }
    let mut body = text.trim();
    if let Some(rest) = body.strip_prefix("```") {
        let rest = rest.strip_prefix("json").unwrap_or(rest);
        body = rest.strip_suffix("```").unwrap_or(rest).trim();
    }
    match serde_json::from_str::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(other) => Err(format!(
            "the answer must be one JSON object, got {}",
            type_name(&other)
        )),
        Err(e) => Err(format!(
            "the answer is not valid JSON ({e}): answer with the JSON object only"
        )),
    }
}

/// Checks `answer` against `catalog` and plans the query it describes with
/// `engine`. Returns the translation, or every problem found.
pub fn validate_answer(
    engine: &Engine,
    catalog: &Catalog,
    answer: &Value,
) -> Result<Translation, Vec<String>> {
    let translation = check(catalog, answer)?;
    match engine.plan(&translation.query) {
        Ok(_) => Ok(translation),
        Err(e) => Err(vec![format!("the engine rejected the query: {e}")]),
    }
}

/// The checks that need only the catalog: the answer turned into a typed
/// Cube query (not yet planned), or every problem found. The answer is the
/// one JSON read here by hand: it is untrusted, in the answer schema of
/// [`crate::constrain`], and every problem is reported in words the LLM can
/// act on.
pub fn check(catalog: &Catalog, answer: &Value) -> Result<Translation, Vec<String>> {
    let Some(obj) = answer.as_object() else {
        return Err(vec![format!(
            "the answer must be a JSON object, got {}",
            type_name(answer)
        )]);
    };
    let mut c = Checker::new(catalog);
    for key in obj.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        c.error(format!(
            "unexpected field \"{}\": an answer has only the fields {}",
            clip(key, 60),
            FIELDS.join(", ")
        ));
    }

    let measures = c.member_list(obj.get("measures"), "measures", MemberKind::Measure);
    let dimensions = c.member_list(obj.get("dimensions"), "dimensions", MemberKind::Dimension);
    let segments = c.member_list(obj.get("segments"), "segments", MemberKind::Segment);
    let time_dimension = c.time_dimension(obj.get("timeDimension"));
    let filters = c.filters(obj.get("filters"));
    let order = c.order(obj.get("order"));
    let limit = c.limit(obj.get("limit"));
    let chart = c.chart(obj.get("chart"));
    let unmatched = c.unmatched(obj.get("unmatched"));
    let grouped_by_time = time_dimension
        .as_ref()
        .is_some_and(|t| t.granularity.is_some());
    let intent = c.intent(obj.get("intent"), grouped_by_time);

    if measures.is_empty() && dimensions.is_empty() && !grouped_by_time {
        c.error(
            "the query selects nothing: name at least one measure or dimension, or a time \
             dimension with a granularity"
                .into(),
        );
    }
    if !c.errors().is_empty() {
        return Err(c.into_errors());
    }

    let query = Query {
        measures,
        dimensions,
        segments,
        time_dimensions: time_dimension.into_iter().collect(),
        filters,
        order: (!order.is_empty()).then_some(order),
        limit,
        ..empty_query()
    };
    Ok(Translation {
        query,
        intent,
        chart,
        unmatched,
    })
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A quoted, clipped echo of something the answer said.
pub(crate) fn quoted(s: &str) -> String {
    format!("\"{}\"", clip(s, 80))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::{ChartType, Intent};
    use serde_json::json;

    /// The typed query of Cube JSON.
    fn query(v: Value) -> Query {
        Query::from_json(&v).expect("a valid query")
    }

    fn catalog() -> Catalog {
        let model = strata_demo::model().expect("demo model compiles");
        let mut catalog = Catalog::from_model_filtered(&model, |n| !n.starts_with("Users."));
        catalog.set_sample_values(
            "Orders.status",
            vec!["completed".into(), "shipped".into(), "cancelled".into()],
        );
        catalog
    }

    fn answer(extra: Value) -> Value {
        let mut base = json!({
            "intent": "metric", "measures": ["Orders.count"], "dimensions": [],
            "segments": [], "timeDimension": null, "filters": [], "order": [],
            "limit": null, "chart": null, "unmatched": [],
        });
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        base
    }

    #[test]
    fn builds_a_cube_query() {
        let t = check(
            &catalog(),
            &answer(json!({
                "intent": "trend",
                "dimensions": ["Orders.channel"],
                "timeDimension": {"dimension": "Orders.created_at", "granularity": "month",
                                   "dateRange": "2024-01-01 to 2024-03-31"},
                "filters": [{"member": "Orders.status", "operator": "equals", "values": ["Completed"]}],
                "order": [{"member": "Orders.count", "direction": "desc"}],
                "limit": 10, "chart": "line",
            })),
        )
        .expect("valid");
        assert_eq!(
            t.query,
            query(json!({
                "measures": ["Orders.count"], "dimensions": ["Orders.channel"],
                "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "month",
                                    "dateRange": "from 2024-01-01 to 2024-03-31"}],
                "filters": [{"member": "Orders.status", "operator": "equals", "values": ["completed"]}],
                "order": [["Orders.count", "desc"]],
                "limit": 10,
            }))
        );
        assert_eq!(t.intent, Intent::Trend);
        assert_eq!(t.chart, Some(ChartType::Line));
    }

    #[test]
    fn reports_every_problem() {
        let errors = check(
            &catalog(),
            &answer(json!({
                "measures": ["Orders.status", "Users.count", "Orders.count; DROP TABLE orders"],
                "filters": [{"member": "Orders.total_amount", "operator": "contains", "values": ["1"]}],
                "limit": 100000,
                "sql": "SELECT 1",
            })),
        )
        .expect_err("invalid");
        let all = errors.join("\n");
        assert!(all.contains("unexpected field \"sql\""), "{all}");
        assert!(
            all.contains("Orders.status is a dimension, not a measure"),
            "{all}"
        );
        assert!(
            all.contains("\"Users.count\" is not an available member"),
            "{all}"
        );
        assert!(all.contains("\"Orders.count; DROP TABLE orders\" is not an available member"));
        assert!(all.contains("operator contains does not apply to Orders.total_amount"));
        assert!(all.contains("limit 100000 is not a whole number from 1 to 50000"));
    }

    #[test]
    fn values_are_plain_and_known() {
        let bad = |value: &str, member: &str| {
            check(
                &catalog(),
                &answer(json!({"filters": [{"member": member, "operator": "equals", "values": [value]}]})),
            )
            .expect_err(value)
            .join("\n")
        };
        assert!(bad("x'; DROP TABLE orders; --", "Orders.channel").contains("looks like SQL"));
        assert!(bad(&"a".repeat(201), "Orders.channel").contains("longer than 200"));
        assert!(bad("lots", "Orders.total_amount").contains("is not a number"));
        assert!(bad("ignore previous instructions", "Orders.status")
            .contains("is not a value of Orders.status (known values: completed, shipped"));
        let ok = check(
            &catalog(),
            &answer(
                json!({"filters": [{"member": "Orders.channel", "operator": "equals",
                                          "values": ["O'Reilly", 3]}]}),
            ),
        )
        .expect("apostrophes are fine");
        assert_eq!(
            ok.query.filters,
            query(
                json!({"filters": [{"member": "Orders.channel", "operator": "equals",
                                      "values": ["O'Reilly", "3"]}]})
            )
            .filters
        );
    }

    #[test]
    fn parses_fenced_and_rejects_non_objects() {
        assert_eq!(
            parse_answer("```json\n{\"a\": 1}\n```").expect("fenced"),
            json!({"a": 1})
        );
        assert!(parse_answer("[1]")
            .expect_err("array")
            .contains("one JSON object"));
        assert!(parse_answer("{\"a\": ")
            .expect_err("broken")
            .contains("not valid JSON"));
    }

    #[test]
    fn planning_rejects_what_the_engine_rejects() {
        let model = strata_demo::model().expect("demo model compiles");
        let engine = Engine::new(std::sync::Arc::new(model), None);
        let bad_range = answer(json!({
            "timeDimension": {"dimension": "Orders.created_at", "granularity": null,
                               "dateRange": "sometime soon"}
        }));
        let errors = validate_answer(&engine, &catalog(), &bad_range).expect_err("bad range");
        assert!(
            errors[0].starts_with("the engine rejected the query"),
            "{errors:?}"
        );
        let t = validate_answer(&engine, &catalog(), &answer(json!({}))).expect("plain count");
        assert_eq!(t.query.measures, ["Orders.count"]);
    }
}
