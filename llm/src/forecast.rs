//! Forecasts of a measure over time, with a prediction interval and an
//! honest account of how good the method has been on this very series.
//!
//! The history is the measure per period (complete periods only). With at
//! least two seasons of history the series is decomposed by MSTL (seasonal
//! period from the granularity: 7 days, 52 weeks, 12 months, 4 quarters)
//! and its trend forecast by automatic exponential smoothing (AutoETS);
//! with less, AutoETS alone. Both come from the `augurs` crates.
//!
//! Positive series are modelled on the log scale, so that seasonality and
//! noise that grow with the level are handled and the band stays positive.
//!
//! Every forecast carries a backtest: the method is refitted without the
//! last periods of the history, its forecast of those periods compared with
//! what happened (mean absolute percentage error), and the same done for a
//! seasonal-naive forecast (each period repeats the one a season earlier;
//! the last value when there is no season), so the answer can say whether
//! the method beats the obvious guess and by how much.

use augurs_core::{Fit, Predict};
use augurs_ets::trend::AutoETSTrendModel;
use augurs_ets::AutoETS;
use augurs_mstl::MSTLModel;

/// Fewest periods of history a forecast is made from.
pub const MIN_HISTORY: usize = 8;

/// Most periods forecast ahead.
pub const MAX_HORIZON: usize = 36;

/// The prediction interval's level.
pub const LEVEL: f64 = 0.95;

/// How the forecast was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ForecastMethod {
    /// MSTL decomposition with this seasonal period, trend by AutoETS.
    SeasonalEts {
        /// Periods per season.
        period: usize,
    },
    /// AutoETS without a seasonal component.
    Ets,
}

impl std::fmt::Display for ForecastMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ForecastMethod::SeasonalEts { period } => write!(
                f,
                "exponential smoothing (AutoETS) on the trend of a seasonal decomposition (MSTL, season of {period} periods)"
            ),
            ForecastMethod::Ets => f.write_str("exponential smoothing (AutoETS)"),
        }
    }
}

/// How the method did on the end of the history it was not shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backtest {
    /// Periods held out.
    pub held_out: usize,
    /// Mean absolute percentage error of the method on them (0.12 = 12%).
    pub mape: f64,
    /// The same for the seasonal-naive forecast.
    pub seasonal_naive_mape: f64,
}

impl Backtest {
    /// How much smaller the method's error is than seasonal-naive's, as a
    /// share of the latter (0.3 = 30% smaller; negative when worse).
    pub fn improvement(&self) -> f64 {
        if self.seasonal_naive_mape > 0.0 {
            1.0 - self.mape / self.seasonal_naive_mape
        } else {
            0.0
        }
    }
}

/// A forecast of the next periods.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesForecast {
    /// Point forecasts, one per period ahead.
    pub point: Vec<f64>,
    /// Lower bounds of the prediction interval.
    pub lower: Vec<f64>,
    /// Upper bounds of the prediction interval.
    pub upper: Vec<f64>,
    /// The interval's level (0.95).
    pub level: f64,
    /// How it was made.
    pub method: ForecastMethod,
    /// How the method did on held-out history, when there was enough of it.
    pub backtest: Option<Backtest>,
}

/// Why no forecast was made.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum ForecastError {
    /// Too little history.
    #[error("a forecast needs at least {needed} periods of history; the data has {got}")]
    TooShort {
        /// Periods needed.
        needed: usize,
        /// Periods there are.
        got: usize,
    },
    /// A horizon of zero or beyond [`MAX_HORIZON`].
    #[error("a forecast can look 1 to {max} periods ahead, not {asked}")]
    Horizon {
        /// Periods asked for.
        asked: usize,
        /// The most allowed.
        max: usize,
    },
    /// Missing or non-finite values in the history.
    #[error("the history has gaps or values that are not numbers; a forecast needs a value for every period")]
    Gaps,
    /// The model could not be fitted.
    #[error("the forecasting model could not be fitted: {0}")]
    Fit(String),
}

/// Periods per season for a time granularity (`day`, `week`, `month`,
/// `quarter`); `None` for the others.
pub fn season_of(granularity: &str) -> Option<usize> {
    match granularity {
        "day" => Some(7),
        "week" => Some(52),
        "month" => Some(12),
        "quarter" => Some(4),
        _ => None,
    }
}

