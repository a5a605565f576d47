//! Reading a Cube query from JSON, strictly: unknown fields are refused and
//! every mistake names its path in the query (`filters[2].operator`).
//!
//! This is the one place that walks query JSON; [`Query`]'s `Deserialize`
//! calls it, and everything after works on the typed [`Query`]. It is written
//! by hand rather than derived because Cube accepts several spellings serde
//! cannot tell apart with useful messages: `order` as an object or as pairs,
//! numbers and booleans as filter values, `"true"` for flags, `rowLimit` for
//! `limit`, `dimension` for a filter's `member`.

use serde_json::{Map, Value};
use strata_schema::Granularity;

use super::request::{
    DateRangeSpec, Filter, FilterOperator, Query, QueryRequest, TimeDimensionSpec, MAX_LIMIT,
};
use crate::error::{query_err, QueryError};
use crate::limits::MAX_QUERIES_PER_REQUEST;

/// Deepest `and`/`or` nesting accepted in `filters`.
pub const MAX_FILTER_DEPTH: usize = 32;

/// Fields a query object may have. `queryType`, `responseFormat`,
/// `joinHints` and `subqueryJoins` are read by the server or ignored.
const QUERY_FIELDS: &[&str] = &[
    "measures",
    "dimensions",
    "segments",
    "timeDimensions",
    "filters",
    "order",
    "limit",
    "offset",
    "timezone",
    "total",
    "ungrouped",
    "renewQuery",
    "rowLimit",
    "queryType",
    "responseFormat",
    "joinHints",
    "subqueryJoins",
];

/// Where a value sits in the request, for messages: `""` is the root query,
/// then `filters[2]`, `filters[2].operator`...
#[derive(Clone, Copy)]
struct At<'a>(&'a str);

impl At<'_> {
    fn field(self, key: &str) -> String {
        if self.0.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.0)
        }
    }

    fn index(self, key: &str, i: usize) -> String {
        format!("{}[{i}]", self.field(key))
    }
}

impl QueryRequest {
    /// Reads a `/load` request's `query`: one object, or an array of them.
    pub fn from_json(v: &Value) -> Result<QueryRequest, QueryError> {
        match v {
            Value::Array(items) => {
                if items.is_empty() {
                    return Err(query_err!("query array is empty"));
                }
                if items.len() > MAX_QUERIES_PER_REQUEST {
                    return Err(query_err!(
                        "at most {MAX_QUERIES_PER_REQUEST} queries may be sent at once, got {}",
                        items.len()
                    ));
                }
                items
                    .iter()
                    .enumerate()
                    .map(|(i, q)| parse_query(q, At(&format!("[{i}]"))))
                    .collect::<Result<Vec<_>, _>>()
                    .map(QueryRequest::Many)
            }
            Value::Object(_) => Query::from_json(v).map(QueryRequest::One),
            other => Err(query_err!(
                "query must be a JSON object or an array of objects, got {}",
                kind_of(other)
            )),
        }
    }
}

impl Query {
    /// Reads one query object.
    pub fn from_json(v: &Value) -> Result<Query, QueryError> {
        parse_query(v, At(""))
    }
}

