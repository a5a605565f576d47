//! The JSON Schema an LLM answer must follow, built from a [`Catalog`].
//!
//! Every place an answer names a member is an `enum` of exactly the members
//! the catalog holds (the caller's allowed set), operators are an enum of
//! Cube's filter operators and granularities an enum of Cube's. The schema is
//! written for OpenAI's strict structured output: every property required,
//! `additionalProperties: false` everywhere, optional values as
//! `["…", "null"]` type unions. Validation ([`crate::validate`]) checks the
//! same rules again, since not every endpoint enforces a schema.

use serde_json::{json, Map, Value};
use strata_engine::query::FilterOperator;

use crate::catalog::{Catalog, CatalogMember};

/// Name of the schema (and of the tool in the tool-calling fallback).
pub const SCHEMA_NAME: &str = "run_query";

/// Granularities a time dimension can be grouped by, finest first.
pub const GRANULARITIES: [&str; 8] = [
    "second", "minute", "hour", "day", "week", "month", "quarter", "year",
];

/// Intents, as the answer names them.
pub const INTENTS: [&str; 6] = [
    "metric",
    "trend",
    "comparison",
    "anomaly",
    "distribution",
    "top_n",
];

/// Chart types, as the answer names them.
pub const CHARTS: [&str; 9] = [
    "number", "gauge", "line", "area", "bar", "pie", "scatter", "heatmap", "table",
];

/// Cube's filter operators an answer may use: all of them except
/// `measureFilter`, which is internal to Cube's join handling.
pub fn operators() -> Vec<&'static str> {
    FilterOperator::ALL
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| *name != "measureFilter")
        .collect()
}

const STRING_OPS: &[&str] = &[
    "equals",
    "notEquals",
    "contains",
    "notContains",
    "startsWith",
    "notStartsWith",
    "endsWith",
    "notEndsWith",
    "set",
    "notSet",
];
const NUMBER_OPS: &[&str] = &[
    "equals",
    "notEquals",
    "gt",
    "gte",
    "lt",
    "lte",
    "set",
    "notSet",
];
const TIME_OPS: &[&str] = &[
    "equals",
    "notEquals",
    "inDateRange",
    "notInDateRange",
    "beforeDate",
    "beforeOrOnDate",
    "afterDate",
    "afterOrOnDate",
    "set",
    "notSet",
];
const BOOLEAN_OPS: &[&str] = &["equals", "notEquals", "set", "notSet"];

/// The operators that make sense for a member's value type (none for
/// segments, which are not filtered but listed in `segments`).
pub fn operators_for(member: &CatalogMember) -> &'static [&'static str] {
    if member.kind == strata_schema::MemberKind::Segment {
        return &[];
    }
    match member.data_type.as_str() {
        "string" => STRING_OPS,
        "number" => NUMBER_OPS,
        "time" => TIME_OPS,
        _ => BOOLEAN_OPS,
    }
}

/// Members that can stand in `dimensions`: every dimension, time ones included
/// (a time dimension there gives its raw value).
fn dimension_names(catalog: &Catalog) -> Vec<String> {
    catalog.dimensions().map(|m| m.name.clone()).collect()
}

/// Members a filter or an order can name: measures and dimensions.
fn filterable_names(catalog: &Catalog) -> Vec<String> {
    catalog
        .members()
        .iter()
        .filter(|m| m.kind != strata_schema::MemberKind::Segment)
        .map(|m| m.name.clone())
        .collect()
}

/// `{"type": "string", "enum": names}`, or a schema no string satisfies when
/// `names` is empty (an empty `enum` is invalid for OpenAI).
fn name_enum(names: Vec<String>, description: &str) -> Value {
    if names.is_empty() {
        json!({"type": "string", "enum": [NOTHING_ALLOWED], "description": description})
    } else {
        json!({"type": "string", "enum": names, "description": description})
    }
}

/// The one value of an enum that has no allowed members; validation rejects
/// it like any other unknown name.
pub const NOTHING_ALLOWED: &str = "(none available)";

/// A list of names: an array of the enum, or an array that must stay empty
/// when nothing is allowed.
fn name_list(names: Vec<String>, description: &str) -> Value {
    if names.is_empty() {
        json!({
            "type": "array",
            "items": name_enum(names, description),
            "maxItems": 0,
            "description": format!("{description} None are available: always []."),
        })
    } else {
        json!({"type": "array", "items": name_enum(names, description), "description": description})
    }
}

