//! Setup shared by the criterion benchmarks (`mod common;` in each).
//!
//! `STRATA_BENCH_QUICK=1` asks for a quick pass. Warm-up and measurement
//! times given on the command line (`-- --warm-up-time 1 --measurement-time
//! 3`) take precedence over both the quick and the full defaults.

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::BenchmarkGroup;

/// Warm-up and measurement time of one kind of pass.
pub struct Times {
    /// Warm-up time.
    pub warm_up: Duration,
    /// Measurement time.
    pub measurement: Duration,
}

/// Sets `group`'s sample size and times: `quick` under
/// `STRATA_BENCH_QUICK=1`, `full` otherwise, unless the command line sets
/// the times itself.
pub fn configure(
    group: &mut BenchmarkGroup<'_, WallTime>,
    samples: usize,
    quick: Times,
    full: Times,
) {
    group.sample_size(samples);
    let args: Vec<String> = std::env::args().collect();
    let given = |flag: &str| args.iter().any(|a| a == flag);
    let times = if std::env::var("STRATA_BENCH_QUICK").is_ok_and(|v| v == "1") {
        quick
    } else {
        full
    };
    if !given("--warm-up-time") {
        group.warm_up_time(times.warm_up);
    }
    if !given("--measurement-time") {
        group.measurement_time(times.measurement);
    }
}
