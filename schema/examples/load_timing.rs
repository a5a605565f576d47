//! Times [`strata_schema::load_dir`] on a model directory.
//!
//! `cargo run --release -p strata-schema --example load_timing -- DIR [RUNS]`
//! loads `DIR` `RUNS` times (default 15) and prints the median, minimum and
//! maximum wall time. Generate a large model with
//! `strata bench gen-model --cubes 1000 --out /tmp/gen1000`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: load_timing DIR [RUNS]");
        return ExitCode::FAILURE;
    };
    let runs: usize = args
        .next()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15)
        .max(1);
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut cubes = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let model = match strata_schema::load_dir(&dir) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        times.push(start.elapsed());
        cubes = model.cubes.len();
        drop(model);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{dir}: {cubes} cubes, {runs} runs: median {:.1} ms (min {:.1}, max {:.1})",
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1])
    );
    ExitCode::SUCCESS
}
