//! Golden SQL for the Cube driver-test conformance corpus (`../shared/conformance/cube-drivers`).
//!
//! Every case of `cases.jsonl` is planned with `Engine::plan` (no database needed) for both SQL
//! targets, and the generated SQL is compared with a checked-in [`insta`] snapshot:
//!
//! * `postgres`: an engine with no data source, which renders PostgreSQL with `$n`
//!   placeholders; the bound parameters are listed under the SQL. With no database there is no
//!   `hll` probe, so `count_distinct_approx` renders as an exact distinct count.
//! * `datafusion`: an engine whose default data source is DataFusion, which inlines literals.
//!
//! The SQL is the engine's own `sqlparser` tree printed with `sqlparser`'s pretty printer
//! (`{:#}`), one clause per line, so a change shows up as a readable diff; the test checks that
//! the compact print of that tree is exactly the SQL `Engine::plan` returns. A query that asks
//! for `total` also records its row-count SQL.
//!
//! Snapshots live in `tests/snapshots/sql_snapshots__<target>__<case>.snap`, `<case>` being the
//! case name in lower-case ASCII with every other run of characters turned into `_`. A case the
//! corpus expects to fail records the error message instead of SQL. A query that
//! `Engine::prepare_request` splits (a query array, `compareDateRange`) records each query's
//! SQL in turn. No corpus case uses a relative date range (they would make the SQL depend on the
//! clock), and the test refuses one rather than record a snapshot that changes every day.
//!
//! So any change in generated SQL fails this test and shows up as a snapshot diff in review.
//! After an intended change, regenerate and review the diff:
//!
//! ```text
//! INSTA_UPDATE=always cargo test --test it sql_snapshots
//! git diff tests/snapshots/
//! ```
//!
//! (`cargo insta test --review` works too where `cargo-insta` is installed.) Without
//! `INSTA_UPDATE=always` the test fails on a missing or mismatched snapshot, in CI (`CI=true`)
//! and in a plain `cargo test` alike: outside CI insta also leaves the new SQL in a `.snap.new`
//! file beside the snapshot, and any such pending file fails the test too, even under
//! `INSTA_FORCE_PASS`. It also fails on a snapshot that no case produces any more (the update
//! command above deletes those). All cases are checked before it fails, so one run lists every
//! difference.

use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use strata_engine::sql::{CompiledTemplates, SqlRenderer};
use strata_engine::{
    DataFusionDialect, DataFusionExecutor, Dialect, Engine, PostgresDialect, DEFAULT_DATA_SOURCE,
};
use strata_schema::SemanticModel;

use crate::common::corpus;

/// The prefix of this file's snapshot files, `<PREFIX>__<name>.snap`: the module name insta
/// prepended when this file was a test binary of its own. In the `it` binary the module path is
/// `it::sql_snapshots`, so the test names the files itself (see `generated_sql_matches_snapshots`)
/// and they keep their names.
const PREFIX: &str = "sql_snapshots";

/// Filter operators whose values are dates.
const DATE_OPERATORS: &[&str] = &[
    "inDateRange",
    "notInDateRange",
    "beforeDate",
    "beforeOrOnDate",
    "afterDate",
    "afterOrOnDate",
];

/// A snapshot name: ASCII alphanumerics in lower case, runs of anything else collapsed to `_`.
fn sanitize(name: &str) -> String {
    let mut id = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('_') {
            id.push('_');
        }
    }
    id.trim_matches('_').to_string()
}

/// The date values of a query (arrays of queries and nested `and`/`or` filters included) that
/// do not start with a digit: relative ones such as `"last 7 days"` or `"today"`, which `plan()`
/// resolves against the current time.
fn clock_dependent_dates(query: &Value) -> Vec<String> {
    fn dates(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) if !s.starts_with(|c: char| c.is_ascii_digit()) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|i| dates(i, out)),
            _ => {}
        }
    }
    fn filters(v: &Value, out: &mut Vec<String>) {
        for f in v.as_array().into_iter().flatten() {
            let op = f["operator"].as_str().unwrap_or("");
            if DATE_OPERATORS.contains(&op) {
                dates(&f["values"], out);
            }
            filters(&f["and"], out);
            filters(&f["or"], out);
        }
    }
    let mut found = Vec::new();
    let queries = match query {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for q in queries {
        for td in q["timeDimensions"].as_array().into_iter().flatten() {
            dates(&td["dateRange"], &mut found);
            dates(&td["compareDateRange"], &mut found);
        }
        filters(&q["filters"], &mut found);
    }
    found
}

