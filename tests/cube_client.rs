//! Drives the real `@cubejs-client/core` (npm, see `tests/js/`) against an in-process Strata
//! server: `cubeApi.load()` must yield the same rows as a direct `POST /load` and as the
//! conformance corpus, `tablePivot()` must work on the response, and a bad query must surface
//! as a client `RequestError` carrying the server's message.
//!
//! Needs `node` and `npm ci --prefix tests/js` (scripts/test.sh does that); never skips.

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

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
             tests/cube_client.rs drives @cubejs-client/core with Node.js 20+: install node, \
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
    let js = js_dir();
    check_node_setup(&js);
    let file = std::env::temp_dir().join(format!("strata-cube-client-{}.json", std::process::id()));
    std::fs::write(&file, Value::Array(queries.to_vec()).to_string()).expect("writing queries");
    let (base, token, file2) = (base.to_string(), token.to_string(), file.clone());
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(js.join("load.mjs"))
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
        "load.mjs failed ({}):\nstdout: {stdout}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("load.mjs printed no JSON array ({e}): {stdout}"));
    assert_eq!(results.len(), queries.len(), "one result per query");
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
