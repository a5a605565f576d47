//! The Cube driver-test conformance corpus (`../shared/conformance/cube-drivers`) and the
//! comparison rules its README defines.
//!
//! Dependency-free apart from `serde_json`, so `benches/planning.rs` includes this file too
//! (`#[path = "../tests/it/common/corpus.rs"]`).

use serde_json::Value;
use std::cmp::Ordering;
use std::path::PathBuf;

/// `$CARGO_MANIFEST_DIR/../shared/conformance/cube-drivers`; panics (loudly) when it is missing.
pub fn corpus_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/cube-drivers");
    assert!(
        dir.join("cases.jsonl").is_file(),
        "\n\n*** conformance corpus not found at {} ***\n\
         The tests need the Cube driver-test corpus beside the checkout \
         (shared/conformance/cube-drivers). Refusing to skip.\n",
        dir.display()
    );
    dir
}

/// The corpus model directory (`<corpus>/model`).
pub fn model_dir() -> PathBuf {
    corpus_dir().join("model")
}

/// What a case expects.
#[derive(Debug, Clone)]
pub enum Expect {
    /// `data` rows, plus `total` when the upstream test asserted it.
    Data {
        rows: Vec<Value>,
        total: Option<Value>,
    },
    /// The request must fail (non-2xx) with a body containing this substring.
    Error(String),
}

/// One line of `cases.jsonl`.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub query: Value,
    pub expect: Expect,
    pub order_sensitive: bool,
}

/// Every case of `cases.jsonl`, in file order.
pub fn load_cases() -> Vec<Case> {
    let path = corpus_dir().join("cases.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let cases: Vec<Case> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| parse_case(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1)))
        .collect();
    assert!(!cases.is_empty(), "{} holds no case", path.display());
    cases
}

/// The case called `name`; panics when the corpus has none.
pub fn case_named<'a>(cases: &'a [Case], name: &str) -> &'a Case {
    cases
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no conformance case named {name:?}"))
}

fn parse_case(line: &str) -> Result<Case, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let name = v["name"].as_str().ok_or("missing \"name\"")?.to_string();
    let query = v.get("query").cloned().ok_or("missing \"query\"")?;
    let expect = &v["expect"];
    let expect = if let Some(err) = expect.get("error") {
        Expect::Error(
            err.as_str()
                .ok_or("expect.error is not a string")?
                .to_string(),
        )
    } else {
        let rows = expect["data"]
            .as_array()
            .ok_or("expect has neither \"data\" nor \"error\"")?
            .clone();
        Expect::Data {
            rows,
            total: expect.get("total").cloned(),
        }
    };
    let order_sensitive = v["order_sensitive"]
        .as_bool()
        .ok_or("missing \"order_sensitive\"")?;
    Ok(Case {
        name,
        query,
        expect,
        order_sensitive,
    })
}

// ---------------------------------------------------------------------------------------------
// Exact decimal comparison of numeric strings.

/// A decimal string in canonical form: sign, integer digits without leading zeros, fraction
/// digits without trailing zeros. Zero is always non-negative.
#[derive(Debug, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    int: String,
    frac: String,
}

/// Parses `[+-]digits[.digits]` (either side of the point may be empty, not both). No exponent,
/// no whitespace, no thousands separators: anything else is not numeric-looking.
fn parse_decimal(s: &str) -> Option<Decimal> {
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int = int.trim_start_matches('0').to_string();
    let frac = frac.trim_end_matches('0').to_string();
    let negative = negative && !(int.is_empty() && frac.is_empty());
    Some(Decimal {
        negative,
        int,
        frac,
    })
}

/// `Some(ordering)` when both strings are numeric-looking, compared by exact decimal value.
pub fn decimal_cmp(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (parse_decimal(a)?, parse_decimal(b)?);
    let magnitude = a
        .int
        .len()
        .cmp(&b.int.len())
        .then_with(|| a.int.cmp(&b.int))
        .then_with(|| a.frac.cmp(&b.frac));
    Some(match (a.negative, b.negative) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (false, false) => magnitude,
        (true, true) => magnitude.reverse(),
    })
}

/// Equality of two result values under the corpus rules: two strings that both look numeric
/// are equal when their decimal values are; two JSON numbers are compared by decimal value of
/// their text; a JSON number never equals a JSON string (values are "exactly as snapshotted").
pub fn values_equal(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(a), Value::String(b)) => {
            a == b || decimal_cmp(a, b) == Some(Ordering::Equal)
        }
        (Value::Number(a), Value::Number(b)) => {
            a == b || decimal_cmp(&a.to_string(), &b.to_string()) == Some(Ordering::Equal)
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, va)| b.get(k).is_some_and(|vb| values_equal(va, vb)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| values_equal(x, y))
        }
        (a, b) => a == b,
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 600 {
        let cut = (0..=600)
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        format!("{}…", &s[..cut])
    } else {
        s
    }
}

