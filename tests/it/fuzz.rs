//! Property-based fuzzing (proptest, on stable) of the two inputs Strata takes
//! from outside: Cube query JSON and YAML models. Whatever comes in, the
//! answer is a plan or an error that says why; never a panic. The number of
//! inputs tried is printed.

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};
use strata::demo;
use strata::Engine;

use crate::common::report;

/// Inputs per target; `STRATA_FUZZ_CASES` overrides (e.g. for a long run).
fn cases(default: u32) -> u32 {
    std::env::var("STRATA_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn member_names() -> Vec<String> {
    let model = demo::model().expect("demo model");
    let mut names = Vec::new();
    for cube in model.cubes.values() {
        for m in cube
            .measures
            .keys()
            .chain(cube.dimensions.keys())
            .chain(cube.segments.keys())
        {
            names.push(format!("{}.{m}", cube.name));
        }
    }
    for view in model.views.values() {
        for m in view.members.keys() {
            names.push(format!("{}.{m}", view.name));
        }
    }
    names.extend(
        [
            "Orders.created_at.month",
            "Orders",
            "",
            ".",
            "Orders.",
            "a.b.c.d",
            "Orders.count; --",
        ]
        .map(String::from),
    );
    names
}

/// Scalars that tend to break parsers.
fn nasty_scalar(members: Vec<String>) -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(members).prop_map(Value::String),
        prop::sample::select(vec![
            "equals",
            "notEquals",
            "contains",
            "gt",
            "inDateRange",
            "beforeDate",
            "set",
            "measureFilter",
            "asc",
            "desc",
            "day",
            "week",
            "quarter",
            "fortnight",
            "last 7 days",
            "this quarter",
            "from 3 days ago to now",
            "2024-13-45",
            "2024-01-01T25:61:00",
            "America/New_York",
            "Mars/Olympus",
            "' OR 1=1 --",
            "\u{0}",
            "🙂",
            "NaN",
            "-0",
            "1e309",
        ])
        .prop_map(|s| Value::String(s.to_string())),
        any::<String>().prop_map(Value::String),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ]
}

