//! Pieces of Cube's response shapes shared by several endpoints.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

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

/// A random version-4-shaped UUID (not cryptographically strong).
pub fn random_uuid() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let word = |salt: u64| {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_u64(salt);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        );
        h.finish()
    };
    let hi = word(1);
    let lo = word(2);
    let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000; // version 4
    let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000; // RFC 4122 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
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