fn object(properties: Map<String, Value>, description: Option<&str>) -> Value {
    let required: Vec<Value> = properties.keys().map(|k| json!(k)).collect();
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if let (Some(d), Some(obj)) = (description, schema.as_object_mut()) {
        obj.insert("description".into(), json!(d));
    }
    schema
}

/// Turns `schema` into "that, or null" the way strict mode wants: a type
/// union (and `null` among the enum values when there is an enum). An object
/// becomes `anyOf [object, null]`.
fn nullable(schema: Value) -> Value {
    let Value::Object(mut obj) = schema else {
        return schema;
    };
    match obj.get("type").and_then(Value::as_str) {
        Some("object") | None => json!({"anyOf": [Value::Object(obj), {"type": "null"}]}),
        Some(t) => {
            let t = t.to_owned();
            obj.insert("type".into(), json!([t, "null"]));
            if let Some(Value::Array(values)) = obj.get_mut("enum") {
                values.push(Value::Null);
            }
            Value::Object(obj)
        }
    }
}

/// The strict JSON Schema of an answer for `catalog`:
///
/// ```text
/// { intent, measures[], dimensions[], segments[],
///   timeDimension: {dimension, granularity|null, dateRange|null} | null,
///   filters: [{member, operator, values[]}], order: [{member, direction}],
///   limit|null, chart|null, unmatched[] }
/// ```
pub fn query_schema(catalog: &Catalog) -> Value {
    let measures: Vec<String> = catalog.measures().map(|m| m.name.clone()).collect();
    let segments: Vec<String> = catalog.segments().map(|m| m.name.clone()).collect();
    let time_dims: Vec<String> = catalog.time_dimensions().map(|m| m.name.clone()).collect();

    let time_dimension = if time_dims.is_empty() {
        json!({"type": "null", "description": "No time dimension is available: always null."})
    } else {
        let mut props = Map::new();
        props.insert(
            "dimension".into(),
            name_enum(time_dims, "The time dimension to group or restrict by."),
        );
        props.insert(
            "granularity".into(),
            nullable(json!({
                "type": "string",
                "enum": GRANULARITIES,
                "description": "Group by this period (trends); null for no grouping.",
            })),
        );
        props.insert(
            "dateRange".into(),
            nullable(json!({
                "type": "string",
                "description": "\"last 7 days\", \"this month\", \"last year\", \"2024-03-01\", \
                                \"from 2024-01-01 to 2024-03-31\"; null for all time.",
            })),
        );
        nullable(object(
            props,
            Some("Time grouping and/or date range; null when the question has neither."),
        ))
    };

    let filterable = filterable_names(catalog);
    let mut filter = Map::new();
    filter.insert(
        "member".into(),
        name_enum(filterable.clone(), "The dimension or measure to filter on."),
    );
    filter.insert(
        "operator".into(),
        json!({"type": "string", "enum": operators()}),
    );
    filter.insert(
        "values".into(),
        json!({
            "type": "array",
            "items": {"type": "string"},
            "description": "Plain values compared with the member; [] for set/notSet.",
        }),
    );

    let mut order = Map::new();
    order.insert(
        "member".into(),
        name_enum(
            filterable,
            "A measure or dimension of the query to sort by.",
        ),
    );
    order.insert(
        "direction".into(),
        json!({"type": "string", "enum": ["asc", "desc"]}),
    );

    let mut props = Map::new();
    props.insert(
        "intent".into(),
        json!({"type": "string", "enum": INTENTS, "description": "What the question asks for."}),
    );
    props.insert(
        "measures".into(),
        name_list(measures, "Measures (numbers) to compute."),
    );
    props.insert(
        "dimensions".into(),
        name_list(
            dimension_names(catalog),
            "Dimensions to group by (not the time grouping, which goes in timeDimension).",
        ),
    );
    props.insert(
        "segments".into(),
        name_list(segments, "Predefined filters to apply."),
    );
    props.insert("timeDimension".into(), time_dimension);
    props.insert(
        "filters".into(),
        json!({"type": "array", "items": object(filter, None)}),
    );
    props.insert(
        "order".into(),
        json!({"type": "array", "items": object(order, None)}),
    );
    props.insert(
        "limit".into(),
        nullable(json!({
            "type": "integer",
            "description": "Maximum rows (top N), at most 50000; null for no limit.",
        })),
    );
    props.insert(
        "chart".into(),
        nullable(json!({
            "type": "string",
            "enum": CHARTS,
            "description": "Only when the user asks for a chart type; otherwise null.",
        })),
    );
    props.insert(
        "unmatched".into(),
        json!({
            "type": "array",
            "items": {"type": "string"},
            "description": "Words of the question no listed member or value covers.",
        }),
    );
    object(props, None)
}

