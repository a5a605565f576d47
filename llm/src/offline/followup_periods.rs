//! The periods of a follow-up: the ranges it compares ("compare with last
//! year", "versus the same period in 2025", "compare with the previous
//! month") and the range shown moved back ("one year back", "the month
//! before").

use chrono::{Datelike, NaiveDate};
use strata_engine::query::DateRangeSpec;

use super::parse::Analysis;
use super::time::RangeSpec;

/// `range` moved back by `back` (a unit and how many of it).
pub(crate) fn moved_back(
    range: RangeSpec,
    back: (&str, u32),
    today: NaiveDate,
) -> Option<RangeSpec> {
    let (unit, n) = back;
    (0..n).try_fold(range, |r, _| r.earlier_by(unit, today))
}

/// The ranges a follow-up compares: the range shown beside the one asked,
/// or beside itself moved back ("compare with the same day last year",
/// "compare with the previous month"), or the ranges named.
pub(crate) fn compared_ranges(
    a: &Analysis,
    ranges: &[&RangeSpec],
    current: Option<&DateRangeSpec>,
    compare: bool,
    today: NaiveDate,
) -> Vec<DateRangeSpec> {
    let mut list: Vec<DateRangeSpec> = Vec::new();
    // "compare with the same day last year", "compare with the
    // previous month": the current range a year, or a period,
    // earlier.
    let same = a.tokens.iter().any(|tok| tok.text == "same");
    let before = a.tokens.iter().any(|tok| {
        matches!(
            tok.text.as_str(),
            "previous" | "prior" | "preceding" | "before"
        )
    });
    let mut earlier = None;
    if compare {
        if let Some(current) = current {
            list.push(current.clone());
            // "versus the same period in 2025" after this year to
            // date: the same dates, a year earlier.
            let current_year = RangeSpec::from_date_range(current).and_then(|r| match r {
                RangeSpec::Absolute(start, _) => Some(start.year()),
                RangeSpec::Relative(_) => None,
            });
            let unit = match ranges {
                [RangeSpec::Relative(r)] => r.strip_prefix("last ").map(str::to_owned),
                [RangeSpec::Absolute(a, b)]
                    if a.ordinal() == 1
                        && b.year() == a.year()
                        && b.month() == 12
                        && b.day() == 31
                        && current_year == Some(a.year() + 1) =>
                {
                    Some("year".to_owned())
                }
                _ => None,
            };
            // "the same days last month": the current range a month back.
            let unit = unit.filter(|u| {
                (same && matches!(u.as_str(), "year" | "quarter" | "month" | "week")) || before
            });
            if let Some(unit) = unit {
                earlier =
                    RangeSpec::from_date_range(current).and_then(|r| r.earlier_by(&unit, today));
            }
        }
    }
    match earlier {
        Some(r) => list.push(r.to_date_range()),
        None => list.extend(ranges.iter().map(|r| r.to_date_range())),
    }
    list
}
