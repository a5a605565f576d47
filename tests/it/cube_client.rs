//! Drives the real `@cubejs-client/core` (npm, see `tests/js/`) against an in-process Strata
//! server: `cubeApi.load()` must yield the same rows as a direct `POST /load` and as the
//! conformance corpus, `tablePivot()` must work on the response, and a bad query must surface
//! as a client `RequestError` carrying the server's message.
//!
//! The `/load` shapes the client decodes are checked here too, over plain HTTP and through the
//! client (`tests/js/formats.mjs`): `responseFormat: "compact"` (`data` as `{"members",
//! "dataset"}`) and the `compareDateRange` key of compare-date-range rows.
//!
//! Needs `node` and `npm ci --prefix tests/js` (scripts/test.sh does that); never skips.

use crate::common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Representative corpus cases: dimensions + order, measures by month, a filter,
/// total + limit + offset, a join, measures grouped by a dimension.
const CASES: &[&str] = &[
    "querying Customers: dimensions + order",
    "querying ECommerce: total sales, total profit by month + order (date) + total -- doesn't work with the BigQuery",
    "filtering Products: startsWith filter + dimensions + order, second",
    "querying Customers: dimensions + order + limit + total + offset",
    "querying ECommerce: dimensions + order + limit + total",
    "querying ECommerce: count by cities + order",
];

fn js_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/js")
}

/// Panics (never skips) when node or the npm dependencies are missing.
fn check_node_setup(js: &Path) {
    let node = Command::new("node").arg("--version").output();
    match node {
        Ok(out) if out.status.success() => {}
        other => panic!(
            "\n\n*** `node` is not runnable ({other:?}) ***\n\
             tests/it/cube_client.rs drives @cubejs-client/core with Node.js 20+: install node, \
             then run `npm ci --prefix tests/js`.\n"
        ),
    }
    let pkg = js.join("node_modules/@cubejs-client/core/package.json");
    assert!(
        pkg.is_file(),
        "\n\n*** {} is missing ***\nRun `npm ci --prefix tests/js` (scripts/test.sh does it).\n",
        pkg.display()
    );
}

/// Runs `node tests/js/load.mjs <base> <token> <file>` for `queries`; returns one JSON
/// object per query.
async fn run_client(base: &str, token: &str, queries: &[Value]) -> Vec<Value> {
    run_node("load.mjs", base, token, queries).await
}

/// Runs `node tests/js/<script> <base> <token> <file>` with `items` written (as a JSON array)
/// to a temporary file; returns the JSON array the script prints, one element per item.
async fn run_node(script: &str, base: &str, token: &str, items: &[Value]) -> Vec<Value> {
    static RUN: AtomicUsize = AtomicUsize::new(0);
    let js = js_dir();
    check_node_setup(&js);
    let file = std::env::temp_dir().join(format!(
        "strata-cube-client-{}-{}.json",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&file, Value::Array(items.to_vec()).to_string()).expect("writing queries");
    let (base, token, file2) = (base.to_string(), token.to_string(), file.clone());
    let script_path = js.join(script);
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script_path)
            .arg(&base)
            .arg(&token)
            .arg(&file2)
            .current_dir(&js)
            .output()
    })
    .await
    .expect("join")
    .expect("spawning node");
    let _ = std::fs::remove_file(&file);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{script} failed ({}):\nstdout: {stdout}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{script} printed no JSON array ({e}): {stdout}"));
    assert_eq!(results.len(), items.len(), "one result per item");
    results
}

