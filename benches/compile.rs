//! Model compile cost: `strata_schema::load_files` (YAML parsing, validation,
//! compilation) plus `Engine::new` (join graph and SQL templates) for synthetic
//! models of 10, 100 and 1,000 cubes from `strata bench gen-model`'s generator
//! (`strata_bench::gen_model::generate`; about 28 members per cube,
//! many-to-one join trees and 3 views).
//!
//! Budget (release build): compiling 1,000 cubes takes at most 100 ms; 100
//! cubes at most 10 ms. About 0.47 s for 1,000 cubes when this benchmark was
//! added; 55 ms (100 cubes: 2.7 ms) at `7c0aab7` (BENCHMARKS.md).
//!
//! `cargo bench --bench compile`; `STRATA_BENCH_QUICK=1` for a quick pass.
//! Under `cargo test --all-targets` criterion runs each benchmark once as a
//! smoke test, and the largest model is cut to 200 cubes to keep that fast in
//! a debug build.

mod common;

use common::Times;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;
use strata_bench::gen_model;
use strata_engine::Engine;

const SEED: u64 = 1;

fn compile(c: &mut Criterion) {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if bench_mode {
        &[10, 100, 1_000]
    } else {
        &[10, 100, 200]
    };

    let mut group = c.benchmark_group("compile");
    common::configure(
        &mut group,
        10,
        Times {
            warm_up: Duration::from_millis(200),
            measurement: Duration::from_millis(800),
        },
        Times {
            warm_up: Duration::from_secs(1),
            measurement: Duration::from_secs(5),
        },
    );
    for &cubes in sizes {
        let files = gen_model::generate(cubes, SEED);
        // Fail loudly rather than benchmark an error path.
        if let Err(e) = strata_schema::load_files(&files) {
            panic!("the generated {cubes}-cube model has errors: {e}");
        }
        group.bench_with_input(BenchmarkId::new("cubes", cubes), &files, |b, files| {
            b.iter(|| {
                let model =
                    strata_schema::load_files(black_box(files)).unwrap_or_else(|e| panic!("{e}"));
                Engine::new(Arc::new(model), None)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, compile);
criterion_main!(benches);
