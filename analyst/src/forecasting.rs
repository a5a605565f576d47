//! Questions about the future ("forecast revenue for the next 3 months",
//! "what will orders be next quarter"): the question is answered as the
//! measure's history over complete periods, and the forecast of
//! [`strata_llm::forecast`] is added to the answer as extra chart series
//! (a dashed line and its 95% band), a `forecast` block and an insight that
//! states the method and its backtest against seasonal-naive.

use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::Serialize;
use serde_json::{json, Value};
use strata_engine::query::{DateRangeSpec, TimeDimensionSpec};
use strata_engine::Query;
use strata_llm::forecast::{self, Backtest, SeriesForecast};
use strata_llm::insights::{Fact, Insight, InsightKind};
use strata_schema::{DimensionType, Granularity, SemanticModel};

use crate::outcome::Answer;

/// A forecast the question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ForecastAsk {
    /// Periods ahead.
    pub horizon: usize,
    /// The period: `day`, `week` or `month`.
    pub granularity: &'static str,
}

/// Words that ask for a forecast.
const CUES: [&str; 7] = [
    "forecast",
    "forecasts",
    "predict",
    "prediction",
    "projection",
    "project",
    "projected",
];

/// Reads a forecast request out of `question`: `None` when it asks for none,
/// else the question without its forecast words (what the translator reads
/// as the history to forecast) and the request.
pub(crate) fn split_question(question: &str) -> Option<(String, ForecastAsk)> {
    let lower = question.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let asks = words.iter().any(|w| CUES.contains(w))
        || lower.contains("what will")
        || lower.contains("how much will")
        || lower.contains("how many will");
    if !asks {
        return None;
    }
    let mut ask = ForecastAsk {
        horizon: 3,
        granularity: "month",
    };
    let mut skip = vec![false; words.len()];
    if let Some(i) = words.iter().position(|w| *w == "next" || *w == "coming") {
        let (count, unit_at) = match words.get(i + 1).and_then(|w| number(w)) {
            Some(n) => (n, i + 2),
            None => (1, i + 1),
        };
        if let Some(unit) = words.get(unit_at) {
            let unit = unit.trim_end_matches('s');
            let (granularity, per) = match unit {
                "day" => ("day", 1),
                "week" => ("week", 1),
                "month" => ("month", 1),
                "quarter" => ("month", 3),
                "year" => ("month", 12),
                _ => ("", 0),
            };
            if per > 0 {
                ask = ForecastAsk {
                    horizon: (count * per).clamp(1, forecast::MAX_HORIZON),
                    granularity,
                };
                let from = if i > 0 && matches!(words[i - 1], "the" | "for" | "over") {
                    i - 1
                } else {
                    i
                };
                let from = if from > 0 && words[from] == "the" && words[from - 1] == "for" {
                    from - 1
                } else {
                    from
                };
                skip[from..=unit_at].iter_mut().for_each(|s| *s = true);
            }
        }
    }
    let filler = [
        "what", "will", "how", "much", "many", "be", "for", "the", "of",
    ];
    let kept: Vec<&str> = words
        .iter()
        .zip(&skip)
        .filter(|(w, s)| !**s && !CUES.contains(w) && !filler.contains(w))
        .map(|(w, _)| *w)
        .collect();
    Some((kept.join(" "), ask))
}

/// Whether what is left of a forecast question only points back at the
/// conversation's last answer ("forecast it", "and now predict that").
pub(crate) fn refers_back(rest: &str) -> bool {
    const BACK: &[&str] = &[
        "it", "this", "that", "these", "those", "them", "same", "now", "and", "then", "also",
        "too", "please", "can", "you", "could", "a", "an", "please", "series", "trend", "chart",
    ];
    rest.split_whitespace().all(|w| BACK.contains(&w))
}

fn number(word: &str) -> Option<usize> {
    word.parse().ok().or(match word {
        "one" | "a" => Some(1),
        "two" => Some(2),
        "three" => Some(3),
        "four" => Some(4),
        "five" => Some(5),
        "six" => Some(6),
        "seven" => Some(7),
        "eight" => Some(8),
        "nine" => Some(9),
        "ten" => Some(10),
        "twelve" => Some(12),
        _ => None,
    })
}

