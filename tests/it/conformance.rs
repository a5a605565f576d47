//! Runs the Cube driver-test conformance corpus (`../shared/conformance/cube-drivers`, see its
//! README) against an in-process Strata server backed by the local PostgreSQL.
//!
//! Every case's query is POSTed to `/cubejs-api/v1/load`; the response `data` is compared with
//! the snapshot as a multiset of rows (as a list when the case is `order_sensitive`), numeric
//! strings by exact decimal value; `total` and expected errors are checked too. The run ends
//! with a line `conformance: N passed, M failed`.

use crate::common::*;
use std::collections::HashSet;

/// Cases not run, each with the reason. Empty: Strata is expected to pass the whole corpus.
/// Add an entry only with a reason that lies outside Strata (and say so in review).
const SKIP: &[(&str, &str)] = &[];

/// Cases the GET check replays: dimensions, filter, order + limit + offset + total, a join and
/// a time series with granularity.
const GET_CASES: &[&str] = &[
    "querying Customers: dimensions",
    "filtering Products: startsWith filter + dimensions + order, second",
    "querying Customers: dimensions + order + limit + total + offset",
    "querying ECommerce: dimensions + order + limit + total",
    "querying ECommerce: total sales, total profit by month + order (date) + total -- doesn't work with the BigQuery",
];

fn skip_reason(name: &str) -> Option<&'static str> {
    SKIP.iter().find(|(n, _)| *n == name).map(|(_, r)| *r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_corpus_via_post() {
    let cases = load_cases();
    let names: HashSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), cases.len(), "case names must be unique");
    for (name, _) in SKIP {
        assert!(
            names.contains(name),
            "SKIP lists {name:?}, which is not in the corpus"
        );
    }

    let server = start_server().await;
    let (mut passed, mut skipped) = (0usize, 0usize);
    let mut failed: Vec<&str> = Vec::new();
    for case in &cases {
        if let Some(reason) = skip_reason(&case.name) {
            report(&format!("SKIP {}: {reason}", case.name));
            skipped += 1;
            continue;
        }
        let resp = server.post_load(&case.query).await;
        match check_response(case, resp.status, &resp.body()) {
            Ok(()) => passed += 1,
            Err(reason) => {
                let sql = server.sql_for(&case.query).await;
                report(&format!(
                    "FAIL {}\n    query: {}\n    {reason}\n    sql: {sql}",
                    case.name, case.query
                ));
                failed.push(&case.name);
            }
        }
    }
    server.shutdown().await;

    let skipped_note = if skipped > 0 {
        format!(", {skipped} skipped")
    } else {
        String::new()
    };
    report(&format!(
        "\nconformance: {passed} passed, {} failed{skipped_note}",
        failed.len()
    ));
    assert_eq!(
        failed.len(),
        0,
        "{} conformance case(s) failed:\n  {}",
        failed.len(),
        failed.join("\n  ")
    );
    assert_eq!(passed + skipped, cases.len());
}

/// `GET /cubejs-api/v1/load?query=` answers like POST: the corpus expectation holds and the
/// rows equal the POST rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conformance_subset_via_get() {
    let cases = load_cases();
    let server = start_server().await;
    let mut failures = Vec::new();
    for name in GET_CASES {
        let case = case_named(&cases, name);
        let get = server.get_load(&case.query).await;
        if let Err(reason) = check_response(case, get.status, &get.body()) {
            failures.push(format!("{name} (GET): {reason}"));
            continue;
        }
        let post = server.post_load(&case.query).await;
        if post.status != 200 {
            failures.push(format!(
                "{name} (POST): HTTP {}: {}",
                post.status, post.text
            ));
            continue;
        }
        if let Err(reason) = compare_rows(
            &data_rows(&post.body()),
            &data_rows(&get.body()),
            case.order_sensitive,
        ) {
            failures.push(format!("{name}: GET rows differ from POST rows: {reason}"));
        }
    }
    server.shutdown().await;
    for f in &failures {
        report(&format!("FAIL {f}"));
    }
    assert!(
        failures.is_empty(),
        "GET /load failures:\n{}",
        failures.join("\n")
    );
}

/// The comparison rules themselves (`tests/it/common/corpus.rs`).
mod comparator {
    use crate::common::*;
    use serde_json::json;
    use std::cmp::Ordering;

    #[test]
    fn decimals() {
        assert_eq!(decimal_cmp("259.876", "259.87600"), Some(Ordering::Equal));
        assert_eq!(decimal_cmp("0012", "12.0"), Some(Ordering::Equal));
        assert_eq!(decimal_cmp("-0.000", "0"), Some(Ordering::Equal));
        assert_eq!(decimal_cmp("+.5", "0.50"), Some(Ordering::Equal));
        assert_eq!(decimal_cmp("1.5", "1.05"), Some(Ordering::Greater));
        assert_eq!(decimal_cmp("-2", "-10"), Some(Ordering::Greater));
        assert_eq!(decimal_cmp("99", "100"), Some(Ordering::Less));
        assert_eq!(decimal_cmp("12", "-12"), Some(Ordering::Greater));
        assert_eq!(decimal_cmp("AH-10465", "AH-10465"), None);
        assert_eq!(decimal_cmp("1e3", "1000"), None);
        assert_eq!(decimal_cmp(".", "0"), None);
        assert_eq!(decimal_cmp("", "0"), None);
        assert_eq!(decimal_cmp("-", "0"), None);
    }

    #[test]
    fn value_rules() {
        assert!(values_equal(&json!("210.98000"), &json!("210.98")));
        assert!(!values_equal(&json!("210.98000"), &json!("210.981")));
        assert!(!values_equal(&json!("12"), &json!(12)), "string vs number");
        assert!(!values_equal(&json!(null), &json!("0")));
        assert!(values_equal(&json!(523), &json!(523)));
        assert!(values_equal(&json!(1.5), &json!(1.50)));
        assert!(!values_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(values_equal(
            &json!({"a": "1.0", "b": null}),
            &json!({"b": null, "a": "1"})
        ));
        assert!(!values_equal(
            &json!("2020-01-01T00:00:00.000"),
            &json!("2020-01-01T00:00:00.000Z")
        ));
    }

    #[test]
    fn row_comparison() {
        let e = [json!({"x": "1"}), json!({"x": "2"}), json!({"x": "2"})];
        let a = [json!({"x": "2.0"}), json!({"x": "1"}), json!({"x": "2"})];
        assert!(compare_rows(&e, &a, false).is_ok());
        assert!(compare_rows(&e, &a, true).is_err());
        let b = [json!({"x": "2"}), json!({"x": "1"}), json!({"x": "1"})];
        assert!(compare_rows(&e, &b, false).is_err(), "multiplicity matters");
        assert!(compare_rows(&e, &a[..2], false).is_err());
        assert!(compare_rows(&e[..2], &e, true).is_err());
    }
}
