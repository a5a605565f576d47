//! The periods of a follow-up: the ranges it compares ("compare with last
//! year", "versus the same period in 2025", "compare with the previous
//! month"), the range shown moved back ("one year back", "the month
//! before"), the range shown kept by a new question ("the 10 largest
//! orders that month"), and the time part of the query being edited
//! (`Draft::edit_time`).

use chrono::{Datelike, NaiveDate};
use strata_engine::query::{DateRangeSpec, Query, TimeDimensionSpec};

use super::build::{self, Resolved};
use super::followup_draft::Draft;
use super::followup_edits as edits;
use super::parse::Analysis;
use super::resolve::pick_time;
use super::time::RangeSpec;
use super::OfflineParser;
use crate::catalog::Catalog;
use crate::error::LlmError;
use crate::translation::granularity as parse_granularity;

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
            let time = pick_owner_time(catalog, owner)?;
            catalog.members()[time].name.clone()
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
            // "against the same quarter of 2025" after last quarter: that
            // quarter, the years between earlier (a relative range shown is
            // read as its days).
            let current_year = RangeSpec::from_date_range(current)
                .and_then(|r| super::compared::days_of(&r, today))
                .map(|(start, _)| start.year());
            let (unit, times) = match ranges {
                [RangeSpec::Relative(r)] => (r.strip_prefix("last ").map(str::to_owned), 1),
                [RangeSpec::Absolute(a, b)]
                    if a.ordinal() == 1
                        && b.year() == a.year()
                        && b.month() == 12
                        && b.day() == 31
                        && current_year.is_some_and(|y| (1..=5).contains(&(y - a.year()))) =>
                {
                    let years = current_year.map_or(1, |y| y - a.year());
                    (Some("year".to_owned()), u32::try_from(years).unwrap_or(1))
                }
                _ => (None, 1),
            };
            // "the same days last month": the current range a month back.
            let unit = unit.filter(|u| {
                (same && matches!(u.as_str(), "year" | "quarter" | "month" | "week")) || before
            });
            if let Some(unit) = unit {
                earlier = RangeSpec::from_date_range(current)
                    .and_then(|r| moved_back(r, (&unit, times), today));
            }
        }
    }
    match earlier {
        Some(r) => list.push(r.to_date_range()),
        None => list.extend(ranges.iter().map(|r| r.to_date_range())),
    }
    list
}

/// The time part of a follow-up, applied to the query being edited.
impl Draft {
    /// "Swap the measure to sign-ups over the same window": the range moves
    /// to the date of the new measures' own cube when none of them is dated
    /// by the one shown (sign-ups by their sign-up day, not an order date).
    pub(super) fn date_measures_by_their_own(&mut self, parser: &OfflineParser<'_>) {
        let members = parser.catalog().members();
        let Some(t) = self.time.as_mut() else { return };
        let Some(shown) = members.iter().find(|m| m.name == t.dimension) else {
            return;
        };
        if self
            .measures
            .iter()
            .any(|&m| members[m].owner == shown.owner)
        {
            return;
        }
        let own = self
            .measures
            .first()
            .and_then(|&m| pick_owner_time(parser.catalog(), &members[m].owner));
        if let Some(own) = own {
            t.dimension = parser.name(own).to_owned();
        }
    }