/// Why a forecast question cannot be answered as one.
pub(crate) fn unsupported(query: &Query) -> Option<String> {
    if query.measures.len() != 1 {
        return Some(format!(
            "a forecast is made for one measure over time; the question names {}",
            query.measures.len()
        ));
    }
    if !query.dimensions.is_empty() {
        return Some(
            "a forecast is made for one measure over time, not split by other dimensions".into(),
        );
    }
    None
}

/// Makes `query` read the measure's history per complete period: its time
/// dimension (or the first of the measure's cube) at the request's
/// granularity, over the last three years of complete periods that have
/// data (a cube's `meta.dataPeriod.to` bounds it when the model says it).
pub(crate) fn shape_history(
    query: &mut Query,
    model: &SemanticModel,
    ask: ForecastAsk,
    today: NaiveDate,
) -> Result<(), String> {
    let measure = query.measures.first().cloned().unwrap_or_default();
    let cube_name = measure.split('.').next().unwrap_or_default().to_string();
    let cube = model.cube(&cube_name);
    let dimension = match query.time_dimensions.first() {
        Some(t) => t.dimension.clone(),
        None => cube
            .and_then(|c| {
                c.dimensions
                    .values()
                    .find(|d| d.kind == DimensionType::Time)
                    .map(|d| format!("{cube_name}.{}", d.name))
            })
            .ok_or_else(|| format!("{measure} has no time dimension to forecast along"))?,
    };
    let data_day = |key: &str| {
        cube.and_then(|c| c.meta.as_ref())
            .and_then(|m| m.pointer(&format!("/dataPeriod/{key}")))
            .and_then(Value::as_str)
            .and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok())
    };
    // The day after the last day with data (or today).
    let open = data_day("to")
        .and_then(|d| d.succ_opt())
        .map_or(today, |d| d.min(today));
    let (start, end) = complete_periods(open, ask.granularity);
    // Nor a first period that the data only partly covers.
    let start = match data_day("from") {
        Some(from) if from > start => first_period_from(from, ask.granularity),
        _ => start,
    };
    let granularity: Granularity = ask.granularity.parse()?;
    query.time_dimensions = vec![TimeDimensionSpec {
        dimension,
        granularity: Some(granularity),
        date_range: Some(DateRangeSpec::Pair(
            start.format("%Y-%m-%d").to_string(),
            end.format("%Y-%m-%d").to_string(),
        )),
        compare_date_range: None,
    }];
    query.order = None;
    query.limit = None;
    Ok(())
}

/// Three years of complete periods before the period that holds `open`.
fn complete_periods(open: NaiveDate, granularity: &str) -> (NaiveDate, NaiveDate) {
    let current = match granularity {
        "day" => open,
        "week" => open - Duration::days(i64::from(open.weekday().num_days_from_monday())),
        _ => open.with_day(1).unwrap_or(open),
    };
    let end = current.pred_opt().unwrap_or(current);
    let start = match granularity {
        "day" => current - Duration::days(365),
        "week" => current - Duration::weeks(156),
        _ => current
            .checked_sub_months(Months::new(36))
            .unwrap_or(current),
    };
    (start, end)
}

/// The first period that starts on or after `day`.
fn first_period_from(day: NaiveDate, granularity: &str) -> NaiveDate {
    let period_start = match granularity {
        "day" => day,
        "week" => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
        _ => day.with_day(1).unwrap_or(day),
    };
    if period_start == day {
        day
    } else {
        next_period(period_start, granularity)
    }
}

/// The next period after `last` (a period start).
fn next_period(last: NaiveDate, granularity: &str) -> NaiveDate {
    match granularity {
        "day" => last + Duration::days(1),
        "week" => last + Duration::weeks(1),
        _ => last.checked_add_months(Months::new(1)).unwrap_or(last),
    }
}

/// The forecast as answers carry it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerForecast {
    /// The measure forecast.
    pub measure: String,
    /// Periods ahead.
    pub horizon: usize,
    /// The period.
    pub granularity: String,
    /// How it was made, in words.
    pub method: String,
    /// The prediction interval's level (0.95).
    pub level: f64,
    /// One point per period ahead.
    pub points: Vec<ForecastPoint>,
    /// How the method did on the end of the history it was not shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backtest: Option<BacktestBody>,
}

