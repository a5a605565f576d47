//! Pieces of Cube's response shapes shared by several endpoints.

use axum::body::Body;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};
use strata_engine::QueryResult;

/// A response carrying `body`, already JSON text.
pub fn json_text(body: impl Into<Body>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body.into()).into_response()
}

/// The request id echoed in `/load` results: the client's `x-request-id`
/// header when sent (the JS client sends `<uuid>-span-<n>`), else a random
/// UUID-shaped id with `-span-1`.
pub fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map_or_else(|| format!("{}-span-1", random_uuid()), str::to_string)
}

/// A random (version 4) UUID in its hyphenated form, as Cube's JS client
/// makes request ids.
pub fn random_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The current UTC time as Cube writes `lastRefreshTime`: `2024-01-01T00:00:00.000Z`.
pub fn now_rfc3339_millis() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// The `order` of a normalized query as Cube's `/sql` and `/dry-run` report
/// it: `{"Cube.member": "asc" | "desc"}` in query order. Accepts the
/// `[{"id", "desc"}]`, `[[member, dir]]` and `{member: dir}` forms.
pub fn order_map(normalized_query: &Value) -> Value {
    let mut out = Map::new();
    match normalized_query.get("order") {
        Some(Value::Array(items)) => {
            for item in items {
                match item {
                    Value::Object(o) => {
                        if let Some(id) = o.get("id").and_then(Value::as_str) {
                            let desc = o.get("desc").and_then(Value::as_bool).unwrap_or(false);
                            out.insert(id.to_string(), json!(if desc { "desc" } else { "asc" }));
                        }
                    }
                    Value::Array(pair) => {
                        if let Some(id) = pair.first().and_then(Value::as_str) {
                            let dir = pair.get(1).and_then(Value::as_str).unwrap_or("asc");
                            out.insert(id.to_string(), json!(dir));
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(Value::Object(o)) => {
            for (k, v) in o {
                out.insert(k.clone(), v.clone());
            }
        }
        _ => {}
    }
    Value::Object(out)
}

/// Cube's `pivotQuery` for a set of normalized queries: the first query (for
/// compare-date-range queries with `compareDateRange` prepended to its
/// dimensions; for blending queries the union of measures and dimensions over
/// one `time` dimension), plus `queryType`.
pub fn pivot_query(query_type: &str, queries: &[Value]) -> Value {
    let mut pivot = match queries.first() {
        Some(Value::Object(o)) => o.clone(),
        _ => Map::new(),
    };
    match query_type {
        "blendingQuery" => {
            let mut blended = Map::new();
            for key in ["measures", "dimensions"] {
                let mut seen: Vec<Value> = Vec::new();
                for q in queries {
                    for m in q.get(key).and_then(Value::as_array).into_iter().flatten() {
                        if !seen.contains(m) {
                            seen.push(m.clone());
                        }
                    }
                }
                blended.insert(key.to_string(), Value::Array(seen));
            }
            let granularity = queries
                .iter()
                .filter_map(|q| q.pointer("/timeDimensions/0/granularity"))
                .find(|g| !g.is_null())
                .cloned()
                .unwrap_or(Value::Null);
            blended.insert(
                "timeDimensions".into(),
                json!([{ "dimension": "time", "granularity": granularity }]),
            );
            pivot = blended;
        }
        "compareDateRangeQuery" => {
            let mut dims = vec![json!("compareDateRange")];
            if let Some(Value::Array(existing)) = pivot.get("dimensions") {
                dims.extend(existing.iter().cloned());
            }
            pivot.insert("dimensions".into(), Value::Array(dims));
        }
        _ => {}
    }
    pivot.insert("queryType".into(), json!(query_type));
    Value::Object(pivot)
}

/// The key compare-date-range rows carry their range under.
pub const COMPARE_DATE_RANGE: &str = "compareDateRange";

/// A compare-date-range result's `compareDateRange` value as Cube writes it: the resolved
/// `dateRange` of time dimension `index` of its normalized query, `"<from> - <to>"` (local
/// times in the query's time zone, `2024-01-01T00:00:00.000 - 2024-01-31T23:59:59.999`).
pub fn compare_label(normalized_query: &Value, index: usize) -> Option<String> {
    let range = normalized_query
        .get("timeDimensions")?
        .get(index)?
        .get("dateRange")?
        .as_array()?;
    let ends: Vec<&str> = range.iter().map(Value::as_str).collect::<Option<_>>()?;
    (ends.len() == 2).then(|| ends.join(" - "))
}

/// A result's normalized `query` as `/load` echoes it: with `responseFormat` when the request
/// named one of Cube's formats, as Cube echoes it (`@cubejs-client/core` decodes compact `data`
/// when the first result's query says `compact`).
#[derive(Debug, Clone, Copy)]
pub struct EchoedQuery<'a> {
    /// The normalized query.
    pub query: &'a Value,
    /// The format to echo, if any.
    pub response_format: Option<&'static str>,
}

impl Serialize for EchoedQuery<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (Value::Object(fields), Some(format)) = (self.query, self.response_format) else {
            return self.query.serialize(serializer);
        };
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in fields.iter().filter(|(k, _)| *k != "responseFormat") {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("responseFormat", format)?;
        map.end()
    }
}

/// A `/load` result's `data`, serialized straight from the result: the row objects (Cube's
/// default format) or, for `responseFormat: "compact"`, `{"members": [...], "dataset":
/// [[...], ...]}` with the rows' keys as `members` and each row's values in that order (both
/// empty without rows, as Cube answers). A compare-date-range result's rows end with
/// `"compareDateRange": "<from> - <to>"` in either format.
#[derive(Debug, Clone, Copy)]
pub struct ResultData<'a> {
    result: &'a QueryResult,
    compact: bool,
    compare_range: Option<&'a str>,
}

impl<'a> ResultData<'a> {
    /// `data` for `result`, compact or not, each row ending with `compare_range` when given.
    pub fn new(result: &'a QueryResult, compact: bool, compare_range: Option<&'a str>) -> Self {
        ResultData {
            result,
            compact,
            compare_range,
        }
    }

    /// The keys of a row in order, each with the column whose value it carries: a key named by
    /// two columns keeps its first place and the later value, as the engine's rows have it.
    fn entries(&self) -> Vec<(&'a str, usize)> {
        let mut out: Vec<(&'a str, usize)> = Vec::new();
        for (c, column) in self.result.columns.iter().enumerate() {
            for name in &column.names {
                match out.iter_mut().find(|(n, _)| *n == name.as_str()) {
                    Some(entry) => entry.1 = c,
                    None => out.push((name.as_str(), c)),
                }
            }
        }
        out
    }

    /// Column `c` of row `row` as in the engine's rows (`null` past the last column).
    fn cell(&self, c: usize, row: usize) -> Value {
        if c < self.result.batch.num_columns() {
            self.result.row_value(c, row)
        } else {
            Value::Null
        }
    }
}

impl Serialize for ResultData<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !self.compact && self.compare_range.is_none() {
            // The common case: the engine's rows as they are.
            return self.result.rows().serialize(serializer);
        }
        let entries = self.entries();
        let rows = self.result.num_rows();
        if !self.compact {
            let mut seq = serializer.serialize_seq(Some(rows))?;
            for row in 0..rows {
                seq.serialize_element(&RowObject {
                    data: self,
                    entries: &entries,
                    row,
                })?;
            }
            return seq.end();
        }
        let mut members: Vec<&str> = Vec::new();
        if rows > 0 {
            members.extend(entries.iter().map(|(name, _)| *name));
            if self.compare_range.is_some() {
                members.push(COMPARE_DATE_RANGE);
            }
        }
        let dataset: Vec<RowValues<'_, '_>> = (0..rows)
            .map(|row| RowValues {
                data: self,
                entries: &entries,
                row,
            })
            .collect();
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("members", &members)?;
        map.serialize_entry("dataset", &dataset)?;
        map.end()
    }
}

/// One row as an object (the row form with `compareDateRange` added).
struct RowObject<'d, 'e> {
    data: &'d ResultData<'d>,
    entries: &'e [(&'d str, usize)],
    row: usize,
}