fn parse_query(v: &Value, at: At<'_>) -> Result<Query, QueryError> {
    let where_ = if at.0.is_empty() {
        String::new()
    } else {
        format!(" at {}", at.0)
    };
    let obj = v
        .as_object()
        .ok_or_else(|| query_err!("Query{where_} must be a JSON object, got {}", kind_of(v)))?;
    if let Some(k) = obj.keys().find(|k| !QUERY_FIELDS.contains(&k.as_str())) {
        return Err(query_err!(
            "Unknown query field \"{}\" (allowed: {})",
            at.field(k),
            QUERY_FIELDS.join(", ")
        ));
    }
    let mut q = Query {
        measures: string_list(obj, "measures", at)?,
        dimensions: string_list(obj, "dimensions", at)?,
        segments: string_list(obj, "segments", at)?,
        timezone: "UTC".to_string(),
        ..Query::default()
    };
    if let Some(td) = non_null(obj, "timeDimensions") {
        let arr = td
            .as_array()
            .ok_or_else(|| query_err!("\"{}\" must be an array", at.field("timeDimensions")))?;
        for (i, t) in arr.iter().enumerate() {
            q.time_dimensions
                .push(parse_time_dimension(t, &at.index("timeDimensions", i))?);
        }
    }
    if let Some(f) = non_null(obj, "filters") {
        let arr = f
            .as_array()
            .ok_or_else(|| query_err!("\"{}\" must be an array", at.field("filters")))?;
        for (i, f) in arr.iter().enumerate() {
            q.filters.push(parse_filter(f, &at.index("filters", i), 0)?);
        }
    }
    if let Some(o) = non_null(obj, "order") {
        q.order = Some(parse_order(o, &at.field("order"))?);
    }
    q.limit = non_negative(obj, "limit", at)?;
    if let Some(l) = q.limit {
        if l > MAX_LIMIT {
            return Err(query_err!(
                "\"{}\" {l} is over the maximum of {MAX_LIMIT} rows",
                at.field("limit")
            ));
        }
    }
    if q.limit.is_none() {
        if let Some(rl) = non_negative(obj, "rowLimit", at)? {
            q.limit = Some(rl.min(MAX_LIMIT));
        }
    }
    q.offset = non_negative(obj, "offset", at)?;
    if let Some(tz) = non_null(obj, "timezone") {
        q.timezone = tz
            .as_str()
            .ok_or_else(|| query_err!("\"{}\" must be a string", at.field("timezone")))?
            .to_string();
    }
    q.total = flag(obj, "total", at)?;
    q.ungrouped = flag(obj, "ungrouped", at)?;
    q.renew_query = flag(obj, "renewQuery", at)?;
    Ok(q)
}

/// How a JSON value is described in messages.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn non_null<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

fn string_list(obj: &Map<String, Value>, key: &str, at: At<'_>) -> Result<Vec<String>, QueryError> {
    let Some(v) = non_null(obj, key) else {
        return Ok(vec![]);
    };
    let arr = v
        .as_array()
        .ok_or_else(|| query_err!("\"{}\" must be an array of member names", at.field(key)))?;
    arr.iter()
        .enumerate()
        .map(|(i, m)| {
            m.as_str().map(str::to_string).ok_or_else(|| {
                query_err!(
                    "\"{}\" must be a member name as a string, got {}",
                    at.index(key, i),
                    kind_of(m)
                )
            })
        })
        .collect()
}

fn flag(obj: &Map<String, Value>, key: &str, at: At<'_>) -> Result<bool, QueryError> {
    match non_null(obj, key) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s == "true" || s == "false" => Ok(s == "true"),
        Some(v) => Err(query_err!(
            "\"{}\" must be true or false, got {}",
            at.field(key),
            kind_of(v)
        )),
    }
}

/// A whole number from 0 to `i64::MAX` (SQL's `bigint`, the largest
/// `LIMIT`/`OFFSET` every back end takes).
fn non_negative(
    obj: &Map<String, Value>,
    key: &str,
    at: At<'_>,
) -> Result<Option<u64>, QueryError> {
    let path = at.field(key);
    let n = match non_null(obj, key) {
        None => None,
        Some(Value::Number(n)) => Some(
            n.as_u64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                        .map(|f| f as u64)
                })
                .ok_or_else(|| query_err!("\"{path}\" must be a non-negative integer, got {n}"))?,
        ),
        Some(Value::String(s)) => {
            Some(s.parse::<u64>().map_err(|_| {
                query_err!("\"{path}\" must be a non-negative integer, got \"{s}\"")
            })?)
        }
        Some(v) => {
            return Err(query_err!(
                "\"{path}\" must be a non-negative integer, got {}",
                kind_of(v)
            ))
        }
    };
    if let Some(n) = n.filter(|n| i64::try_from(*n).is_err()) {
        return Err(query_err!(
            "\"{path}\" {n} is too large: at most {} is allowed",
            i64::MAX
        ));
    }
    Ok(n)
}

