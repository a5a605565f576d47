//! Robust statistics for anomaly detection: median, MAD and the modified
//! z-score of Iglewicz and Hoaglin.

/// A modified z-score above this (in absolute value) marks an anomaly.
pub const ANOMALY_THRESHOLD: f64 = 3.5;

/// The median of `values` (`None` when empty; NaNs sort last).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Modified z-scores: `0.6745 * (x - median) / MAD`. When the MAD is zero
/// (more than half the values equal), the mean absolute deviation is used
/// instead (`(x - median) / (1.253314 * meanAD)`); when that is zero too
/// (all values equal), every score is zero.
pub fn robust_z_scores(values: &[f64]) -> Vec<f64> {
    let Some(med) = median(values) else {
        return Vec::new();
    };
    let deviations: Vec<f64> = values.iter().map(|x| (x - med).abs()).collect();
    let mad = median(&deviations).unwrap_or(0.0);
    if mad > 0.0 {
        return values.iter().map(|x| 0.6745 * (x - med) / mad).collect();
    }
    let mean_ad = deviations.iter().sum::<f64>() / deviations.len() as f64;
    if mean_ad > 0.0 {
        values
            .iter()
            .map(|x| (x - med) / (1.253314 * mean_ad))
            .collect()
    } else {
        vec![0.0; values.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_lengths() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn spike_scores_far_above_threshold() {
        let z = robust_z_scores(&[100.0, 102.0, 98.0, 101.0, 99.0, 400.0]);
        assert!(z[5] > 100.0, "{z:?}");
        assert!(z[..5].iter().all(|z| z.abs() < ANOMALY_THRESHOLD), "{z:?}");
    }

    #[test]
    fn zero_mad_falls_back_to_mean_deviation() {
        let z = robust_z_scores(&[10.0, 10.0, 10.0, 10.0, 10.0, 50.0]);
        assert!(z[5] > ANOMALY_THRESHOLD && z[5].is_finite(), "{z:?}");
        assert_eq!(z[0], 0.0);
        assert_eq!(robust_z_scores(&[5.0; 6]), vec![0.0; 6]);
        assert!(robust_z_scores(&[]).is_empty());
    }
}