/// One SQL target: its name (the snapshot-name prefix), an engine rendering for it, and the
/// dialect that engine renders in.
struct Target {
    name: &'static str,
    engine: Engine,
    dialect: Box<dyn Dialect>,
}

/// The model, its compiled templates (to re-render plans into ASTs) and the two targets.
fn targets() -> (Arc<SemanticModel>, CompiledTemplates, Vec<Target>) {
    let model = Arc::new(
        strata_schema::load_dir(corpus::model_dir())
            .unwrap_or_else(|e| panic!("loading the conformance model: {e}")),
    );
    let templates = CompiledTemplates::new(model.clone());
    let targets = vec![
        Target {
            name: "postgres",
            engine: Engine::new(model.clone(), None),
            dialect: Box::new(PostgresDialect { hll: false }),
        },
        Target {
            name: "datafusion",
            engine: Engine::builder(model.clone())
                .data_source(DEFAULT_DATA_SOURCE, Arc::new(DataFusionExecutor::new()))
                .build(),
            dialect: Box::new(DataFusionDialect),
        },
    ];
    (model, templates, targets)
}

/// One statement, pretty-printed, with its parameters (`$n`) when it has any.
fn write_statement(out: &mut String, pretty: &str, params: &[Option<String>]) {
    out.push_str(pretty.trim_end());
    out.push('\n');
    if !params.is_empty() {
        out.push_str("-- params:\n");
        for (n, p) in params.iter().enumerate() {
            match p {
                Some(v) => writeln!(out, "--   ${} = {}", n + 1, Value::String(v.clone())),
                None => writeln!(out, "--   ${} = NULL", n + 1),
            }
            .unwrap();
        }
    }
}

/// What the engine makes of a query for `target`: for each query `prepare_request` splits it
/// into, the SQL `Engine::plan` renders (pretty-printed) with its parameters, and the row-count
/// SQL when the query asks for `total`; or the error.
///
/// The SQL is pretty-printed from the same `sqlparser` tree the engine prints compactly (`{:#}`
/// instead of `{}`): the plan is rendered again into that tree, and the test checks that its
/// compact form and parameters are exactly what `Engine::plan` returned.
fn render(
    model: &SemanticModel,
    templates: &CompiledTemplates,
    target: &Target,
    query: &Value,
) -> Result<String, String> {
    let request = strata::QueryRequest::from_json(query).map_err(|e| e.to_string())?;
    let prepared = target
        .engine
        .prepare_request(&request)
        .map_err(|e| e.to_string())?;
    let n = prepared.queries.len();
    let mut out = String::new();
    if n > 1 {
        writeln!(out, "-- queryType: {}", prepared.query_type.as_str()).unwrap();
    }
    for (i, q) in prepared.queries.iter().enumerate() {
        let planned = target.engine.plan(q).map_err(|e| {
            if n > 1 {
                format!("query {} of {n}: {e}", i + 1)
            } else {
                e.to_string()
            }
        })?;
        let rendered = SqlRenderer::new(model, templates, target.dialect.as_ref())
            .render(&planned.plan)
            .unwrap_or_else(|e| panic!("re-rendering a plan that Engine::plan rendered: {e}"));
        let params: Vec<Value> = rendered
            .main
            .params
            .iter()
            .map(|p| p.clone().map_or(Value::Null, Value::String))
            .collect();
        assert!(
            rendered.main.sql == planned.sql && params == planned.params,
            "re-rendering the plan for {} gave other SQL than Engine::plan (did the engine's \
             dialect change? update `targets()`):\n  engine:      {} {:?}\n  \
             re-rendered: {} {:?}",
            target.name,
            planned.sql,
            planned.params,
            rendered.main.sql,
            params
        );
        if n > 1 {
            if i > 0 {
                out.push('\n');
            }
            writeln!(out, "-- query {} of {n}", i + 1).unwrap();
        }
        write_statement(
            &mut out,
            &format!("{:#}", rendered.main_ast),
            &rendered.main.params,
        );
        if let (Some(total), Some(total_ast)) = (&rendered.total, &rendered.total_ast) {
            out.push_str("\n-- total (row count without limit and offset):\n");
            write_statement(&mut out, &format!("{total_ast:#}"), &total.params);
        }
    }
    Ok(out)
}

/// `tests/snapshots`, where insta keeps this file's snapshots.
fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// Names (without `PREFIX__` and extension) of this file's snapshot files ending in `ext`.
fn snapshot_files(ext: &str) -> BTreeSet<String> {
    let Ok(entries) = std::fs::read_dir(snapshot_dir()) else {
        return BTreeSet::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|f| {
            f.strip_prefix(&format!("{PREFIX}__"))?
                .strip_suffix(ext)
                .map(str::to_string)
        })
        .collect()
}

