//! A measure aggregated per period or per category, and period arithmetic.

use chrono::{Duration, Months, NaiveDateTime};
use serde_json::Value;

use crate::table::{parse_time, ColumnRole, ResultColumn, ResultTable};

/// A measure's value for one period or category.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    /// The period or category as a label (`2024-03`, `completed`).
    pub label: String,
    /// The raw key (Cube's time value for periods), for ordering.
    pub raw: String,
    /// The value.
    pub value: f64,
}

/// The values of `measure` per distinct value of `key`: periods in time
/// order, categories in result order. Several rows of a key are added up
/// only for additive measures; otherwise `None` (an average of averages
/// would be invented). Keys without a value are left out.
pub(crate) fn aggregate(
    table: &ResultTable,
    key: &ResultColumn,
    measure: &ResultColumn,
) -> Option<Vec<Point>> {
    let mut points: Vec<(Point, usize)> = Vec::new();
    for r in 0..table.rows.len() {
        let Some(v) = table.number(r, &measure.member) else {
            continue;
        };
        let kv = table.value(r, &key.member);
        let label = key.label(kv);
        match points.iter_mut().find(|(p, _)| p.label == label) {
            Some((p, n)) => {
                p.value += v;
                *n += 1;
            }
            None => points.push((
                Point {
                    label,
                    raw: raw(kv),
                    value: v,
                },
                1,
            )),
        }
    }
    if !measure.is_additive() && points.iter().any(|(_, n)| *n > 1) {
        return None;
    }
    let mut points: Vec<Point> = points.into_iter().map(|(p, _)| p).collect();
    if key.role == ColumnRole::Time || key.data_type == "time" {
        points.sort_by(|a, b| a.raw.cmp(&b.raw));
    }
    Some(points)
}

fn raw(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// When a period starting at `start` ends (exclusive), for a granularity.
pub(crate) fn period_end(start: &str, granularity: &str) -> Option<NaiveDateTime> {
    let t = parse_time(start)?;
    match granularity {
        "year" => t.checked_add_months(Months::new(12)),
        "quarter" => t.checked_add_months(Months::new(3)),
        "month" => t.checked_add_months(Months::new(1)),
        "week" => t.checked_add_signed(Duration::weeks(1)),
        "day" => t.checked_add_signed(Duration::days(1)),
        "hour" => t.checked_add_signed(Duration::hours(1)),
        "minute" => t.checked_add_signed(Duration::minutes(1)),
        "second" => t.checked_add_signed(Duration::seconds(1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn periods_are_summed_only_for_additive_measures() {
        let t = ResultTable::new(
            vec![
                ResultColumn::time("O.at.month", "At", "month"),
                ResultColumn::dimension("O.s", "S"),
                ResultColumn::measure("O.count", "Count").with_agg("count"),
                ResultColumn::measure("O.avg", "Avg").with_agg("avg"),
            ],
            vec![
                json!({"O.at.month": "2024-02-01T00:00:00.000", "O.s": "a", "O.count": "2", "O.avg": 1}),
                json!({"O.at.month": "2024-01-01T00:00:00.000", "O.s": "a", "O.count": 1, "O.avg": 1}),
                json!({"O.at.month": "2024-02-01T00:00:00.000", "O.s": "b", "O.count": 5, "O.avg": 1}),
            ],
        );
        let time = &t.columns[0];
        let points = aggregate(&t, time, &t.columns[2]).unwrap_or_default();
        let got: Vec<(&str, f64)> = points.iter().map(|p| (p.label.as_str(), p.value)).collect();
        assert_eq!(got, vec![("2024-01", 1.0), ("2024-02", 7.0)]);
        assert_eq!(aggregate(&t, time, &t.columns[3]), None);
    }

    #[test]
    fn period_ends() {
        let end = |g| period_end("2024-01-31T00:00:00.000", g).map(|t| t.to_string());
        assert_eq!(end("month").as_deref(), Some("2024-02-29 00:00:00"));
        assert_eq!(end("day").as_deref(), Some("2024-02-01 00:00:00"));
        assert_eq!(end("fortnight"), None);
    }
}
