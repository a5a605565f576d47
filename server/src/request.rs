//! Parsing of `/load`, `/sql` and `/dry-run` requests: `GET ?query=<json>` or a
//! `POST` JSON body `{"query": ..., "queryType": ...}`.
//!
//! Both are parsed by hand (from the raw query string and body bytes) so that
//! every mistake gets Cube's JSON error shape with status 400.

use std::borrow::Cow;

use serde_json::Value;
use strata_engine::CacheMode;

use crate::error::ApiError;

/// Message when the request has no `query` (Cube's wording).
pub const MISSING_QUERY_MESSAGE: &str = "Query param is required";

/// `responseFormat` value that adds `columns` to each `/load` result.
pub const COLUMNS_FORMAT: &str = "columns";

/// A parsed API request.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    /// The query: an object, or an array of objects.
    pub query: Value,
    /// `queryType` (`multi` asks for the multi-result response shape).
    pub query_type: Option<String>,
    /// `responseFormat` given as a request parameter or inside the query.
    pub response_format: Option<String>,
    /// Cube's `cache` mode, as a request parameter or inside the query.
    pub cache: CacheMode,
}

impl ApiRequest {
    /// Parses a `GET` request from its raw (still URL-encoded) query string.
    pub fn from_query_string(raw: Option<&str>) -> Result<Self, ApiError> {
        let params = parse_query_string(raw.unwrap_or(""))?;
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let text = get("query")
            .filter(|q| !q.trim().is_empty() && q != "undefined")
            .ok_or_else(|| ApiError::bad_request(MISSING_QUERY_MESSAGE))?;
        let query = parse_query_json(&text)?;
        Self::build(query, get("queryType"), get("responseFormat"), get("cache"))
    }

    /// Parses a `POST` request from its body; `queryType` and `responseFormat`
    /// may also come from the query string (the body wins).
    pub fn from_body(body: &[u8], raw_query: Option<&str>) -> Result<Self, ApiError> {
        let params = parse_query_string(raw_query.unwrap_or(""))?;
        let param = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request(MISSING_QUERY_MESSAGE));
        }
        let body: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("Invalid query JSON: {e}")))?;
        let Value::Object(mut fields) = body else {
            return Err(ApiError::bad_request(
                "Invalid request body: expected a JSON object with a `query` field",
            ));
        };
        let query = match fields.remove("query") {
            None | Some(Value::Null) => return Err(ApiError::bad_request(MISSING_QUERY_MESSAGE)),
            // Cube also accepts the query as a JSON string.
            Some(Value::String(s)) if s.trim().is_empty() => {
                return Err(ApiError::bad_request(MISSING_QUERY_MESSAGE))
            }
            Some(Value::String(s)) => parse_query_json(&s)?,
            Some(q) => q,
        };
        let string_field = |v: Option<Value>| match v {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let query_type = string_field(fields.remove("queryType")).or_else(|| param("queryType"));
        let format =
            string_field(fields.remove("responseFormat")).or_else(|| param("responseFormat"));
        let cache = string_field(fields.remove("cache")).or_else(|| param("cache"));
        Self::build(query, query_type, format, cache)
    }

    fn build(
        mut query: Value,
        query_type: Option<String>,
        response_format: Option<String>,
        cache: Option<String>,
    ) -> Result<Self, ApiError> {
        match &query {
            Value::Object(_) => {}
            Value::Array(items) if items.is_empty() => {
                return Err(ApiError::bad_request(MISSING_QUERY_MESSAGE))
            }
            Value::Array(items) if items.iter().all(Value::is_object) => {}
            _ => {
                return Err(ApiError::bad_request(
                    "Invalid query: expected a JSON object or an array of objects",
                ))
            }
        }
        // `responseFormat: "columns"` inside the query is Strata's extension:
        // take it out so the engine sees a plain Cube query.
        let mut response_format = response_format;
        let mut cache = cache;
        if let Value::Object(fields) = &mut query {
            if fields.get("responseFormat").and_then(Value::as_str) == Some(COLUMNS_FORMAT) {
                fields.remove("responseFormat");
                response_format.get_or_insert_with(|| COLUMNS_FORMAT.to_string());
            }
            if let Some(Value::String(c)) = fields.remove("cache") {
                cache.get_or_insert(c);
            }
        }
        let cache = match cache {
            Some(c) => CacheMode::parse(&c).map_err(|e| ApiError::bad_request(e.to_string()))?,
            None => CacheMode::default(),
        };
        Ok(ApiRequest {
            query,
            query_type,
            response_format,
            cache,
        })
    }

    /// True when `queryType=multi` was given.
    pub fn is_multi(&self) -> bool {
        self.query_type.as_deref() == Some("multi")
    }

    /// True when `responseFormat=columns` was given.
    pub fn wants_columns(&self) -> bool {
        self.response_format.as_deref() == Some(COLUMNS_FORMAT)
    }
}

