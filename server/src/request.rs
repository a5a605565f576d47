//! Parsing of `/load`, `/sql` and `/dry-run` requests: `GET ?query=<json>` or a
//! `POST` JSON body `{"query": ..., "queryType": ...}`.
//!
//! Both are parsed by hand (from the raw query string and body bytes) so that
//! every mistake gets Cube's JSON error shape with status 400.

use std::borrow::Cow;

use serde_json::{Map, Value};
use strata_engine::{CacheMode, QueryRequest};

use crate::error::ApiError;

/// Message when the request has no `query` (Cube's wording).
pub const MISSING_QUERY_MESSAGE: &str = "Query param is required";

/// How `/load` writes each result: the `responseFormat` of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseFormat {
    /// Cube's `default`: `data` is an array of row objects.
    #[default]
    Default,
    /// Cube's `compact`: `data` is `{"members": [...], "dataset": [[...], ...]}`, the keys of
    /// the row objects and each row's values in their order.
    Compact,
    /// Strata's extension: the row objects, plus chart-ready `columns` in each result.
    Columns,
}

impl ResponseFormat {
    /// Every format, as requests name them.
    pub const ALL: [ResponseFormat; 3] = [
        ResponseFormat::Default,
        ResponseFormat::Compact,
        ResponseFormat::Columns,
    ];

    /// The name requests use.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseFormat::Default => "default",
            ResponseFormat::Compact => "compact",
            ResponseFormat::Columns => "columns",
        }
    }

    /// Parses a `responseFormat` value: a string naming a format, else a 400 in Cube's words.
    pub fn parse(value: &Value) -> Result<Self, ApiError> {
        value
            .as_str()
            .and_then(|name| Self::ALL.into_iter().find(|f| f.as_str() == name))
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|f| f.as_str()).collect();
                ApiError::bad_request(format!(
                    "Invalid query format: \"responseFormat\" must be one of [{}], got {value}",
                    names.join(", ")
                ))
            })
    }

    /// Whether it is one of Cube's formats, which Cube echoes in each result's `query`
    /// (`@cubejs-client/core` decodes compact `data` by that echo).
    pub fn is_cube_format(self) -> bool {
        !matches!(self, ResponseFormat::Columns)
    }
}

/// A parsed API request.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    /// The query: one, or several (without `responseFormat` or `cache`).
    pub query: QueryRequest,
    /// `queryType` (`multi` asks for the multi-result response shape).
    pub query_type: Option<String>,
    /// `responseFormat` when the request names one: as a request parameter (which wins), or
    /// inside a single query as Cube reads it (the queries of an array do not set it).
    pub response_format: Option<ResponseFormat>,
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
        let format = get("responseFormat")
            .map(|f| ResponseFormat::parse(&Value::String(f)))
            .transpose()?;
        Self::build(query, get("queryType"), format, get("cache"))
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
        let format = match fields.remove("responseFormat") {
            None | Some(Value::Null) => param("responseFormat").map(Value::String),
            Some(format) => Some(format),
        };
        let format = format.as_ref().map(ResponseFormat::parse).transpose()?;
        let cache = string_field(fields.remove("cache")).or_else(|| param("cache"));
        Self::build(query, query_type, format, cache)
    }

    fn build(
        mut query: Value,
        query_type: Option<String>,
        response_format: Option<ResponseFormat>,
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
        // `responseFormat` and `cache` inside the query are taken out so that the engine sees
        // a plain Cube query (and caches it as one). Cube reads the format of a single query;
        // an array's queries are checked but answer in the request's format.
        let mut response_format = response_format;
        let mut cache = cache;
        match &mut query {
            Value::Object(fields) => {
                if let Some(format) = take_format(fields)? {
                    response_format.get_or_insert(format);
                }
                if let Some(Value::String(c)) = fields.remove("cache") {
                    cache.get_or_insert(c);
                }
            }
            Value::Array(items) => {
                for fields in items.iter_mut().filter_map(Value::as_object_mut) {
                    take_format(fields)?;
                }
            }
            _ => {}
        }
        let cache = match cache {
            Some(c) => CacheMode::parse(&c).map_err(|e| ApiError::bad_request(e.to_string()))?,
            None => CacheMode::default(),
        };
        let query = QueryRequest::from_json(&query)?;
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

    /// The format the results are written in ([`ResponseFormat::Default`] unless named).
    pub fn format(&self) -> ResponseFormat {
        self.response_format.unwrap_or_default()
    }

    /// True when `responseFormat=columns` was given.
    pub fn wants_columns(&self) -> bool {
        self.format() == ResponseFormat::Columns
    }
}

