//! Unit tests of `time`: periods found in a question, relative and absolute
//! ranges, granularities.

use super::*;

#[test]
fn periods_far_back_are_refused_not_panicked() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
    for unit in ["year", "quarter", "month", "week", "day"] {
        for back in [i32::MAX, i32::MIN, 400_000_000, -400_000_000] {
            assert_eq!(period_start(today, unit, back), None, "{unit} {back}");
        }
        assert!(period_start(today, unit, 1).is_some(), "{unit}");
    }
}
use crate::offline::text::tokenize;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 15).expect("date")
}

fn kinds(q: &str) -> Vec<TimeKind> {
    find(&tokenize(q), today())
        .into_iter()
        .map(|f| f.kind)
        .collect()
}

fn rel(s: &str) -> TimeKind {
    TimeKind::Range(RangeSpec::Relative(s.into()))
}

fn abs(a: &str, b: &str) -> TimeKind {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    TimeKind::Range(RangeSpec::Absolute(d(a), d(b)))
}

#[test]
fn relative_ranges_stay_relative() {
    assert_eq!(kinds("orders today"), [rel("today")]);
    assert_eq!(kinds("revenue in the last 30 days"), [rel("last 30 days")]);
    assert_eq!(kinds("past two weeks"), [rel("last 2 weeks")]);
    assert_eq!(kinds("previous quarter"), [rel("last quarter")]);
    assert_eq!(
        kinds("this quarter vs last quarter"),
        [rel("this quarter"), rel("last quarter")]
    );
    assert_eq!(kinds("year to date"), [abs("2024-01-01", "2024-06-15")]);
}

#[test]
fn absolute_ranges_come_from_today() {
    assert_eq!(kinds("since March"), [abs("2024-03-01", "2024-06-15")]);
    assert_eq!(kinds("since September"), [abs("2023-09-01", "2024-06-15")]);
    assert_eq!(kinds("in 2023"), [abs("2023-01-01", "2023-12-31")]);
    assert_eq!(kinds("in March 2024"), [abs("2024-03-01", "2024-03-31")]);
    assert_eq!(kinds("during Q4"), [abs("2023-10-01", "2023-12-31")]);
    assert_eq!(kinds("q1 2024"), [abs("2024-01-01", "2024-03-31")]);
    assert_eq!(
        kinds("between March and May 2024"),
        [abs("2024-03-01", "2024-05-31")]
    );
    assert_eq!(kinds("on 2024-03-14"), [abs("2024-03-14", "2024-03-14")]);
    assert_eq!(kinds("since last year"), [abs("2023-01-01", "2024-06-15")]);
}

#[test]
fn bare_may_is_not_a_month() {
    assert!(kinds("may I see revenue").is_empty());
    assert_eq!(kinds("in may"), [abs("2024-05-01", "2024-05-31")]);
}

#[test]
fn granularities_and_trends() {
    assert_eq!(kinds("by week"), [TimeKind::Granularity("week")]);
    assert_eq!(kinds("monthly revenue"), [TimeKind::Granularity("month")]);
    assert_eq!(kinds("month over month"), [TimeKind::Granularity("month")]);
    assert_eq!(
        kinds("growth over time"),
        [TimeKind::Trend, TimeKind::Trend]
    );
    assert_eq!(
        kinds("daily orders last week"),
        [TimeKind::Granularity("day"), rel("last week")]
    );
}