/// The members a `tablePivot()` row must carry for `query`.
fn pivot_members(query: &Value) -> Vec<String> {
    let mut members = Vec::new();
    for key in ["dimensions", "measures"] {
        for m in query[key].as_array().into_iter().flatten() {
            members.push(m.as_str().unwrap().to_string());
        }
    }
    for td in query["timeDimensions"].as_array().into_iter().flatten() {
        if let Some(g) = td["granularity"].as_str() {
            members.push(format!("{}.{g}", td["dimension"].as_str().unwrap()));
        }
    }
    members
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cube_client_load_matches_http_and_corpus() {
    let cases = load_cases();
    let selected: Vec<&Case> = CASES.iter().map(|n| case_named(&cases, n)).collect();
    let unknown = "ECommerce.noSuchMeasure";
    let mut queries: Vec<Value> = selected.iter().map(|c| c.query.clone()).collect();
    queries.push(json!({ "measures": [unknown] }));

    let server = start_server().await;
    let client_results = run_client(&server.base, &server.token, &queries).await;

    let mut failures = Vec::new();
    for (case, got) in selected.iter().zip(&client_results) {
        let name = &case.name;
        if let Some(err) = got.get("error") {
            failures.push(format!(
                "{name}: cubeApi.load() rejected: {err} (status {})",
                got["status"]
            ));
            continue;
        }
        let raw = got["rawData"].as_array().cloned().unwrap_or_default();
        // Same rows as a direct POST /load.
        let post = server.post_load(&case.query).await;
        if post.status != 200 {
            failures.push(format!(
                "{name}: POST /load HTTP {}: {}",
                post.status, post.text
            ));
        } else if let Err(r) = compare_rows(&data_rows(&post.body()), &raw, case.order_sensitive) {
            failures.push(format!("{name}: client rawData != POST /load data: {r}"));
        }
        // Same rows as the corpus (and the same total).
        let Expect::Data { rows, total } = &case.expect else {
            panic!("{name} is an error case")
        };
        if let Err(r) = compare_rows(rows, &raw, case.order_sensitive) {
            failures.push(format!("{name}: client rawData != corpus: {r}"));
        }
        if let Some(total) = total {
            if !values_equal(total, &got["total"]) {
                failures.push(format!(
                    "{name}: totalRows() = {}, corpus {total}",
                    got["total"]
                ));
            }
        }
        // tablePivot() works on the response and carries every requested member.
        match got["tablePivot"].as_array() {
            Some(pivot) if pivot.is_empty() == raw.is_empty() => {
                let members = pivot_members(&case.query);
                if let Some(row) = pivot
                    .iter()
                    .find(|r| members.iter().any(|m| r.get(m).is_none()))
                {
                    failures.push(format!(
                        "{name}: tablePivot row lacks one of {members:?} (the client pivots on the response's `pivotQuery`): {row}"
                    ));
                }
            }
            other => failures.push(format!(
                "{name}: bad tablePivot(): {other:?} for {} rows",
                raw.len()
            )),
        }
    }
    // The bad query: the client rejects with the server's 400 message.
    let bad = client_results.last().unwrap();
    let message = bad["error"].as_str().unwrap_or_default();
    if bad["status"] != json!(400) || !message.contains(unknown) {
        failures.push(format!(
            "unknown member: expected a RequestError with status 400 naming {unknown}, got {bad}"
        ));
    }
    server.shutdown().await;

    for f in &failures {
        report(&format!("FAIL {f}"));
    }
    assert!(
        failures.is_empty(),
        "{} @cubejs-client/core check(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Response shapes: `responseFormat: "compact"` and `compareDateRange` rows.
// ---------------------------------------------------------------------------------------------

/// Queries whose answers are checked in the compact format: dimensions, a time series (rows
/// carry `ECommerce.orderDate.month` and `ECommerce.orderDate`) and a query without rows.
fn shape_queries() -> Vec<(&'static str, Value)> {
    vec![
        (
            "dimensions",
            json!({"measures": ["ECommerce.count", "ECommerce.totalSales"],
                   "dimensions": ["ECommerce.city"], "order": {"ECommerce.city": "asc"}}),
        ),
        (
            "time series",
            json!({"measures": ["ECommerce.count"],
                   "timeDimensions": [{"dimension": "ECommerce.orderDate", "granularity": "month",
                                       "dateRange": ["2020-01-01", "2020-12-31"]}],
                   "order": {"ECommerce.orderDate": "asc"}}),
        ),
        (
            "no rows",
            json!({"measures": ["ECommerce.count"], "dimensions": ["ECommerce.city"],
                   "filters": [{"member": "ECommerce.city", "operator": "equals",
                                "values": ["Nowhere"]}]}),
        ),
    ]
}

/// A compare-date-range query over two quarters of the dataset, by month.
fn compare_query() -> Value {
    json!({"measures": ["ECommerce.count"],
           "timeDimensions": [{"dimension": "ECommerce.orderDate", "granularity": "month",
                               "compareDateRange": [["2020-01-01", "2020-03-31"],
                                                    ["2020-04-01", "2020-06-30"]]}],
           "order": {"ECommerce.orderDate": "asc"}})
}

/// The `compareDateRange` value of each result of [`compare_query`], as Cube writes it.
const COMPARE_LABELS: [&str; 2] = [
    "2020-01-01T00:00:00.000 - 2020-03-31T23:59:59.999",
    "2020-04-01T00:00:00.000 - 2020-06-30T23:59:59.999",
];

/// `query` with `responseFormat` set inside it (as `@cubejs-client/core` sends it).
fn with_format(query: &Value, format: &str) -> Value {
    let mut q = query.clone();
    q["responseFormat"] = json!(format);
    q
}

/// Cube's compact `data` for row objects: the keys of the rows as `members` (every row must
/// have the same keys in the same order) and each row's values in that order as `dataset`;
/// both empty without rows.
fn to_compact(rows: &[Value]) -> Result<Value, String> {
    let keys = |row: &Value| -> Vec<String> {
        row.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    let members = rows.first().map(keys).unwrap_or_default();
    let mut dataset = Vec::new();
    for row in rows {
        if keys(row) != members {
            return Err(format!("rows with other keys: {row} vs {members:?}"));
        }
        dataset.push(Value::Array(
            members.iter().map(|m| row[m].clone()).collect(),
        ));
    }
    Ok(json!({"members": members, "dataset": dataset}))
}

/// `POST /cubejs-api/v1/load` with `body` as it is.
async fn post_body(server: &TestServer, body: &Value) -> Resp {
    server
        .request(
            reqwest::Method::POST,
            "/cubejs-api/v1/load",
            Some(body.to_string()),
            Auth::Valid,
        )
        .await
}

/// The results of a `/load` answer: `results` of the multi shape, else the answer itself.
fn results_of(body: &Value) -> Vec<Value> {
    match body.get("results").and_then(Value::as_array) {
        Some(results) => results.clone(),
        None => vec![body.clone()],
    }
}

/// Fails the test with every collected failure.
fn assert_no_failures(failures: &[String]) {
    for f in failures {
        report(&format!("FAIL {f}"));
    }
    assert!(
        failures.is_empty(),
        "{} check(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compact_response_format_over_http() {
    let server = start_server().await;
    let mut failures = Vec::new();
    for (name, query) in shape_queries() {
        let plain = server.post_load(&query).await;
        assert_eq!(plain.status, 200, "{name}: {}", plain.text);
        let rows = data_rows(&plain.body());
        assert_eq!(rows.is_empty(), name == "no rows", "{name}: {rows:?}");
        let expected = to_compact(&rows).unwrap_or_else(|e| panic!("{name}: {e}"));
        let compact = with_format(&query, "compact");
        let q = urlencode(&query.to_string());
        let variants = [
            ("GET, in the query", server.get_load(&compact).await, false),
            (
                "POST, in the query",
                server.post_load(&compact).await,
                false,
            ),
            (
                "POST, beside the query",
                post_body(
                    &server,
                    &json!({"query": query, "responseFormat": "compact"}),
                )
                .await,
                false,
            ),
            (
                "GET multi, as a parameter",
                server
                    .get(&format!(
                        "/cubejs-api/v1/load?query={q}&queryType=multi&responseFormat=compact"
                    ))
                    .await,
                true,
            ),
            (
                "POST multi, in the query",
                post_body(&server, &json!({"query": compact, "queryType": "multi"})).await,
                true,
            ),
        ];
        for (how, resp, multi) in variants {
            let what = format!("{name} ({how})");
            if resp.status != 200 {
                failures.push(format!("{what}: HTTP {}: {}", resp.status, resp.text));
                continue;
            }
            let body = resp.body();
            if multi != body.get("results").is_some() {
                failures.push(format!("{what}: wrong answer shape: {}", resp.text));
                continue;
            }
            let result = &results_of(&body)[0];
            if result["data"] != expected {
                failures.push(format!("{what}: data {} != {expected}", result["data"]));
            }
            // @cubejs-client/core decodes `data` when the echoed query says compact.
            if result["query"]["responseFormat"] != "compact" {
                failures.push(format!(
                    "{what}: query.responseFormat = {}",
                    result["query"]["responseFormat"]
                ));
            }
            if multi && body["pivotQuery"]["responseFormat"] != "compact" {
                failures.push(format!("{what}: pivotQuery = {}", body["pivotQuery"]));
            }
        }
    }

    // A compare-date-range query: each result compact, `compareDateRange` its last member.
    let plain = server.post_load(&compare_query()).await;
    let compact = server
        .post_load(&with_format(&compare_query(), "compact"))
        .await;
    assert_eq!(plain.status, 200, "{}", plain.text);
    assert_eq!(compact.status, 200, "{}", compact.text);
    let (plain, compact) = (results_of(&plain.body()), results_of(&compact.body()));
    assert_eq!((plain.len(), compact.len()), (2, 2));
    for (k, label) in COMPARE_LABELS.iter().enumerate() {
        let rows = plain[k]["data"].as_array().cloned().unwrap_or_default();
        match to_compact(&rows) {
            Ok(expected) if compact[k]["data"] == expected => {
                let data = &compact[k]["data"];
                let members = data["members"].as_array().cloned().unwrap_or_default();
                let dataset = data["dataset"].as_array().cloned().unwrap_or_default();
                if members.last() != Some(&json!("compareDateRange"))
                    || dataset.is_empty()
                    || dataset
                        .iter()
                        .any(|r| r.as_array().and_then(|r| r.last()) != Some(&json!(label)))
                {
                    failures.push(format!("compare, compact result {k}: {data}"));
                }
            }
            Ok(expected) => failures.push(format!(
                "compare, compact result {k}: {} != {expected}",
                compact[k]["data"]
            )),
            Err(e) => failures.push(format!("compare, row form {k}: {e}")),
        }
    }

    // An array query: Cube reads `responseFormat` only from a single query, so rows stay rows.
    let (dims, series) = (&shape_queries()[0].1, &shape_queries()[1].1);
    let array = server
        .post_load(&json!([
            with_format(dims, "compact"),
            with_format(series, "compact")
        ]))
        .await;
    if array.status != 200 {
        failures.push(format!("array: HTTP {}: {}", array.status, array.text));
    } else {
        for (i, r) in results_of(&array.body()).iter().enumerate() {
            if !r["data"].is_array() || r["query"].get("responseFormat").is_some() {
                failures.push(format!("array result {i}: {r}"));
            }
        }
    }

    // `responseFormat: "default"` is the row form; `columns` (Strata's) keeps rows and adds columns.
    let default = server.post_load(&with_format(dims, "default")).await;
    let dims_rows = data_rows(&server.post_load(dims).await.body());
    if default.status != 200 || data_rows(&default.body()) != dims_rows {
        failures.push(format!("default: {}", default.text));
    }
    let columns = post_body(
        &server,
        &json!({"query": dims, "responseFormat": "columns"}),
    )
    .await;
    let body = columns.body();
    if columns.status != 200
        || data_rows(&body) != dims_rows
        || body["columns"].as_array().map(Vec::len) != Some(3)
    {
        failures.push(format!("columns: {}", columns.text));
    }

    // Unknown or malformed formats are Cube-shaped 400s.
    let bad = [
        (
            "unknown, in the query",
            server.post_load(&with_format(dims, "rows")).await,
        ),
        (
            "number, in the query",
            server
                .post_load(&{
                    let mut q = dims.clone();
                    q["responseFormat"] = json!(5);
                    q
                })
                .await,
        ),
        (
            "unknown, as a parameter",
            server
                .get(&format!(
                    "/cubejs-api/v1/load?query={}&responseFormat=rows",
                    urlencode(&dims.to_string())
                ))
                .await,
        ),
        (
            "number, beside the query",
            post_body(&server, &json!({"query": dims, "responseFormat": 5})).await,
        ),
        (
            "unknown, in an array element",
            server
                .post_load(&json!([dims, with_format(series, "rows")]))
                .await,
        ),
    ];
    for (how, resp) in bad {
        let message = resp.error_message().unwrap_or_default();
        if resp.status != 400 || !message.contains("responseFormat") {
            failures.push(format!(
                "bad format ({how}): expected a 400 naming responseFormat, got HTTP {}: {}",
                resp.status, resp.text
            ));
        }
    }
    server.shutdown().await;
    assert_no_failures(&failures);
}

/// `[first, last]` of `date`'s month as Cube writes a resolved range.
fn month_label(first: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let next = if first.month() == 12 {
        chrono::NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        chrono::NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    let last = next.and_then(|n| n.pred_opt()).expect("a valid month");
    format!("{first}T00:00:00.000 - {last}T23:59:59.999")
}

/// The labels of `["last 10 years", "last month"]` in Asia/Tokyo (UTC+9, no daylight saving)
/// at `now`.
fn relative_labels(now: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    use chrono::Datelike;
    let today = (now + chrono::Duration::hours(9)).date_naive();
    let year = today.year();
    let this_month = today.with_day(1).expect("day 1");
    let last_month = this_month
        .pred_opt()
        .and_then(|d| d.with_day(1))
        .expect("a previous month");
    vec![
        format!(
            "{}-01-01T00:00:00.000 - {}-12-31T23:59:59.999",
            year - 10,
            year - 1
        ),
        month_label(last_month),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_date_range_rows_over_http() {
    let server = start_server().await;
    let before = chrono::Utc::now();
    let relative = json!({"measures": ["ECommerce.count"], "timezone": "Asia/Tokyo",
        "timeDimensions": [{"dimension": "ECommerce.orderDate", "granularity": "year",
                            "compareDateRange": ["last 10 years", "last month"]}]});
    let cases: Vec<(&str, Value, Vec<String>, usize)> = vec![
        (
            "absolute ranges",
            compare_query(),
            COMPARE_LABELS.iter().map(|l| l.to_string()).collect(),
            0,
        ),
        (
            "single dates",
            json!({"measures": ["ECommerce.count"], "dimensions": ["ECommerce.city"],
                   "timeDimensions": [{"dimension": "ECommerce.orderDate",
                                       "compareDateRange": ["2020-06-11", "2020-05-14"]}]}),
            vec![
                "2020-06-11T00:00:00.000 - 2020-06-11T23:59:59.999".into(),
                "2020-05-14T00:00:00.000 - 2020-05-14T23:59:59.999".into(),
            ],
            0,
        ),
        (
            "timestamps",
            json!({"measures": ["ECommerce.count"],
                   "timeDimensions": [{"dimension": "ECommerce.orderDate", "granularity": "day",
                                       "compareDateRange": [["2020-01-01T06:30:00", "2020-02-17T18:00:00"]]}]}),
            vec!["2020-01-01T06:30:00.000 - 2020-02-17T18:00:00.000".into()],
            0,
        ),
        (
            "relative ranges in Asia/Tokyo",
            relative.clone(),
            relative_labels(before),
            0,
        ),
        (
            "compare on the second time dimension",
            json!({"measures": ["ECommerce.count"],
                   "timeDimensions": [
                       {"dimension": "ECommerce.completedDate",
                        "dateRange": ["2020-01-01", "2020-12-31"]},
                       {"dimension": "ECommerce.orderDate", "granularity": "month",
                        "compareDateRange": [["2020-01-01", "2020-03-31"], ["2020-04-01", "2020-06-30"]]}]}),
            COMPARE_LABELS.iter().map(|l| l.to_string()).collect(),
            1,
        ),
    ];
    let mut failures = Vec::new();
    for (name, query, labels, td) in &cases {
        for (how, resp) in [
            ("POST", server.post_load(query).await),
            ("GET", server.get_load(query).await),
        ] {
            let what = format!("{name} ({how})");
            if resp.status != 200 {
                failures.push(format!("{what}: HTTP {}: {}", resp.status, resp.text));
                continue;
            }
            let body = resp.body();
            let results = results_of(&body);
            if body["queryType"] != "compareDateRangeQuery" || results.len() != labels.len() {
                failures.push(format!("{what}: not one result per range: {}", resp.text));
                continue;
            }
            let mut labels = labels.clone();
            if *name == "relative ranges in Asia/Tokyo" {
                // A month may have turned during the request.
                let after = relative_labels(chrono::Utc::now());
                if results[1]["query"]["timeDimensions"][*td]["dateRange"][0]
                    .as_str()
                    .is_some_and(|s| after[1].starts_with(s))
                {
                    labels = after;
                }
            }
            let mut rows_seen = 0;
            for (k, (result, label)) in results.iter().zip(&labels).enumerate() {
                let resolved = result["query"]["timeDimensions"][*td]["dateRange"]
                    .as_array()
                    .map(|r| {
                        r.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(" - ")
                    });
                if resolved.as_deref() != Some(label.as_str()) {
                    failures.push(format!(
                        "{what}: result {k} resolved {resolved:?}, expected {label}"
                    ));
                }
                for row in result["data"].as_array().into_iter().flatten() {
                    rows_seen += 1;
                    let last = row.as_object().and_then(|o| o.keys().next_back());
                    if row["compareDateRange"] != json!(label)
                        || last.map(String::as_str) != Some("compareDateRange")
                    {
                        failures.push(format!(
                            "{what}: result {k}: row {row} lacks \"compareDateRange\": \"{label}\" (last)"
                        ));
                        break;
                    }
                }
            }
            if rows_seen == 0 {
                failures.push(format!("{what}: no rows to check: {}", resp.text));
            }
        }
    }
    server.shutdown().await;
    assert_no_failures(&failures);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cube_client_decodes_compact_and_compare_answers() {
    let server = start_server().await;
    // Per query: the row form by GET, then compact by GET and by POST.
    let mut queries: Vec<(String, Value)> = shape_queries()
        .into_iter()
        .map(|(n, q)| (n.to_string(), q))
        .collect();
    queries.push(("compare".into(), compare_query()));
    let mut cases = Vec::new();
    for (_, query) in &queries {
        cases.push(json!({"query": query}));
        cases.push(json!({"query": query, "responseFormat": "compact", "method": "GET"}));
        cases.push(json!({"query": query, "responseFormat": "compact", "method": "POST"}));
    }
    let out = run_node("formats.mjs", &server.base, &server.token, &cases).await;
    server.shutdown().await;

    let mut failures = Vec::new();
    for ((name, _), got) in queries.iter().zip(out.chunks(3)) {
        let [plain, by_get, by_post] = got else {
            unreachable!("three runs per query")
        };
        if let Some(e) = plain.get("error") {
            failures.push(format!("{name}: load() rejected: {e}"));
            continue;
        }
        if !plain["wire"]["results"][0]["data"].is_array() {
            failures.push(format!("{name}: row form on the wire: {}", plain["wire"]));
        }
        for (method, compact) in [("GET", by_get), ("POST", by_post)] {
            let what = format!("{name}, compact by {method}");
            if let Some(e) = compact.get("error") {
                failures.push(format!(
                    "{what}: load() rejected: {e} ({})",
                    compact["wire"]
                ));
                continue;
            }
            if compact["method"] != method {
                failures.push(format!("{what}: the client sent {}", compact["method"]));
            }
            // Compact on the wire, for every result...
            for (i, r) in compact["wire"]["results"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                if !r["data"]["members"].is_array()
                    || !r["data"]["dataset"].is_array()
                    || r["query"]["responseFormat"] != "compact"
                {
                    failures.push(format!("{what}: result {i} on the wire: {r}"));
                }
            }
            // ...and the client's ResultSet the same as over the row form.
            for key in ["rawData", "tablePivot", "seriesKeys", "decomposed"] {
                if compact[key] != plain[key] {
                    failures.push(format!(
                        "{what}: {key} {} != row form's {}",
                        compact[key], plain[key]
                    ));
                }
            }
        }
    }

    // The compare answer: each decomposed result's rows carry their range, and the client's
    // pivot (whose default puts `compareDateRange` on the y axis) and series are keyed by it.
    let compare = &out[out.len() - 3];
    let decomposed = compare["decomposed"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if compare["queryType"] != "compareDateRangeQuery" || decomposed.len() != 2 {
        failures.push(format!("compare: {compare}"));
    }
    for (k, (rows, label)) in decomposed.iter().zip(COMPARE_LABELS).enumerate() {
        let rows = rows.as_array().cloned().unwrap_or_default();
        if rows.is_empty() || rows.iter().any(|r| r["compareDateRange"] != label) {
            failures.push(format!("compare: decompose()[{k}] rows: {rows:?}"));
        }
    }
    let pivot = compare["tablePivot"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let keys = compare["seriesKeys"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for label in COMPARE_LABELS {
        let column = format!("{label},ECommerce.count");
        if pivot.is_empty() || pivot.iter().any(|r| r.get(&column).is_none()) {
            failures.push(format!(
                "compare: tablePivot lacks column {column}: {pivot:?}"
            ));
        }
        if !keys.contains(&json!(column)) {
            failures.push(format!("compare: no series {column}: {keys:?}"));
        }
    }
    assert_no_failures(&failures);
}