/// Compares result rows: as lists when `ordered`, else as multisets. `Err` says how they
/// differ (first differing row).
pub fn compare_rows(expected: &[Value], actual: &[Value], ordered: bool) -> Result<(), String> {
    if ordered {
        for (i, (e, a)) in expected.iter().zip(actual).enumerate() {
            if !values_equal(e, a) {
                return Err(format!(
                    "row {i} differs (ordered comparison):\n      expected {}\n      actual   {}",
                    short(e),
                    short(a)
                ));
            }
        }
        if expected.len() != actual.len() {
            let (which, extra) = if actual.len() > expected.len() {
                ("unexpected", &actual[expected.len()])
            } else {
                ("missing", &expected[actual.len()])
            };
            return Err(format!(
                "expected {} rows, got {}; first {which} row: {}",
                expected.len(),
                actual.len(),
                short(extra)
            ));
        }
        return Ok(());
    }
    // Multiset: values_equal is an equivalence relation, so greedy matching is exact.
    let mut used = vec![false; actual.len()];
    let mut missing = Vec::new();
    for e in expected {
        match (0..actual.len()).find(|&j| !used[j] && values_equal(e, &actual[j])) {
            Some(j) => used[j] = true,
            None => missing.push(e),
        }
    }
    let unexpected: Vec<&Value> = actual
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(a, _)| a)
        .collect();
    if missing.is_empty() && unexpected.is_empty() {
        return Ok(());
    }
    let mut msg = format!(
        "rows differ (multiset comparison): expected {} rows, got {}; {} expected row(s) missing, {} unexpected",
        expected.len(),
        actual.len(),
        missing.len(),
        unexpected.len()
    );
    if let Some(m) = missing.first() {
        msg.push_str(&format!("\n      first missing    {}", short(m)));
    }
    if let Some(u) = unexpected.first() {
        msg.push_str(&format!("\n      first unexpected {}", short(u)));
    }
    Err(msg)
}

/// Checks a `/load` response (`status`, JSON `body`) against a case's expectation.
pub fn check_response(case: &Case, status: u16, body: &Value) -> Result<(), String> {
    match &case.expect {
        Expect::Error(substring) => {
            if (200..300).contains(&status) {
                return Err(format!(
                    "expected an error containing {substring:?}, got HTTP {status}: {}",
                    short(body)
                ));
            }
            let text = body.to_string();
            if !text.contains(substring.as_str()) {
                return Err(format!(
                    "HTTP {status} as expected, but the body lacks {substring:?}: {}",
                    short(body)
                ));
            }
            Ok(())
        }
        Expect::Data { rows, total } => {
            if status != 200 {
                return Err(format!("HTTP {status}: {}", short(body)));
            }
            let result = load_result(body)?;
            let data = result["data"]
                .as_array()
                .ok_or_else(|| format!("response has no \"data\" array: {}", short(body)))?;
            compare_rows(rows, data, case.order_sensitive)?;
            if let Some(total) = total {
                match result.get("total") {
                    Some(t) if values_equal(total, t) => {}
                    other => {
                        return Err(format!(
                            "total: expected {total}, got {}",
                            other.map_or("<absent>".to_string(), short)
                        ))
                    }
                }
            }
            Ok(())
        }
    }
}

/// The single result of a `/load` response: the body itself, or `results[0]` for a
/// `queryType: multi` response.
pub fn load_result(body: &Value) -> Result<&Value, String> {
    if body.get("results").is_some() {
        let results = body["results"]
            .as_array()
            .ok_or_else(|| format!("\"results\" is not an array: {}", short(body)))?;
        match results.as_slice() {
            [one] => Ok(one),
            _ => Err(format!(
                "expected exactly one result, got {}: {}",
                results.len(),
                short(body)
            )),
        }
    } else {
        Ok(body)
    }
}

/// The rows of a `/load` response body; panics with the body when there are none.
pub fn data_rows(body: &Value) -> Vec<Value> {
    load_result(body)
        .ok()
        .and_then(|r| r["data"].as_array())
        .unwrap_or_else(|| panic!("response has no data rows: {}", short(body)))
        .clone()
}
