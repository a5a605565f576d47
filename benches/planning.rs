//! Planning cost per conformance case: `Engine::plan` (query validation, join resolution and
//! SQL generation; no database) for every data case of the Cube driver corpus, and, in the
//! `render` group, SQL rendering alone (`SqlRenderer::render` of an already planned
//! logical plan into SQL text and its parameters).
//!
//! Budget (release build): every case plans in at most 50 µs and renders in at most 30 µs
//! (medians).
//!
//! `cargo bench --bench planning` (a few minutes); `STRATA_BENCH_QUICK=1` for a quick pass.
//! Under `cargo test --all-targets` criterion runs each benchmark once as a smoke test.

#[allow(dead_code)]
#[path = "../tests/it/common/corpus.rs"]
mod corpus;

mod common;

use common::Times;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use strata_engine::sql::{CompiledTemplates, SqlRenderer};
use strata_engine::{Engine, PostgresDialect, Query};

/// A criterion-friendly id: ASCII alphanumerics, runs of anything else collapsed to `_`.
fn bench_id(name: &str) -> String {
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

fn planning(c: &mut Criterion) {
    let model = strata_schema::load_dir(corpus::model_dir())
        .unwrap_or_else(|e| panic!("loading the conformance model: {e}"));
    let engine = Engine::new(Arc::new(model), None);

    let mut group = c.benchmark_group("plan");
    configure(&mut group);
    let mut seen = std::collections::HashSet::new();
    for case in corpus::load_cases() {
        if matches!(case.expect, corpus::Expect::Error(_)) {
            continue;
        }
        let id = bench_id(&case.name);
        assert!(seen.insert(id.clone()), "duplicate benchmark id {id}");
        // Fail loudly rather than benchmark an error path.
        // Timed from the JSON, as a request arrives: reading the typed query
        // is part of planning it (and was inside `Engine::plan` before it
        // took a `Query`, so the figures stay comparable).
        let plan = |json: &serde_json::Value| Query::from_json(json).and_then(|q| engine.plan(&q));
        if let Err(e) = plan(&case.query) {
            panic!("planning {:?} failed: {e}", case.name);
        }
        group.bench_function(id, |b| b.iter(|| plan(black_box(&case.query))));
    }
    group.finish();
}

fn rendering(c: &mut Criterion) {
    let model = Arc::new(
        strata_schema::load_dir(corpus::model_dir())
            .unwrap_or_else(|e| panic!("loading the conformance model: {e}")),
    );
    let engine = Engine::new(model.clone(), None);
    let templates = CompiledTemplates::new(model.clone());
    let dialect = PostgresDialect::default();
    let renderer = SqlRenderer::new(&model, &templates, &dialect);

    let mut group = c.benchmark_group("render");
    configure(&mut group);
    for case in corpus::load_cases() {
        if matches!(case.expect, corpus::Expect::Error(_)) {
            continue;
        }
        let planned = Query::from_json(&case.query).and_then(|q| engine.plan(&q));
        let plan = match planned {
            Ok(planned) => planned.plan,
            Err(e) => panic!("planning {:?} failed: {e}", case.name),
        };
        let rendered = renderer
            .render(&plan)
            .unwrap_or_else(|e| panic!("rendering {:?} failed: {e}", case.name));
        assert!(
            rendered.main.sql.starts_with("SELECT") || rendered.main.sql.starts_with("WITH"),
            "{:?} rendered {:?}",
            case.name,
            rendered.main.sql
        );
        group.bench_function(bench_id(&case.name), |b| {
            b.iter(|| renderer.render(black_box(&plan)))
        });
    }
    group.finish();
}

/// 20 samples; 0.1 s warm-up and 0.3 s measurement in a quick pass, 0.5 s and 2 s in full.
fn configure(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    common::configure(
        group,
        20,
        Times {
            warm_up: Duration::from_millis(100),
            measurement: Duration::from_millis(300),
        },
        Times {
            warm_up: Duration::from_millis(500),
            measurement: Duration::from_secs(2),
        },
    );
}

criterion_group!(benches, planning, rendering);
criterion_main!(benches);
