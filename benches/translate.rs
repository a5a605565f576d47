//! Offline translation cost on the demo model: building the parser index of
//! a catalog (what a server does once per catalog) and translating a
//! question with an index built earlier (what it does per question).
//!
//! `cargo bench --bench translate`; `STRATA_BENCH_QUICK=1` for a quick pass.
//! Under `cargo test --all-targets` criterion runs each benchmark once as a
//! smoke test.

mod common;

use common::Times;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;
use strata_llm::offline::{OfflineParser, ParserIndex};
use strata_llm::Catalog;

/// Questions of the kinds the demo is asked: a figure, a breakdown with a
/// filter, a ranking, a period comparison.
const QUESTIONS: &[&str] = &[
    "revenue last month",
    "orders by channel in Germany this year",
    "top 5 brands by units sold",
    "revenue this quarter vs the same quarter last year",
];

fn translate(c: &mut Criterion) {
    let Ok(model) = strata_demo::model() else {
        panic!("the demo model compiles");
    };
    let catalog = Catalog::from_model(&model);
    let Some(today) = chrono::NaiveDate::from_ymd_opt(2026, 6, 17) else {
        panic!("a date");
    };
    let mut group = c.benchmark_group("translate");
    common::configure(
        &mut group,
        30,
        Times {
            warm_up: Duration::from_millis(200),
            measurement: Duration::from_secs(1),
        },
        Times {
            warm_up: Duration::from_secs(1),
            measurement: Duration::from_secs(5),
        },
    );
    group.bench_function("index", |b| {
        b.iter(|| ParserIndex::for_model(black_box(&catalog), &model))
    });
    let index = ParserIndex::for_model(&catalog, &model);
    group.bench_function("questions_with_index", |b| {
        b.iter(|| {
            let parser = OfflineParser::with_index(&catalog, &index);
            for q in QUESTIONS {
                let _ = black_box(parser.translate(black_box(q), today));
            }
        })
    });
    group.bench_function("questions_indexing_each", |b| {
        b.iter(|| {
            for q in QUESTIONS {
                let parser = OfflineParser::for_model(&catalog, &model);
                let _ = black_box(parser.translate(black_box(q), today));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, translate);
criterion_main!(benches);
