//! Latency statistics: nearest-rank percentiles over recorded samples.

use serde::Serialize;

/// The `p`-th percentile (0–100) of `sorted` (ascending) by the nearest-rank
/// method: the smallest sample such that at least `p`% of the samples are less
/// than or equal to it. `None` for no samples.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let p = p.clamp(0.0, 100.0);
    let n = sorted.len();
    let rank = ((p / 100.0) * n as f64).ceil() as usize;
    let index = rank.clamp(1, n) - 1;
    sorted.get(index).copied()
}

/// Summary of a set of durations, all in the unit given to [`Summary::from_nanos`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Number of samples.
    pub count: u64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Arithmetic mean.
    pub mean: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
}

impl Summary {
    /// Summarises samples in nanoseconds, reported in units of `unit_nanos`
    /// nanoseconds (1,000 for microseconds, 1,000,000 for milliseconds).
    /// Sorts `samples` in place. All zeros for no samples.
    pub fn from_nanos(samples: &mut [u64], unit_nanos: f64) -> Summary {
        samples.sort_unstable();
        let scale = |v: Option<u64>| v.map_or(0.0, |v| v as f64 / unit_nanos);
        let count = samples.len() as u64;
        let total: u128 = samples.iter().map(|&v| u128::from(v)).sum();
        let mean = if count == 0 {
            0.0
        } else {
            total as f64 / count as f64 / unit_nanos
        };
        Summary {
            count,
            p50: scale(percentile(samples, 50.0)),
            p95: scale(percentile(samples, 95.0)),
            p99: scale(percentile(samples, 99.0)),
            mean,
            min: scale(samples.first().copied()),
            max: scale(samples.last().copied()),
        }
    }
}

/// Nanoseconds per microsecond, for [`Summary::from_nanos`].
pub const MICROS: f64 = 1_000.0;
/// Nanoseconds per millisecond, for [`Summary::from_nanos`].
pub const MILLIS: f64 = 1_000_000.0;

/// `count` events over `seconds` as a rate per second (0 when no time passed).
pub fn per_second(count: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), Some(50));
        assert_eq!(percentile(&v, 95.0), Some(95));
        assert_eq!(percentile(&v, 99.0), Some(99));
        assert_eq!(percentile(&v, 100.0), Some(100));
        assert_eq!(percentile(&v, 0.0), Some(1));
        // Textbook example: 15, 20, 35, 40, 50.
        let w = [15, 20, 35, 40, 50];
        assert_eq!(percentile(&w, 5.0), Some(15));
        assert_eq!(percentile(&w, 30.0), Some(20));
        assert_eq!(percentile(&w, 40.0), Some(20));
        assert_eq!(percentile(&w, 50.0), Some(35));
        assert_eq!(percentile(&w, 100.0), Some(50));
    }

    #[test]
    fn edge_cases() {
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[7], 1.0), Some(7));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[1, 2], 150.0), Some(2));
        assert_eq!(percentile(&[1, 2], -3.0), Some(1));
        assert_eq!(per_second(10, 0.0), 0.0);
        assert_eq!(per_second(10, 2.0), 5.0);
    }

    #[test]
    fn summary_sorts_and_scales() {
        let mut v = vec![3_000, 1_000, 2_000, 4_000];
        let s = Summary::from_nanos(&mut v, MICROS);
        assert_eq!(s.count, 4);
        assert_eq!((s.min, s.max, s.mean), (1.0, 4.0, 2.5));
        assert_eq!((s.p50, s.p95, s.p99), (2.0, 4.0, 4.0));
        assert!(s.p50 <= s.p95 && s.p95 <= s.p99);
        let empty = Summary::from_nanos(&mut [], MILLIS);
        assert_eq!((empty.count, empty.p50, empty.mean), (0, 0.0, 0.0));
    }
}