/// One forecast period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastPoint {
    /// The period's start (`2025-01-01T00:00:00.000`).
    pub period: String,
    /// The point forecast.
    pub value: f64,
    /// The interval's lower bound.
    pub lower: f64,
    /// The interval's upper bound.
    pub upper: f64,
}

/// A backtest as answers carry it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BacktestBody {
    /// Periods held out.
    pub held_out: usize,
    /// The method's mean absolute percentage error on them.
    pub mape: f64,
    /// Seasonal-naive's.
    pub seasonal_naive_mape: f64,
}

impl From<Backtest> for BacktestBody {
    fn from(b: Backtest) -> Self {
        BacktestBody {
            held_out: b.held_out,
            mape: b.mape,
            seasonal_naive_mape: b.seasonal_naive_mape,
        }
    }
}

/// Adds the forecast of the answer's history to it: the `forecast` block,
/// the chart's forecast series and band, and an insight. A history that
/// cannot be forecast gets an insight saying why, and no forecast.
pub(crate) fn attach(answer: &mut Answer, ask: ForecastAsk) {
    let Some(measure) = answer.translation.query.measures.first().cloned() else {
        return;
    };
    let Some(time) = answer
        .table
        .columns
        .iter()
        .find(|c| c.granularity.is_some())
        .map(|c| c.member.clone())
    else {
        return;
    };
    let mut periods = Vec::new();
    let mut values = Vec::new();
    for row in &answer.table.rows {
        let value = match row.get(&measure) {
            Some(Value::String(s)) => s.parse::<f64>().ok(),
            Some(v) => v.as_f64(),
            None => None,
        };
        periods.push(row.get(&time).and_then(Value::as_str).unwrap_or_default());
        values.push(value.unwrap_or(f64::NAN));
    }
    let last = periods
        .last()
        .and_then(|p| NaiveDate::parse_from_str(p.get(..10)?, "%Y-%m-%d").ok());
    let made = forecast::forecast(&values, ask.horizon, forecast::season_of(ask.granularity));
    let (f, last) = match (made, last) {
        (Ok(f), Some(last)) => (f, last),
        (Err(e), _) => {
            answer.insights.push(Insight {
                kind: InsightKind::Forecast,
                text: format!("No forecast: {e}."),
                facts: Vec::new(),
            });
            return;
        }
        (Ok(_), None) => return,
    };
    let mut period = last;
    let points: Vec<ForecastPoint> = (0..f.point.len())
        .map(|i| {
            period = next_period(period, ask.granularity);
            ForecastPoint {
                period: format!("{}T00:00:00.000", period.format("%Y-%m-%d")),
                value: f.point[i],
                lower: f.lower[i],
                upper: f.upper[i],
            }
        })
        .collect();
    add_series(&mut answer.chart.option, &points);
    let format = answer.table.column(&measure).and_then(|c| c.format.clone());
    answer
        .insights
        .push(insight(&f, &points, ask, format.as_deref()));
    answer.forecast = Some(AnswerForecast {
        measure,
        horizon: ask.horizon,
        granularity: ask.granularity.to_string(),
        method: f.method.to_string(),
        level: f.level,
        points,
        backtest: f.backtest.map(BacktestBody::from),
    });
}

