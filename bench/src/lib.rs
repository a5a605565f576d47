//! Strata's benchmark harness, the library behind `strata bench`: query
//! planning in process ([`plan`]), replaying queries against any
//! Cube-compatible HTTP endpoint ([`http`]) and a synthetic model generator
//! ([`gen_model`]), with nearest-rank latency statistics ([`stats`]).
//!
//! Every run takes a typed options struct and returns a typed report
//! ([`plan::PlanReport`], [`http::HttpReport`], ...) that serialises to the
//! JSON `strata bench --json` writes and renders as the text it prints.
//!
//! Queries come from JSON Lines files ([`read_queries`]): one Cube query per
//! line, or the conformance corpus' `cases.jsonl` format where each line is
//! `{"name": ..., "query": {...}, ...}`.
//!
//! The crate needs no server: [`http`] talks to one over HTTP at any URL (a
//! `strata serve`, a Cube deployment, or a server started in process with
//! `strata_server::start`).

#![warn(missing_docs)]

pub mod gen_model;
pub mod http;
pub mod plan;
pub mod stats;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BenchError {
    /// A file could not be read or written.
    #[error("cannot access `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A line of a queries file is not a query.
    #[error("{source_name}:{line}: {reason}")]
    BadQueryLine {
        /// The file (or other source) name.
        source_name: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// The queries file holds no query.
    #[error("{0}: no queries found")]
    NoQueries(String),
    /// The model has errors.
    #[error("the model in `{dir}` has errors:\n{errors}")]
    Model {
        /// The model directory.
        dir: PathBuf,
        /// Every error found.
        errors: strata_schema::ModelErrors,
    },
    /// A benchmark option is out of range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The HTTP client could not be set up.
    #[error("HTTP client: {0}")]
    Http(String),
}

/// A Cube REST query: the JSON object a client sends as `query`.
///
/// Kept as written (members, keys in their order) rather than parsed into
/// the engine's query model, so that the HTTP replay sends what a client
/// would and a query the engine refuses is still benchmarked (and reported
/// with the engine's error). Built by parsing JSON text ([`str::parse`]); prints as
/// compact JSON ([`fmt::Display`]) and serialises as the object itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct CubeQuery(Value);

impl CubeQuery {
    /// The query JSON, always an object. Crate-private: across the crate
    /// boundary a query is text in, text out.
    pub(crate) fn json(&self) -> &Value {
        &self.0
    }

    /// A query from a JSON object.
    pub(crate) fn from_object(fields: serde_json::Map<String, Value>) -> CubeQuery {
        CubeQuery(Value::Object(fields))
    }
}

/// Why a text is not a Cube query.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QueryTextError {
    /// The text is not JSON.
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The JSON is not an object.
    #[error("expected a JSON object (a Cube query)")]
    NotAnObject,
}

impl FromStr for CubeQuery {
    type Err = QueryTextError;

    /// Parses a query's JSON text, e.g. `{"measures": ["Orders.count"]}`.
    fn from_str(text: &str) -> Result<CubeQuery, QueryTextError> {
        match serde_json::from_str(text)? {
            Value::Object(fields) => Ok(CubeQuery::from_object(fields)),
            _ => Err(QueryTextError::NotAnObject),
        }
    }
}

impl fmt::Display for CubeQuery {
    /// The query as compact JSON (keys in their original order).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// One query to benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedQuery {
    /// The case name, or `line N` for bare queries.
    pub name: String,
    /// The Cube query.
    pub query: CubeQuery,
}