/// `INSTA_UPDATE` asks insta to write snapshots in place.
fn updating() -> bool {
    matches!(
        std::env::var("INSTA_UPDATE").as_deref(),
        Ok("always" | "1" | "force")
    )
}

#[test]
fn generated_sql_matches_snapshots() {
    let cases = corpus::load_cases();
    let (model, templates, targets) = targets();
    let mut expected_names = BTreeSet::new();
    let mut failures: Vec<String> = Vec::new();

    for case in &cases {
        let relative = clock_dependent_dates(&case.query);
        assert!(
            relative.is_empty(),
            "case {:?} uses relative date(s) {relative:?}: its SQL would depend on the clock; \
             redact or skip it in tests/it/sql_snapshots.rs before snapshotting it",
            case.name
        );
        let case_id = sanitize(&case.name);
        assert!(
            !case_id.is_empty(),
            "case {:?} has no usable name",
            case.name
        );

        for target in &targets {
            let name = format!("{}__{case_id}", target.name);
            assert!(
                expected_names.insert(name.clone()),
                "two cases map to the snapshot name {name}: rename one or extend sanitize()"
            );
            let body = match (
                render(&model, &templates, target, &case.query),
                &case.expect,
            ) {
                (Ok(sql), corpus::Expect::Data { .. }) => sql,
                (Err(e), corpus::Expect::Error(substring)) => {
                    if !e.contains(substring.as_str()) {
                        failures.push(format!(
                            "{name}: the error lacks {substring:?}, which the corpus expects: {e}"
                        ));
                    }
                    format!("-- error\n{e}\n")
                }
                (Err(e), _) => {
                    failures.push(format!("{name}: planning failed: {e}"));
                    continue;
                }
                (Ok(sql), _) => {
                    failures.push(format!(
                        "{name}: the corpus expects an error, but it planned:\n{sql}"
                    ));
                    continue;
                }
            };

            let mut settings = insta::Settings::clone_current();
            settings.set_description(format!("{}\n{}", case.name, case.query));
            settings.set_omit_expression(true);
            // `tests/snapshots/<PREFIX>__<name>.snap`, whatever the module path.
            settings.set_snapshot_path(snapshot_dir());
            settings.set_prepend_module_to_snapshot(false);
            let file_name = format!("{PREFIX}__{name}");
            let outcome = settings.bind(|| {
                catch_unwind(AssertUnwindSafe(|| {
                    insta::assert_snapshot!(file_name.as_str(), body);
                }))
            });
            if outcome.is_err() {
                failures.push(format!(
                    "{name}: SQL differs from the snapshot (or it is missing)"
                ));
            }
        }
    }

    // Snapshots no case produces any more: delete them when updating, else fail.
    for stale in snapshot_files(".snap").difference(&expected_names) {
        let path = snapshot_dir().join(format!("{PREFIX}__{stale}.snap"));
        if updating() {
            std::fs::remove_file(&path)
                .unwrap_or_else(|e| panic!("removing {}: {e}", path.display()));
            eprintln!("removed unreferenced snapshot {}", path.display());
        } else {
            failures.push(format!(
                "{}: no corpus case produces it; delete it (or run with INSTA_UPDATE=always)",
                path.display()
            ));
        }
    }

    // insta leaves a `.snap.new` for every snapshot that did not match, and removes it once it
    // does: a pending one means a mismatch even when insta itself was told not to fail.
    for pending in snapshot_files(".snap.new") {
        let path = snapshot_dir().join(format!("{PREFIX}__{pending}.snap.new"));
        let note = if expected_names.contains(&pending) {
            "SQL differs from the snapshot; review it, then run with INSTA_UPDATE=always"
        } else {
            "left over for a snapshot no case produces; delete it"
        };
        let line = format!("{}: {note}", path.display());
        if !failures
            .iter()
            .any(|f| f.starts_with(&format!("{pending}:")))
        {
            failures.push(line);
        }
    }

    assert!(
        failures.is_empty(),
        "{} SQL snapshot problem(s) across {} cases x {} targets:\n  {}\n\
         After an intended SQL change: INSTA_UPDATE=always cargo test --test it sql_snapshots, \
         then review `git diff tests/snapshots/`.",
        failures.len(),
        cases.len(),
        targets.len(),
        failures.join("\n  ")
    );
}