fn parse_time_dimension(t: &Value, path: &str) -> Result<TimeDimensionSpec, QueryError> {
    let obj = t
        .as_object()
        .ok_or_else(|| query_err!("{path} must be an object, got {}", kind_of(t)))?;
    for k in obj.keys() {
        if !["dimension", "granularity", "dateRange", "compareDateRange"].contains(&k.as_str()) {
            return Err(query_err!("Unknown field \"{k}\" in {path}"));
        }
    }
    let dimension = obj
        .get("dimension")
        .and_then(Value::as_str)
        .ok_or_else(|| query_err!("{path} needs a \"dimension\" member name"))?
        .to_string();
    let granularity = match non_null(obj, "granularity") {
        None => None,
        Some(Value::String(g)) => Some(g.parse::<Granularity>().map_err(|_| {
            query_err!(
                "{path}.granularity: invalid granularity \"{g}\" for {dimension}: expected \
                 second, minute, hour, day, week, month, quarter or year"
            )
        })?),
        Some(v) => {
            return Err(query_err!(
                "{path}.granularity of {dimension} must be a string, got {}",
                kind_of(v)
            ))
        }
    };
    let date_range = non_null(obj, "dateRange")
        .map(|v| parse_date_range(v, &format!("{path}.dateRange"), &dimension))
        .transpose()?;
    let compare_date_range = match non_null(obj, "compareDateRange") {
        None => None,
        Some(Value::Array(a)) if !a.is_empty() => Some(
            a.iter()
                .enumerate()
                .map(|(i, v)| {
                    parse_date_range(v, &format!("{path}.compareDateRange[{i}]"), &dimension)
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(_) => {
            return Err(query_err!(
                "{path}.compareDateRange of {dimension} must be a non-empty array of date ranges"
            ))
        }
    };
    Ok(TimeDimensionSpec {
        dimension,
        granularity,
        date_range,
        compare_date_range,
    })
}

fn parse_date_range(v: &Value, path: &str, member: &str) -> Result<DateRangeSpec, QueryError> {
    match v {
        Value::String(s) => Ok(DateRangeSpec::Relative(s.clone())),
        Value::Array(a) if a.len() == 2 => match (&a[0], &a[1]) {
            (Value::String(x), Value::String(y)) => Ok(DateRangeSpec::Pair(x.clone(), y.clone())),
            _ => Err(query_err!("{path} of {member} must hold two date strings")),
        },
        _ => Err(query_err!(
            "{path} of {member} must be a string such as \"last 7 days\" or a pair of dates"
        )),
    }
}

fn parse_filter(v: &Value, path: &str, depth: usize) -> Result<Filter, QueryError> {
    if depth > MAX_FILTER_DEPTH {
        return Err(query_err!(
            "filters are nested deeper than {MAX_FILTER_DEPTH} levels of and/or"
        ));
    }
    let obj = v
        .as_object()
        .ok_or_else(|| query_err!("{path} must be a filter object, got {}", kind_of(v)))?;
    for key in ["and", "or"] {
        if let Some(inner) = obj.get(key) {
            if obj.len() != 1 {
                return Err(query_err!(
                    "{path}: a filter with \"{key}\" must have no other fields"
                ));
            }
            let arr = inner
                .as_array()
                .ok_or_else(|| query_err!("{path}.{key} must be an array of filters"))?;
            let items = arr
                .iter()
                .enumerate()
                .map(|(i, f)| parse_filter(f, &format!("{path}.{key}[{i}]"), depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(if key == "and" {
                Filter::And(items)
            } else {
                Filter::Or(items)
            });
        }
    }
    for k in obj.keys() {
        if !["member", "dimension", "operator", "values"].contains(&k.as_str()) {
            return Err(query_err!("Unknown field \"{k}\" in {path}"));
        }
    }
    let member = obj
        .get("member")
        .or_else(|| obj.get("dimension"))
        .and_then(Value::as_str)
        .ok_or_else(|| query_err!("{path} needs a \"member\" (or \"dimension\") name"))?
        .to_string();
    let op_name = obj
        .get("operator")
        .and_then(Value::as_str)
        .ok_or_else(|| query_err!("{path}: the filter on {member} needs an \"operator\""))?;
    let operator = FilterOperator::parse(op_name).ok_or_else(|| {
        query_err!(
            "{path}.operator: invalid filter operator \"{op_name}\" on {member}: expected one of {}",
            FilterOperator::ALL
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let values = match non_null(obj, "values") {
        None => vec![],
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, x)| match x {
                Value::Null => Ok(None),
                Value::String(s) => Ok(Some(s.clone())),
                Value::Number(n) => Ok(Some(n.to_string())),
                Value::Bool(b) => Ok(Some(b.to_string())),
                other => Err(query_err!(
                    "{path}.values[{i}] of the filter on {member} must be a string, number or \
                     boolean, got {}",
                    kind_of(other)
                )),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(v) => {
            return Err(query_err!(
                "{path}.values of the filter on {member} must be an array, got {}",
                kind_of(v)
            ))
        }
    };
    let (min, max) = operator.arity();
    if values.len() < min || values.len() > max {
        let want = if min == max {
            format!("exactly {min}")
        } else {
            format!("at least {min}")
        };
        return Err(query_err!(
            "{path}.values: operator {op_name} on {member} takes {want} value(s), got {}",
            values.len()
        ));
    }
    if matches!(operator, FilterOperator::Equals | FilterOperator::NotEquals) && values.is_empty() {
        return Err(query_err!(
            "{path}.values: operator {op_name} on {member} needs at least one value"
        ));
    }
    Ok(Filter::Member {
        member,
        operator,
        values,
    })
}

fn parse_order(v: &Value, path: &str) -> Result<Vec<(String, bool)>, QueryError> {
    let dir = |at: &str, member: &str, d: &Value| -> Result<bool, QueryError> {
        match d.as_str() {
            Some("asc") => Ok(false),
            Some("desc") => Ok(true),
            _ => Err(query_err!(
                "{at}: order of {member} must be \"asc\" or \"desc\", got {d}"
            )),
        }
    };
    match v {
        Value::Object(o) => o
            .iter()
            .map(|(k, d)| Ok((k.clone(), dir(&format!("{path}.{k}"), k, d)?)))
            .collect(),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, pair)| {
                let at = format!("{path}[{i}]");
                match pair {
                    Value::Array(p) if p.len() == 2 => {
                        let m = p[0].as_str().ok_or_else(|| {
                            query_err!("{at}: order entries must be [member, direction]")
                        })?;
                        Ok((m.to_string(), dir(&at, m, &p[1])?))
                    }
                    Value::Object(o) => {
                        let id = o.get("id").and_then(Value::as_str).ok_or_else(|| {
                            query_err!("{at}: order entries must be [member, direction]")
                        })?;
                        let desc = o.get("desc").and_then(Value::as_bool).unwrap_or(false);
                        Ok((id.to_string(), desc))
                    }
                    _ => Err(query_err!(
                        "{at}: order entries must be [member, direction]"
                    )),
                }
            })
            .collect(),
        _ => Err(query_err!(
            "\"{path}\" must be an object {{\"member\": \"asc\"}} or an array of [member, direction]"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::request::{Filter, QueryRequest};
    use serde_json::json;

    #[test]
    fn parses_a_full_query() {
        let q = Query::from_json(&json!({
            "measures": ["A.count"], "dimensions": ["A.city"],
            "timeDimensions": [{"dimension": "A.at", "granularity": "month", "dateRange": ["2020-01-01", "2020-12-31"]}],
            "filters": [{"or": [{"member": "A.city", "operator": "contains", "values": ["x", 1]}]}],
            "order": {"A.count": "desc", "A.city": "asc"}, "limit": 10, "offset": 5, "total": true
        }))
        .unwrap();
        assert_eq!(
            q.order,
            Some(vec![("A.count".into(), true), ("A.city".into(), false)])
        );
        assert_eq!(q.time_dimensions[0].granularity, Some(Granularity::Month));
        assert!(matches!(&q.filters[0], Filter::Or(v) if v.len() == 1));
        assert_eq!(q.limit, Some(10));
        assert!(q.total);
    }

    #[test]
    fn rejects_mistakes_with_names() {
        let cases = [
            (json!({"measurez": []}), "measurez"),
            (json!({"limit": 50001}), "50001"),
            (json!({"limit": -1}), "limit"),
            (
                json!({"filters": [{"member": "A.b", "operator": "like", "values": ["x"]}]}),
                "like",
            ),
            (
                json!({"filters": [{"member": "A.b", "operator": "equals"}]}),
                "A.b",
            ),
            (
                json!({"filters": [{"member": "A.b", "operator": "equals", "values": [{}]}]}),
                "A.b",
            ),
            (json!({"order": {"A.b": "up"}}), "A.b"),
            (
                json!({"timeDimensions": [{"dimension": "A.t", "granularity": "fortnight"}]}),
                "fortnight",
            ),
            (json!([1]), "object"),
        ];
        for (q, needle) in cases {
            let e = Query::from_json(&q).unwrap_err();
            assert!(e.0.contains(needle), "{e} should mention {needle}");
        }
    }

    #[test]
    fn limits_filter_depth() {
        let mut f = json!({"member": "A.b", "operator": "set"});
        for _ in 0..100 {
            f = json!({"and": [f]});
        }
        assert!(Query::from_json(&json!({"filters": [f]})).is_err());
    }

    #[test]
    fn errors_name_the_path() {
        let cases = [
            (
                json!({"filters": [
                    {"member": "A.b", "operator": "set"},
                    {"member": "A.b", "operator": "set"},
                    {"member": "A.b", "operator": "like", "values": ["x"]}
                ]}),
                "filters[2].operator",
            ),
            (
                json!({"filters": [{"or": [{"member": "A.b", "operator": "gt", "values": [[1]]}]}]}),
                "filters[0].or[0].values[0]",
            ),
            (
                json!({"timeDimensions": [{"dimension": "A.t", "granularity": "fortnight"}]}),
                "timeDimensions[0].granularity",
            ),
            (json!({"measures": ["A.x", 3]}), "measures[1]"),
            (
                json!({"order": [["A.x", "desc"], ["A.y", "up"]]}),
                "order[1]",
            ),
        ];
        for (q, path) in cases {
            let e = Query::from_json(&q).unwrap_err();
            assert!(e.0.contains(path), "{e} should name {path}");
        }
        let e = QueryRequest::from_json(&json!([{"measures": ["A.x"]}, {"bogus": 1}])).unwrap_err();
        assert!(e.0.contains("[1].bogus"), "{e}");
    }

    #[test]
    fn finds_the_compared_time_dimension() {
        let one = QueryRequest::from_json(&json!({"timeDimensions": [
            {"dimension": "A.t", "dateRange": "last year"},
            {"dimension": "A.u", "compareDateRange": ["this year", "last year"]}]}))
        .unwrap();
        assert_eq!(one.compare_time_dimension(), Some(1));
        let plain = QueryRequest::from_json(&json!({"timeDimensions": []})).unwrap();
        assert_eq!(plain.compare_time_dimension(), None);
        let many = QueryRequest::from_json(&json!([{"measures": ["A.x"]}])).unwrap();
        assert!(many.is_many());
        assert_eq!(many.compare_time_dimension(), None);
        let empty = QueryRequest::from_json(&json!({"timeDimensions": [
            {"dimension": "A.u", "compareDateRange": []}]}));
        assert!(empty.is_err(), "an empty compareDateRange is refused");
    }

    #[test]
    fn serde_round_trip_keeps_the_query() {
        let wire = json!({
            "measures": ["A.count"], "dimensions": ["A.city"], "segments": ["A.big"],
            "timeDimensions": [
                {"dimension": "A.at", "granularity": "month", "dateRange": ["2020-01-01", "2020-12-31"]},
                {"dimension": "A.at", "compareDateRange": ["last week", ["2020-01-01", "2020-01-07"]]}
            ],
            "filters": [{"or": [
                {"member": "A.city", "operator": "equals", "values": ["x", null]},
                {"member": "A.city", "operator": "set"}
            ]}],
            "order": {"A.count": "desc", "A.city": "asc"}, "limit": 10, "offset": 5,
            "timezone": "Europe/Paris", "total": true, "ungrouped": true, "renewQuery": true
        });
        let q: Query = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(serde_json::to_value(&q).unwrap(), wire);
        let again: Query = serde_json::from_value(serde_json::to_value(&q).unwrap()).unwrap();
        assert_eq!(again, q);
        // Lenient spellings read to the same query and write back in one form.
        let lenient: Query = serde_json::from_value(json!({
            "measures": ["A.count"], "rowLimit": "7", "total": "true",
            "filters": [{"dimension": "A.n", "operator": "gt", "values": [3]}],
            "order": [{"id": "A.count", "desc": true}]
        }))
        .unwrap();
        assert_eq!(
            serde_json::to_value(&lenient).unwrap(),
            json!({"measures": ["A.count"],
                   "filters": [{"member": "A.n", "operator": "gt", "values": ["3"]}],
                   "order": {"A.count": "desc"}, "limit": 7, "total": true})
        );
        let err =
            serde_json::from_value::<Query>(json!({"measures": ["A.x"], "limits": 3})).unwrap_err();
        assert!(err.to_string().contains("limits"), "{err}");
    }
}
