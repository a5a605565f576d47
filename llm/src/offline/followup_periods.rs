//! The periods of a follow-up: the ranges it compares ("compare with last
//! year", "versus the same period in 2025", "compare with the previous
//! month"), the range shown moved back ("one year back", "the month
//! before") and the range shown kept by a new question ("the 10 largest
//! orders that month").

use chrono::{Datelike, NaiveDate};
use strata_engine::query::{DateRangeSpec, Query, TimeDimensionSpec};

use super::parse::Analysis;
use super::time::RangeSpec;
use crate::catalog::Catalog;

/// "that month", "those weeks", "the same period": a turn that points at the
/// period shown; the index of the word that names the period.
fn period_pointed_at(a: &Analysis) -> Option<usize> {
    a.tokens.windows(2).position(|w| {
        let period = super::calendar::unit(&w[1].text).is_some()
            || matches!(w[1].text.as_str(), "period" | "window" | "dates" | "days");
        period && matches!(w[0].text.as_str(), "that" | "those" | "same")
    })
}

/// A new question asked of the period shown ("Revenue per channel for May"
/// then "the 10 largest orders that month"): the range shown, on the date
/// of the new question's own cube when the one shown is not among its
/// cubes. Returns the word the period was pointed at with, now used; `None`
/// when the turn points at no period, already has a range, or the previous
/// query had none.
pub(crate) fn keep_period_pointed_at(
    catalog: &Catalog,
    a: &Analysis,
    previous: &Query,
    query: &mut Query,
) -> Option<String> {
    let at = period_pointed_at(a)? + 1;
    if query
        .time_dimensions
        .iter()
        .any(|t| t.date_range.is_some() || t.compare_date_range.is_some())
    {
        return None;
    }
    let shown = previous
        .time_dimensions
        .iter()
        .find(|t| t.date_range.is_some())?;
    let owner_of = |name: &str| catalog.get(name).map(|m| m.owner.clone());
    let owners: Vec<String> = query
        .measures
        .iter()
        .chain(&query.dimensions)
        .filter_map(|n| owner_of(n))
        .collect();
    let dimension = match owner_of(&shown.dimension) {
        Some(o) if owners.contains(&o) => shown.dimension.clone(),
        _ => {
            let owner = owners.first()?;
            catalog
                .members()
                .iter()
                .find(|m| &m.owner == owner && m.is_time())?
                .name
                .clone()
        }
    };
    match query
        .time_dimensions
        .iter_mut()
        .find(|t| t.dimension == dimension)
    {
        Some(t) => t.date_range = shown.date_range.clone(),
        None => query.time_dimensions.push(TimeDimensionSpec {
            dimension,
            granularity: None,
            date_range: shown.date_range.clone(),
            compare_date_range: None,
        }),
    }
    Some(a.tokens[at].orig.clone())
}

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