/// A JSON value shaped like a Cube query, often almost right.
fn query_json() -> impl Strategy<Value = Value> {
    let members = member_names();
    let leaf = nasty_scalar(members);
    let keys = prop::sample::select(vec![
        "measures",
        "dimensions",
        "segments",
        "timeDimensions",
        "filters",
        "order",
        "limit",
        "offset",
        "timezone",
        "total",
        "ungrouped",
        "renewQuery",
        "member",
        "operator",
        "values",
        "dimension",
        "granularity",
        "dateRange",
        "compareDateRange",
        "and",
        "or",
        "responseFormat",
        "bogus",
    ]);
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..7).prop_map(|pairs| {
                Value::Object(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// A query with the right shape and random members, operators and values,
/// to reach deep into planning.
fn well_formed_query() -> impl Strategy<Value = Value> {
    let members = member_names();
    let m = prop::sample::select(members.clone());
    let value = prop_oneof![
        any::<String>(),
        prop::sample::select(vec![
            "1",
            "-1.5",
            "2024-01-01",
            "completed",
            "' OR 1=1 --",
            ""
        ])
        .prop_map(String::from),
    ];
    let filter = (
        m.clone(),
        prop::sample::select(
            strata::engine::query::FilterOperator::ALL
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>(),
        ),
        prop::collection::vec(value.clone(), 0..3),
    )
        .prop_map(
            |(member, op, values)| json!({"member": member, "operator": op, "values": values}),
        );
    let time = (
        m.clone(),
        prop::option::of(prop::sample::select(vec![
            "second", "minute", "hour", "day", "week", "month", "quarter", "year",
        ])),
        prop::option::of(prop_oneof![
            value.clone().prop_map(Value::String),
            (value.clone(), value).prop_map(|(a, b)| json!([a, b])),
        ]),
    )
        .prop_map(|(d, g, r)| {
            let mut t = json!({ "dimension": d });
            if let Some(g) = g {
                t["granularity"] = json!(g);
            }
            if let Some(r) = r {
                t["dateRange"] = r;
            }
            t
        });
    (
        prop::collection::vec(m.clone(), 0..4),
        prop::collection::vec(m.clone(), 0..4),
        prop::collection::vec(time, 0..2),
        prop::collection::vec(filter, 0..4),
        prop::collection::vec((m, any::<bool>()), 0..3),
        prop::option::of(0u64..60_000),
        any::<bool>(),
    )
        .prop_map(
            |(measures, dimensions, times, filters, order, limit, ungrouped)| {
                let order: Map<String, Value> = order
                    .into_iter()
                    .map(|(m, d)| (m, json!(if d { "desc" } else { "asc" })))
                    .collect();
                let mut q = json!({
                    "measures": measures, "dimensions": dimensions, "timeDimensions": times,
                    "filters": filters, "order": order, "ungrouped": ungrouped,
                });
                if let Some(l) = limit {
                    q["limit"] = json!(l);
                }
                q
            },
        )
}

#[test]
fn well_formed_queries_never_panic() {
    let engine = Engine::new(Arc::new(demo::model().expect("demo model")), None);
    let n = cases(10_000);
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let planned = Cell::new(0u32);
    runner
        .run(&well_formed_query(), |q| {
            match strata::Query::from_json(&q).and_then(|q| engine.plan(&q)) {
                Ok(p) => {
                    prop_assert!(!p.sql.is_empty());
                    planned.set(planned.get() + 1);
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    report(&format!(
        "fuzz well-formed queries: {n} random queries over the demo model, {} planned, the rest refused with a message, no panic",
        planned.get()
    ));
}

#[test]
fn query_json_never_panics() {
    let engine = Engine::new(Arc::new(demo::model().expect("demo model")), None);
    let n = cases(20_000);
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let planned = Cell::new(0u32);
    let refused = Cell::new(0u32);
    runner
        .run(&query_json(), |q| {
            // As a whole request, and as the `query` of one.
            for candidate in [
                q.clone(),
                json!({"measures": ["Orders.count"], "filters": [q.clone()]}),
            ] {
                match strata::QueryRequest::from_json(&candidate)
                    .and_then(|r| engine.prepare_request(&r))
                {
                    Ok(prepared) => {
                        for part in &prepared.queries {
                            match engine.plan(part) {
                                Ok(_) => planned.set(planned.get() + 1),
                                Err(e) => {
                                    prop_assert!(!e.to_string().is_empty());
                                    refused.set(refused.get() + 1);
                                }
                            }
                        }
                    }
                    Err(e) => {
                        prop_assert!(!e.to_string().is_empty());
                        refused.set(refused.get() + 1);
                    }
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    report(&format!(
        "fuzz query JSON: {n} random inputs (x2 shapes), {} planned, {} refused with a message, no panic",
        planned.get(),
        refused.get()
    ));
}

/// One random edit of a model text.
#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Indent(usize, usize),
    Dedent(usize),
    Replace(usize, String),
    Insert(usize, String),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let junk = prop_oneof![
        any::<String>(),
        prop::sample::select(vec![
            "- ",
            ":",
            "{",
            "}",
            "[",
            "]",
            "&a",
            "*a",
            "<<: *a",
            "!!binary",
            "|",
            ">-",
            "'",
            "\"",
            "#",
            "---",
            "...",
            "{CUBE}",
            "{Orders.count}",
            "${CUBE}",
            "sql: {",
            "type: count_distinct_approx",
            "relationship: many_to_many",
            "extends: Orders",
            "primary_key: yes",
            "rolling_window: {trailing: 7 fortnights}",
            "name: 1",
            "access_policy: [{group: '*', row_level: {filters: [{member: x}]}}]",
        ])
        .prop_map(String::from),
    ];
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (any::<usize>(), 1..6usize).prop_map(|(a, n)| Edit::Indent(a, n)),
        any::<usize>().prop_map(Edit::Dedent),
        (any::<usize>(), junk.clone()).prop_map(|(a, s)| Edit::Replace(a, s)),
        (any::<usize>(), junk).prop_map(|(a, s)| Edit::Insert(a, s)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for e in edits {
        if lines.is_empty() {
            break;
        }
        let at = |i: usize| i % lines.len();
        match e {
            Edit::DeleteLine(i) => {
                let i = at(*i);
                lines.remove(i);
            }
            Edit::DuplicateLine(i) => {
                let i = at(*i);
                lines.insert(i, lines[i].clone());
            }
            Edit::SwapLines(a, b) => {
                let (a, b) = (at(*a), at(*b));
                lines.swap(a, b);
            }
            Edit::Indent(i, n) => {
                let i = at(*i);
                lines[i] = format!("{}{}", " ".repeat(*n), lines[i]);
            }
            Edit::Dedent(i) => {
                let i = at(*i);
                lines[i] = lines[i].trim_start().to_string();
            }
            Edit::Replace(i, s) => {
                let i = at(*i);
                let indent = lines[i].len() - lines[i].trim_start().len();
                lines[i] = format!("{}{s}", " ".repeat(indent));
            }
            Edit::Insert(i, s) => {
                let i = at(*i);
                lines.insert(i, s.clone());
            }
            Edit::Truncate(i) => {
                let i = at(*i);
                lines.truncate(i.max(1));
            }
        }
    }
    lines.join("\n")
}

#[test]
fn yaml_models_never_panic() {
    let files = demo::model_files();
    let conformance = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/cube-drivers/model/ecommerce.yml");
    let mut sources: Vec<String> = files.iter().map(|(_, t)| t.clone()).collect();
    sources.push(std::fs::read_to_string(&conformance).unwrap_or_else(|e| {
        panic!("the conformance model is needed beside the checkout ({conformance:?}): {e}")
    }));
    let n = cases(3_000);
    let mut runner = TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..sources.len(), prop::collection::vec(edit(), 1..8));
    let (compiled, refused) = (Cell::new(0u32), Cell::new(0u32));
    runner
        .run(&strategy, |(which, edits)| {
            let text = apply(&sources[which], &edits);
            let line_count = text.lines().count() + 1;
            match strata::load_files(&[(PathBuf::from("fuzzed.yml"), text)]) {
                Ok(_) => compiled.set(compiled.get() + 1),
                Err(errors) => {
                    prop_assert!(!errors.0.is_empty());
                    for e in &errors.0 {
                        prop_assert!(!e.message.is_empty());
                        prop_assert!(e.line.is_none_or(|l| l >= 1 && l <= line_count), "{}", e);
                    }
                    refused.set(refused.get() + 1);
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    report(&format!(
        "fuzz YAML models: {n} mutated model files, {} compiled, {} refused with located errors, no panic",
        compiled.get(),
        refused.get()
    ));
}