/// Parses a queries file's text: one JSON object per non-blank line, either a
/// bare Cube query or `{"name", "query", ...}` (recognised by its `query`
/// key). Lines starting with `//` or `#` are comments. `source_name` names the
/// file in errors, which carry the 1-based line number.
pub fn parse_queries(text: &str, source_name: &str) -> Result<Vec<NamedQuery>, BenchError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with("//") || line.starts_with('#') {
            continue;
        }
        let bad = |reason: String| BenchError::BadQueryLine {
            source_name: source_name.to_string(),
            line: i + 1,
            reason,
        };
        let value: Value =
            serde_json::from_str(line).map_err(|e| bad(QueryTextError::Json(e).to_string()))?;
        let Value::Object(mut fields) = value else {
            return Err(bad(QueryTextError::NotAnObject.to_string()));
        };
        let named = match fields.remove("query") {
            Some(Value::Object(query)) => NamedQuery {
                name: match fields.get("name") {
                    Some(Value::String(s)) => s.clone(),
                    _ => format!("line {}", i + 1),
                },
                query: CubeQuery::from_object(query),
            },
            Some(_) => return Err(bad("`query` must be a JSON object".to_string())),
            None => NamedQuery {
                name: format!("line {}", i + 1),
                query: CubeQuery::from_object(fields),
            },
        };
        out.push(named);
    }
    if out.is_empty() {
        return Err(BenchError::NoQueries(source_name.to_string()));
    }
    Ok(out)
}

/// Reads and parses a queries file; see [`parse_queries`].
pub fn read_queries(path: &Path) -> Result<Vec<NamedQuery>, BenchError> {
    let text = std::fs::read_to_string(path).map_err(|source| BenchError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_queries(&text, &path.display().to_string())
}

/// Writes `text` to `path`, creating parent directories.
pub fn write_file(path: &Path, text: &str) -> Result<(), BenchError> {
    let io = |source| BenchError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(path, text).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_bare_queries() {
        let text = "{\"measures\":[\"A.count\"]}\n\n  {\"dimensions\":[\"A.x\"],\"limit\":5}  \n";
        let q = parse_queries(text, "q.jsonl").unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].name, "line 1");
        assert_eq!(q[0].query.json(), &json!({"measures": ["A.count"]}));
        assert_eq!(q[1].name, "line 3");
        assert_eq!(q[1].query.json()["limit"], 5);
    }

    #[test]
    fn parses_conformance_cases() {
        let text = concat!(
            "{\"name\":\"first\",\"query\":{\"measures\":[\"A.count\"]},\"expect\":{\"data\":[]}}\n",
            "# a comment\n",
            "{\"query\":{\"dimensions\":[\"A.x\"]},\"tags\":[\"t\"]}\n",
        );
        let q = parse_queries(text, "cases.jsonl").unwrap();
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].name, "first");
        assert_eq!(q[0].query.json(), &json!({"measures": ["A.count"]}));
        assert_eq!(q[1].name, "line 3");
        assert_eq!(q[1].query.to_string(), r#"{"dimensions":["A.x"]}"#);
    }

    #[test]
    fn bad_lines_name_their_line_number() {
        let err = parse_queries("{\"measures\":[]}\n{not json\n", "q.jsonl").unwrap_err();
        assert!(
            matches!(err, BenchError::BadQueryLine { line: 2, .. }),
            "{err}"
        );
        assert!(
            err.to_string().starts_with("q.jsonl:2: not valid JSON"),
            "{err}"
        );

        let err = parse_queries("\n\n[1, 2]\n", "q.jsonl").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("q.jsonl:3: expected a JSON object"),
            "{err}"
        );

        let err = parse_queries("{\"name\":\"x\",\"query\":7}", "c.jsonl").unwrap_err();
        assert!(
            err.to_string().contains("c.jsonl:1: `query` must be"),
            "{err}"
        );

        let err = parse_queries("\n# nothing\n", "e.jsonl").unwrap_err();
        assert!(matches!(err, BenchError::NoQueries(_)), "{err}");
    }

    #[test]
    fn query_text_round_trips_in_key_order() {
        let text = r#"{"measures":["A.count"],"dimensions":["A.x"],"limit":5}"#;
        let q: CubeQuery = text.parse().unwrap();
        assert_eq!(q.to_string(), text);
        assert_eq!(serde_json::to_string(&q).unwrap(), text);
        assert!(matches!(
            "[1]".parse::<CubeQuery>(),
            Err(QueryTextError::NotAnObject)
        ));
        assert!(matches!(
            "{nope".parse::<CubeQuery>(),
            Err(QueryTextError::Json(_))
        ));
    }

    #[test]
    fn reading_a_missing_file_fails_cleanly() {
        let err = read_queries(Path::new("/nonexistent/strata/q.jsonl")).unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent/strata/q.jsonl"),
            "{err}"
        );
    }
}