    /// Time: "and the month before?" shifts the range; a granularity, a
    /// trend, one range (replacing the one shown) or two (compared).
    /// Fails when time is asked for and the query has no time dimension.
    pub(super) fn edit_time(
        &mut self,
        parser: &OfflineParser<'_>,
        a: &Analysis,
        r: &Resolved,
        dates_removed: bool,
        text: &str,
        today: NaiveDate,
    ) -> Result<(), LlmError> {
        let catalog = parser.catalog();
        // "and the month before?", "what about the year before": the range
        // asked shifted back.
        let shifted = edits::period_back(a)
            .zip(
                self.time
                    .as_ref()
                    .and_then(|t| t.date_range.as_ref())
                    .and_then(RangeSpec::from_date_range),
            )
            .and_then(|(back, current)| moved_back(current, back, today));
        let shifted = shifted.filter(|_| !a.compare);
        if let (Some(range), Some(t)) = (&shifted, self.time.as_mut()) {
            t.date_range = Some(range.to_date_range());
            t.compare_date_range = None;
            self.changed = true;
        }
        let ranges = if shifted.is_some() {
            Vec::new()
        } else {
            a.ranges()
        };
        // "a year earlier" moves the range; it asks for no yearly series.
        let granularity = a.granularity().filter(|_| shifted.is_none());
        let trend = a.wants_trend();
        let wants_time = !dates_removed
            && (!ranges.is_empty() || granularity.is_some() || trend || r.time_group.is_some());
        if !wants_time {
            return Ok(());
        }
        if let Some(td) = r.time_group {
            let dimension = parser.name(td).to_owned();
            match &mut self.time {
                Some(t) => t.dimension = dimension,
                None => self.time = Some(time_dimension(dimension)),
            }
        }
        let t = match self.time {
            Some(ref mut t) => t,
            None => {
                let td = pick_time(catalog, parser.joins(), &r.resolution, &self.measures).or_else(
                    || {
                        self.measures
                            .first()
                            .and_then(|&m| pick_owner_time(catalog, &catalog.members()[m].owner))
                    },
                );
                match td {
                    Some(td) => self.time.insert(time_dimension(parser.name(td).to_owned())),
                    None => {
                        return Err(parser
                            .not_understood(&[text.to_owned()], "the query has no time dimension"))
                    }
                }
            }
        };
        if let Some(g) = granularity.or(r.time_group.map(|_| "day")) {
            t.granularity = parse_granularity(g);
        } else if trend && t.granularity.is_none() {
            let range = ranges.first().copied();
            t.granularity = parse_granularity(build::trend_granularity(range));
        }
        // "put last year next to it": the period beside the one shown.
        let beside_shown = edits::beside(a) && t.date_range.is_some();
        let compare = (a.compare || beside_shown) && ranges.len() == 1;
        if ranges.len() >= 2 || compare {
            let list = compared_ranges(a, &ranges, t.date_range.as_ref(), compare, today);
            t.date_range = None;
            t.compare_date_range = Some(list);
        } else if let Some(range) = ranges.first() {
            // "same for the month before": the month before the one asked;
            // "what did those look like in the same quarter last year": the
            // one asked, a year earlier.
            // "same day last week?" after today: that day a week earlier.
            // Not "same for all of last year": "same" names the period.
            let same_period = a.tokens.windows(4).find_map(|w| {
                let names_period = super::calendar::unit(&w[1].text).is_some()
                    || matches!(w[1].text.as_str(), "period" | "time" | "dates" | "stretch");
                let back = match w[3].text.as_str() {
                    "year" => Some("year"),
                    "quarter" => Some("quarter"),
                    "month" => Some("month"),
                    "week" => Some("week"),
                    _ => None,
                };
                back.filter(|_| w[0].text == "same" && names_period && w[2].text == "last")
            });
            let unit_back = same_period.filter(
                |unit| matches!(range, RangeSpec::Relative(r) if *r == format!("last {unit}")),
            );
            let earlier = edits::period_back(a)
                .or(unit_back.map(|unit| (unit, 1)))
                .zip(t.date_range.as_ref().and_then(RangeSpec::from_date_range))
                .and_then(|(back, current)| moved_back(current, back, today));
            t.compare_date_range = None;
            t.date_range = Some(earlier.as_ref().unwrap_or(range).to_date_range());
        }
        self.changed = true;
        Ok(())
    }
}

/// The first time dimension of `owner`.
fn pick_owner_time(catalog: &Catalog, owner: &str) -> Option<usize> {
    catalog
        .members()
        .iter()
        .position(|m| m.owner == owner && m.is_time())
}

/// A time dimension with no granularity or range yet.
fn time_dimension(dimension: String) -> TimeDimensionSpec {
    TimeDimensionSpec {
        dimension,
        granularity: None,
        date_range: None,
        compare_date_range: None,
    }
}