/// Forecasts `horizon` periods after `history` (one value per complete
/// period, oldest first), with seasonality `season` when there is enough
/// history for it.
pub fn forecast(
    history: &[f64],
    horizon: usize,
    season: Option<usize>,
) -> Result<SeriesForecast, ForecastError> {
    if horizon == 0 || horizon > MAX_HORIZON {
        return Err(ForecastError::Horizon {
            asked: horizon,
            max: MAX_HORIZON,
        });
    }
    if history.len() < MIN_HISTORY {
        return Err(ForecastError::TooShort {
            needed: MIN_HISTORY,
            got: history.len(),
        });
    }
    if history.iter().any(|v| !v.is_finite()) {
        return Err(ForecastError::Gaps);
    }
    let method = method_for(history.len(), season);
    let (point, lower, upper) = fit_predict(history, horizon, method)?;
    Ok(SeriesForecast {
        point,
        lower,
        upper,
        level: LEVEL,
        method,
        backtest: backtest(history, horizon, season),
    })
}

/// MSTL when the history holds at least two seasons, else plain ETS.
fn method_for(len: usize, season: Option<usize>) -> ForecastMethod {
    match season {
        Some(period) if period > 1 && len >= 2 * period => ForecastMethod::SeasonalEts { period },
        _ => ForecastMethod::Ets,
    }
}

/// AutoETS choosing error and trend components by information criterion
/// (`ZZN`; seasonality is MSTL's part).
fn trend_model() -> Result<AutoETS, ForecastError> {
    AutoETS::new(1, "ZZN").map_err(|e| ForecastError::Fit(e.to_string()))
}

type Bands = (Vec<f64>, Vec<f64>, Vec<f64>);

fn fit_predict(
    history: &[f64],
    horizon: usize,
    method: ForecastMethod,
) -> Result<Bands, ForecastError> {
    // Positive series (revenue, counts) are modelled on the log scale: their
    // seasonality and noise grow with the level, and the forecast and its
    // band stay positive.
    let log = history.iter().all(|v| *v > 0.0);
    let y: Vec<f64> = if log {
        history.iter().map(|v| v.ln()).collect()
    } else {
        history.to_vec()
    };
    let history = &y[..];
    let fitted = match method {
        ForecastMethod::SeasonalEts { period } => {
            let trend = AutoETSTrendModel::from(trend_model()?);
            MSTLModel::new(vec![period], trend)
                .fit(history)
                .map_err(|e| ForecastError::Fit(e.to_string()))?
                .predict(horizon, LEVEL)
                .map_err(|e| ForecastError::Fit(e.to_string()))?
        }
        ForecastMethod::Ets => trend_model()?
            .fit(history)
            .map_err(|e| ForecastError::Fit(e.to_string()))?
            .predict(horizon, LEVEL)
            .map_err(|e| ForecastError::Fit(e.to_string()))?,
    };
    let back = |v: Vec<f64>| -> Vec<f64> {
        if log {
            v.into_iter().map(f64::exp).collect()
        } else {
            v
        }
    };
    let point = back(fitted.point);
    let (lower, upper) = match fitted.intervals {
        Some(i) if i.lower.len() == point.len() && i.upper.len() == point.len() => {
            (back(i.lower), back(i.upper))
        }
        _ => (point.clone(), point.clone()),
    };
    if point
        .iter()
        .chain(&lower)
        .chain(&upper)
        .any(|v| !v.is_finite())
    {
        return Err(ForecastError::Fit(
            "the model produced values that are not numbers".into(),
        ));
    }
    Ok((point, lower, upper))
}

/// Refits without the last periods and scores both forecasts on them. The
/// held-out stretch is the horizon, at least 3 periods and at most a quarter
/// of the history; `None` when what is left is too short to fit.
fn backtest(history: &[f64], horizon: usize, season: Option<usize>) -> Option<Backtest> {
    let held_out = horizon.max(3).min(history.len() / 4);
    let train_len = history.len() - held_out;
    if held_out == 0 || train_len < MIN_HISTORY {
        return None;
    }
    let (train, actual) = history.split_at(train_len);
    let method = method_for(train.len(), season);
    let (point, _, _) = fit_predict(train, held_out, method).ok()?;
    let naive = seasonal_naive(train, held_out, season);
    Some(Backtest {
        held_out,
        mape: mape(actual, &point)?,
        seasonal_naive_mape: mape(actual, &naive)?,
    })
}