impl Serialize for RowObject<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for &(name, c) in self.entries {
            map.serialize_entry(name, &self.data.cell(c, self.row))?;
        }
        if let Some(range) = self.data.compare_range {
            map.serialize_entry(COMPARE_DATE_RANGE, range)?;
        }
        map.end()
    }
}

/// One row's values in member order (a compact `dataset` row).
struct RowValues<'d, 'e> {
    data: &'d ResultData<'d>,
    entries: &'e [(&'d str, usize)],
    row: usize,
}

impl Serialize for RowValues<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for &(_, c) in self.entries {
            seq.serialize_element(&self.data.cell(c, self.row))?;
        }
        if let Some(range) = self.data.compare_range {
            seq.serialize_element(range)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shape() {
        let a = random_uuid();
        let b = random_uuid();
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
        assert_ne!(a, b);
        // Lowercase hex in 8-4-4-4-12 groups, RFC 4122 variant.
        let groups: Vec<usize> = a.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert!(a
            .bytes()
            .all(|c| c == b'-' || c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
        assert!(matches!(a.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    }

    #[test]
    fn request_id_from_header_or_generated() {
        let mut h = HeaderMap::new();
        assert!(request_id(&h).ends_with("-span-1"));
        h.insert("x-request-id", "abc-span-3".parse().unwrap());
        assert_eq!(request_id(&h), "abc-span-3");
    }

    #[test]
    fn refresh_time_format() {
        let t = now_rfc3339_millis();
        assert_eq!(t.len(), 24, "{t}");
        assert!(t.ends_with('Z'));
        assert_eq!(&t[19..20], ".");
    }

    #[test]
    fn order_forms() {
        let expected = json!({"A.x": "desc", "A.y": "asc"});
        for q in [
            json!({"order": [{"id": "A.x", "desc": true}, {"id": "A.y", "desc": false}]}),
            json!({"order": [["A.x", "desc"], ["A.y", "asc"]]}),
            json!({"order": {"A.x": "desc", "A.y": "asc"}}),
        ] {
            assert_eq!(order_map(&q), expected);
        }
        assert_eq!(order_map(&json!({})), json!({}));
    }

    #[test]
    fn compare_label_is_the_resolved_range() {
        let normalized = json!({"timeDimensions": [
            {"dimension": "A.t"},
            {"dimension": "A.u",
             "dateRange": ["2024-01-01T00:00:00.000", "2024-01-31T23:59:59.999"]}]});
        assert_eq!(
            compare_label(&normalized, 1).as_deref(),
            Some("2024-01-01T00:00:00.000 - 2024-01-31T23:59:59.999")
        );
        assert_eq!(compare_label(&normalized, 0), None);
        assert_eq!(compare_label(&normalized, 2), None);
        let odd = json!({"timeDimensions": [{"dateRange": ["2024-01-01T00:00:00.000"]}]});
        assert_eq!(compare_label(&odd, 0), None);
    }

    #[test]
    fn echoed_query_adds_the_format() {
        let query = json!({"measures": ["A.m"], "responseFormat": "x", "limit": 1});
        let echo = |format| {
            serde_json::to_string(&EchoedQuery {
                query: &query,
                response_format: format,
            })
            .unwrap()
        };
        assert_eq!(
            echo(Some("compact")),
            r#"{"measures":["A.m"],"limit":1,"responseFormat":"compact"}"#
        );
        assert_eq!(echo(None), query.to_string());
    }

    #[test]
    fn pivot_queries() {
        let q1 = json!({"measures": ["A.m"], "dimensions": ["A.d"],
                        "timeDimensions": [{"dimension": "A.t", "granularity": "day"}]});
        let q2 = json!({"measures": ["B.m"], "dimensions": ["A.d"],
                        "timeDimensions": [{"dimension": "B.t", "granularity": "day"}]});
        let p = pivot_query("regularQuery", std::slice::from_ref(&q1));
        assert_eq!(p["queryType"], "regularQuery");
        assert_eq!(p["measures"], json!(["A.m"]));

        let p = pivot_query("compareDateRangeQuery", &[q1.clone(), q1.clone()]);
        assert_eq!(p["dimensions"], json!(["compareDateRange", "A.d"]));

        let p = pivot_query("blendingQuery", &[q1, q2]);
        assert_eq!(p["measures"], json!(["A.m", "B.m"]));
        assert_eq!(p["dimensions"], json!(["A.d"]));
        assert_eq!(
            p["timeDimensions"],
            json!([{"dimension": "time", "granularity": "day"}])
        );
    }
}