/// `response_format` asking for strict structured output with `schema`.
pub fn response_format(schema: &Value) -> Value {
    json!({
        "type": "json_schema",
        "json_schema": {"name": SCHEMA_NAME, "strict": true, "schema": schema},
    })
}

/// The tool definition and forced `tool_choice` of the tool-calling fallback.
pub fn tool_call(schema: &Value) -> (Value, Value) {
    let tools = json!([{
        "type": "function",
        "function": {
            "name": SCHEMA_NAME,
            "description": "Run a query over the semantic model that answers the question.",
            "parameters": schema,
            "strict": true,
        },
    }]);
    let choice = json!({"type": "function", "function": {"name": SCHEMA_NAME}});
    (tools, choice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn demo() -> Catalog {
        let model = strata_demo::model().expect("demo model compiles");
        Catalog::from_model(&model)
    }

    /// Every object in the schema is strict: all properties required, no extras.
    fn assert_strict(schema: &Value, path: &str) {
        match schema {
            Value::Object(obj) => {
                if obj.get("type") == Some(&json!("object")) {
                    let props = obj["properties"].as_object().expect("properties");
                    let required: Vec<&str> = obj["required"]
                        .as_array()
                        .expect("required")
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    let keys: Vec<&str> = props.keys().map(String::as_str).collect();
                    assert_eq!(keys, required, "all properties required at {path}");
                    assert_eq!(obj["additionalProperties"], json!(false), "at {path}");
                }
                if let Some(Value::Array(e)) = obj.get("enum") {
                    assert!(!e.is_empty(), "empty enum at {path}");
                }
                for (k, v) in obj {
                    assert_strict(v, &format!("{path}/{k}"));
                }
            }
            Value::Array(a) => a.iter().for_each(|v| assert_strict(v, path)),
            _ => {}
        }
    }

    #[test]
    fn member_enums_are_exactly_the_catalog() {
        let catalog = demo();
        let schema = query_schema(&catalog);
        assert_strict(&schema, "");
        let p = &schema["properties"];
        let measures: Vec<&str> = catalog.measures().map(|m| m.name.as_str()).collect();
        assert_eq!(p["measures"]["items"]["enum"], json!(measures));
        let times: Vec<&str> = catalog.time_dimensions().map(|m| m.name.as_str()).collect();
        assert_eq!(
            p["timeDimension"]["anyOf"][0]["properties"]["dimension"]["enum"],
            json!(times)
        );
        let ops = &p["filters"]["items"]["properties"]["operator"]["enum"];
        assert_eq!(ops.as_array().map(Vec::len), Some(20));
        assert!(!ops
            .as_array()
            .into_iter()
            .flatten()
            .any(|o| o == "measureFilter"));
        assert_eq!(
            p["timeDimension"]["anyOf"][0]["properties"]["granularity"]["type"],
            json!(["string", "null"])
        );
        let gran = &p["timeDimension"]["anyOf"][0]["properties"]["granularity"]["enum"];
        assert_eq!(gran.as_array().and_then(|a| a.last()), Some(&Value::Null));
    }

    #[test]
    fn filtered_catalog_excludes_members_from_every_enum() {
        let model = strata_demo::model().expect("demo model compiles");
        let catalog = Catalog::from_model_filtered(&model, |n| !n.starts_with("Users."));
        let text = query_schema(&catalog).to_string();
        assert!(
            !text.contains("Users."),
            "no Users member anywhere in the schema"
        );
    }

    #[test]
    fn empty_catalog_still_gives_a_valid_strict_schema() {
        let catalog = Catalog::default();
        let schema = query_schema(&catalog);
        assert_strict(&schema, "");
        let p = &schema["properties"];
        assert_eq!(p["measures"]["maxItems"], json!(0));
        assert_eq!(p["timeDimension"]["type"], json!("null"));
        assert_eq!(
            p["filters"]["items"]["properties"]["member"]["enum"],
            json!([NOTHING_ALLOWED])
        );
    }

    #[test]
    fn operators_follow_the_value_type() {
        let catalog = demo();
        let status = catalog.get("Orders.status").expect("status");
        assert!(operators_for(status).contains(&"contains"));
        assert!(!operators_for(status).contains(&"gt"));
        let date = catalog.get("Orders.created_at").expect("created_at");
        assert!(operators_for(date).contains(&"inDateRange"));
        let count = catalog.get("Orders.count").expect("count");
        assert!(operators_for(count).contains(&"gt"));
        assert!(!operators_for(count).contains(&"contains"));
    }
}