/// The forecast's sentence: the values, the method and the backtest.
fn insight(
    f: &SeriesForecast,
    points: &[ForecastPoint],
    ask: ForecastAsk,
    format: Option<&str>,
) -> Insight {
    let mut facts = Vec::new();
    let values: Vec<String> = points
        .iter()
        .map(|p| {
            let label = p.period.get(..10).unwrap_or(&p.period).to_string();
            let formatted = strata_llm::chart::format_value(p.value, format);
            facts.push(Fact::number(
                &format!("forecast {label}"),
                p.value,
                formatted.clone(),
            ));
            format!("{label}: {formatted}")
        })
        .collect();
    let level = format!("{:.0}%", f.level * 100.0);
    facts.push(Fact::number("level", f.level * 100.0, level.clone()));
    let mut text = format!(
        "Forecast for the next {} {}{}: {} ({level} interval shown as a band), by {}.",
        ask.horizon,
        ask.granularity,
        if ask.horizon == 1 { "" } else { "s" },
        values.join(", "),
        f.method
    );
    facts.push(Fact::number(
        "horizon",
        ask.horizon as f64,
        ask.horizon.to_string(),
    ));
    if let Some(b) = f.backtest {
        let mape = format!("{:.1}%", b.mape * 100.0);
        let naive = format!("{:.1}%", b.seasonal_naive_mape * 100.0);
        facts.push(Fact::number(
            "held_out",
            b.held_out as f64,
            b.held_out.to_string(),
        ));
        facts.push(Fact::number("mape", b.mape * 100.0, mape.clone()));
        facts.push(Fact::number(
            "seasonal_naive_mape",
            b.seasonal_naive_mape * 100.0,
            naive.clone(),
        ));
        text.push_str(&format!(
            " Backtest on the last {} periods: off by {mape} on average, against {naive} for repeating the previous season.",
            b.held_out
        ));
    }
    Insight {
        kind: InsightKind::Forecast,
        text,
        facts,
    }
}

/// A dashed forecast line and its band (lower bound plus the band's width,
/// stacked) on a time-axis chart.
fn add_series(option: &mut Value, points: &[ForecastPoint]) {
    let Some(series) = option.get_mut("series").and_then(Value::as_array_mut) else {
        return;
    };
    let at = |f: fn(&ForecastPoint) -> f64| -> Vec<Value> {
        points.iter().map(|p| json!([p.period, f(p)])).collect()
    };
    series.push(json!({
        "type": "line", "name": "Forecast", "data": at(|p| p.value),
        "lineStyle": {"type": "dashed"}, "symbol": "none"
    }));
    series.push(json!({
        "type": "line", "name": "Forecast interval", "stack": "forecast-band",
        "data": at(|p| p.lower), "lineStyle": {"opacity": 0}, "symbol": "none"
    }));
    series.push(json!({
        "type": "line", "name": "Forecast interval", "stack": "forecast-band",
        "data": at(|p| p.upper - p.lower), "lineStyle": {"opacity": 0},
        "areaStyle": {"opacity": 0.2}, "symbol": "none"
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forecast_questions_are_read() {
        let (rest, ask) = split_question("forecast revenue for the next 3 months")
            .unwrap_or_else(|| panic!("not read"));
        assert_eq!(rest, "revenue");
        assert_eq!(
            ask,
            ForecastAsk {
                horizon: 3,
                granularity: "month"
            }
        );
        let (rest, ask) = split_question("What will orders be next quarter?")
            .unwrap_or_else(|| panic!("not read"));
        assert_eq!(rest, "orders");
        assert_eq!(
            ask,
            ForecastAsk {
                horizon: 3,
                granularity: "month"
            }
        );
        let (_, ask) = split_question("predict revenue over the next two weeks")
            .unwrap_or_else(|| panic!("not read"));
        assert_eq!(
            ask,
            ForecastAsk {
                horizon: 2,
                granularity: "week"
            }
        );
        assert_eq!(split_question("revenue by month last year"), None);
    }

    #[test]
    fn history_ends_with_the_last_complete_period() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        assert_eq!(
            complete_periods(d("2026-12-05"), "month"),
            (d("2023-12-01"), d("2026-11-30"))
        );
        assert_eq!(
            complete_periods(d("2025-01-01"), "month"),
            (d("2022-01-01"), d("2024-12-31"))
        );
        // 2026-12-05 is a Saturday; its week began on Monday 2026-11-30.
        assert_eq!(complete_periods(d("2026-12-05"), "week").1, d("2026-11-29"));
        assert_eq!(next_period(d("2024-12-01"), "month"), d("2025-01-01"));
        // Data from 2024-12-04: December 2024 is only partly covered.
        assert_eq!(first_period_from(d("2024-12-04"), "month"), d("2025-01-01"));
        assert_eq!(first_period_from(d("2025-01-01"), "month"), d("2025-01-01"));
        assert_eq!(first_period_from(d("2026-12-02"), "week"), d("2026-12-07"));
    }
}