/// Removes and parses a query's `responseFormat` (`null` is none).
fn take_format(fields: &mut Map<String, Value>) -> Result<Option<ResponseFormat>, ApiError> {
    match fields.remove("responseFormat") {
        None | Some(Value::Null) => Ok(None),
        Some(format) => ResponseFormat::parse(&format).map(Some),
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

    /// The request's query back in JSON.
    fn wire(r: &ApiRequest) -> Value {
        serde_json::to_value(&r.query).unwrap()
    }

    fn encode(v: &Value) -> String {
        urlencoding::encode(&v.to_string()).into_owned()
    }

    #[test]
    fn get_with_query_param() {
        let q = json!({"measures": ["Orders.count"]});
        let raw = format!("query={}&queryType=multi", encode(&q));
        let r = ApiRequest::from_query_string(Some(&raw)).unwrap();
        assert_eq!(wire(&r), q);
        assert!(r.is_multi());
        assert!(!r.wants_columns());
    }

    #[test]
    fn get_with_plus_for_spaces_and_array() {
        let raw = "query=[{\"measures\":[\"Orders.count\"],\"timezone\":\"America/New+York\"}]";
        let r = ApiRequest::from_query_string(Some(raw)).unwrap();
        assert_eq!(wire(&r)[0]["timezone"], "America/New York");
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
        assert_eq!(wire(&r), json!({"measures": ["Orders.count"]}));
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
        assert_eq!(wire(&r)["measures"][0], "Orders.count");
        assert!(r.is_multi());
        assert!(r.wants_columns());
    }

    #[test]
    fn post_response_format_inside_query_is_taken_out() {
        let body = json!({"query": {"measures": ["A.b"], "responseFormat": "columns"}});
        let r = ApiRequest::from_body(body.to_string().as_bytes(), None).unwrap();
        assert!(r.wants_columns());
        assert!(wire(&r).get("responseFormat").is_none());
    }

    #[test]
    fn compact_inside_the_query_or_as_a_parameter() {
        let q = json!({"measures": ["A.b"], "responseFormat": "compact"});
        let raw = format!("query={}", encode(&q));
        let r = ApiRequest::from_query_string(Some(&raw)).unwrap();
        assert_eq!(r.response_format, Some(ResponseFormat::Compact));
        assert_eq!(wire(&r), json!({"measures": ["A.b"]}));

        let body = json!({"query": {"measures": ["A.b"]}, "responseFormat": "compact"});
        let r = ApiRequest::from_body(body.to_string().as_bytes(), None).unwrap();
        assert_eq!(r.format(), ResponseFormat::Compact);

        // The request's parameter wins over the query's.
        let body = json!({"query": {"measures": ["A.b"], "responseFormat": "compact"}});
        let r = ApiRequest::from_body(body.to_string().as_bytes(), Some("responseFormat=default"))
            .unwrap();
        assert_eq!(r.response_format, Some(ResponseFormat::Default));
        assert!(wire(&r).get("responseFormat").is_none());

        let r = ApiRequest::from_body(br#"{"query": {"measures": ["A.b"]}}"#, None).unwrap();
        assert_eq!(
            (r.response_format, r.format()),
            (None, ResponseFormat::Default)
        );
    }

    #[test]
    fn array_queries_do_not_set_the_format() {
        let body = json!({"query": [{"measures": ["A.b"], "responseFormat": "compact"},
                                    {"measures": ["A.c"], "responseFormat": null}]});
        let r = ApiRequest::from_body(body.to_string().as_bytes(), None).unwrap();
        assert_eq!(r.response_format, None);
        assert_eq!(
            wire(&r),
            json!([{"measures": ["A.b"]}, {"measures": ["A.c"]}])
        );
    }

    #[test]
    fn unknown_formats_are_400s() {
        let bad_query = json!({"measures": ["A.b"], "responseFormat": "rows"});
        let errors = [
            ApiRequest::from_query_string(Some(&format!("query={}", encode(&bad_query)))),
            ApiRequest::from_query_string(Some(&format!(
                "query={}&responseFormat=columnar",
                encode(&json!({}))
            ))),
            ApiRequest::from_body(br#"{"query": {}, "responseFormat": 5}"#, None),
            ApiRequest::from_body(br#"{"query": {"responseFormat": ["compact"]}}"#, None),
            ApiRequest::from_body(br#"{"query": [{}, {"responseFormat": "rows"}]}"#, None),
        ];
        for e in errors {
            let e = e.unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST);
            assert!(
                e.message
                    .contains("\"responseFormat\" must be one of [default, compact, columns]"),
                "{}",
                e.message
            );
        }
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