fn parse_query_json(text: &str) -> Result<Value, ApiError> {
    serde_json::from_str(text)
        .map_err(|e| ApiError::bad_request(format!("Invalid query JSON: {e}")))
}

/// Splits `a=1&b=x%20y` into decoded pairs (`+` is a space, as in forms).
pub fn parse_query_string(raw: &str) -> Result<Vec<(String, String)>, ApiError> {
    raw.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            Ok((decode(k)?, decode(v)?))
        })
        .collect()
}

fn decode(s: &str) -> Result<String, ApiError> {
    urlencoding::decode(&s.replace('+', " "))
        .map(Cow::into_owned)
        .map_err(|e| ApiError::bad_request(format!("Invalid query string: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use serde_json::json;

    fn encode(v: &Value) -> String {
        urlencoding::encode(&v.to_string()).into_owned()
    }

    #[test]
    fn get_with_query_param() {
        let q = json!({"measures": ["Orders.count"]});
        let raw = format!("query={}&queryType=multi", encode(&q));
        let r = ApiRequest::from_query_string(Some(&raw)).unwrap();
        assert_eq!(r.query, q);
        assert!(r.is_multi());
        assert!(!r.wants_columns());
    }

    #[test]
    fn get_with_plus_for_spaces_and_array() {
        let raw = "query=[{\"measures\":[\"Orders.count\"],\"timezone\":\"America/New+York\"}]";
        let r = ApiRequest::from_query_string(Some(raw)).unwrap();
        assert_eq!(r.query[0]["timezone"], "America/New York");
        assert!(!r.is_multi());
    }

    #[test]
    fn get_response_format_param() {
        let raw = format!("query={}&responseFormat=columns", encode(&json!({})));
        assert!(ApiRequest::from_query_string(Some(&raw))
            .unwrap()
            .wants_columns());
    }

    #[test]
    fn get_without_query() {
        for raw in [None, Some(""), Some("queryType=multi"), Some("query=")] {
            let e = ApiRequest::from_query_string(raw).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST);
            assert_eq!(e.message, MISSING_QUERY_MESSAGE);
        }
    }

    #[test]
    fn get_malformed_json() {
        let e = ApiRequest::from_query_string(Some("query=%7Bnot%20json")).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(
            e.message.starts_with("Invalid query JSON: "),
            "{}",
            e.message
        );
    }

    #[test]
    fn get_query_not_an_object() {
        let e = ApiRequest::from_query_string(Some("query=42")).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn post_body() {
        let body = json!({"query": {"measures": ["Orders.count"]}, "queryType": "multi"});
        let r = ApiRequest::from_body(body.to_string().as_bytes(), None).unwrap();
        assert_eq!(r.query, json!({"measures": ["Orders.count"]}));
        assert!(r.is_multi());
    }

    #[test]
    fn post_body_query_as_string_and_params_from_url() {
        let body = json!({"query": "{\"measures\":[\"Orders.count\"]}"});
        let r = ApiRequest::from_body(
            body.to_string().as_bytes(),
            Some("queryType=multi&responseFormat=columns"),
        )
        .unwrap();
        assert_eq!(r.query["measures"][0], "Orders.count");
        assert!(r.is_multi());
        assert!(r.wants_columns());
    }

    #[test]
    fn post_response_format_inside_query_is_taken_out() {
        let body = json!({"query": {"measures": ["A.b"], "responseFormat": "columns"}});
        let r = ApiRequest::from_body(body.to_string().as_bytes(), None).unwrap();
        assert!(r.wants_columns());
        assert!(r.query.get("responseFormat").is_none());
    }

    #[test]
    fn post_malformed_json() {
        let e = ApiRequest::from_body(b"{\"query\": ", None).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(
            e.message.starts_with("Invalid query JSON: "),
            "{}",
            e.message
        );
    }

    #[test]
    fn post_missing_query() {
        for body in [&b""[..], b"{}", b"{\"query\": null}", b"  "] {
            let e = ApiRequest::from_body(body, None).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST);
            assert_eq!(e.message, MISSING_QUERY_MESSAGE);
        }
    }

    #[test]
    fn post_body_not_an_object() {
        let e = ApiRequest::from_body(b"[1, 2]", None).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
    }
}