/// Each period repeats the one a season earlier (the last value when the
/// history is shorter than a season or there is none).
pub fn seasonal_naive(history: &[f64], horizon: usize, season: Option<usize>) -> Vec<f64> {
    let last = history.last().copied().unwrap_or(0.0);
    match season {
        Some(p) if p > 0 && history.len() >= p => {
            let base = &history[history.len() - p..];
            (0..horizon).map(|h| base[h % p]).collect()
        }
        _ => vec![last; horizon],
    }
}

/// Mean absolute percentage error over the periods whose actual value is
/// not zero; `None` when there are none.
pub fn mape(actual: &[f64], predicted: &[f64]) -> Option<f64> {
    let errors: Vec<f64> = actual
        .iter()
        .zip(predicted)
        .filter(|(a, _)| **a != 0.0)
        .map(|(a, p)| ((a - p) / a).abs())
        .collect();
    (!errors.is_empty()).then(|| errors.iter().sum::<f64>() / errors.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A growing series with a weekly pattern and a little deterministic noise.
    fn weekly(days: usize) -> Vec<f64> {
        let pattern = [0.8, 1.0, 1.05, 1.1, 1.2, 1.5, 0.6];
        (0..days)
            .map(|d| {
                let noise = ((d * 7919) % 13) as f64 / 13.0 - 0.5;
                (100.0 + d as f64 * 0.5) * pattern[d % 7] + noise * 4.0
            })
            .collect()
    }

    #[test]
    fn seasonal_history_gets_a_seasonal_forecast_with_bands() {
        let history = weekly(120);
        let f = forecast(&history, 14, Some(7)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.method, ForecastMethod::SeasonalEts { period: 7 });
        assert_eq!(f.point.len(), 14);
        for i in 0..14 {
            assert!(
                f.lower[i] <= f.point[i] && f.point[i] <= f.upper[i],
                "{f:?}"
            );
        }
        // Saturdays (index 5 in the pattern) stay the peak of their week.
        let first_week = &f.point[..7];
        let next_day = history.len() % 7;
        let saturday = (5 + 7 - next_day) % 7;
        let peak =
            first_week.iter().enumerate().fold(
                0,
                |best, (i, v)| if *v > first_week[best] { i } else { best },
            );
        assert_eq!(peak, saturday, "{first_week:?}");
        let bt = f.backtest.unwrap_or_else(|| panic!("no backtest"));
        assert_eq!(bt.held_out, 14);
        assert!(bt.mape < bt.seasonal_naive_mape, "{bt:?}");
    }

    #[test]
    fn short_or_broken_history_is_refused() {
        assert_eq!(
            forecast(&[1.0, 2.0, 3.0], 3, None),
            Err(ForecastError::TooShort { needed: 8, got: 3 })
        );
        assert_eq!(
            forecast(&weekly(30), 0, Some(7)).err(),
            Some(ForecastError::Horizon { asked: 0, max: 36 })
        );
        let mut gaps = weekly(30);
        gaps[4] = f64::NAN;
        assert_eq!(forecast(&gaps, 3, Some(7)).err(), Some(ForecastError::Gaps));
    }

    #[test]
    fn little_history_falls_back_to_plain_ets() {
        let f = forecast(&weekly(10), 3, Some(7)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.method, ForecastMethod::Ets);
        assert_eq!(f.point.len(), 3);
    }

    #[test]
    fn seasonal_naive_and_mape() {
        assert_eq!(
            seasonal_naive(&[1.0, 2.0, 3.0, 4.0], 3, Some(2)),
            vec![3.0, 4.0, 3.0]
        );
        assert_eq!(seasonal_naive(&[1.0, 2.0], 2, None), vec![2.0, 2.0]);
        assert_eq!(mape(&[100.0, 0.0, 50.0], &[110.0, 5.0, 45.0]), Some(0.1));
        assert_eq!(mape(&[0.0], &[1.0]), None);
    }
}
