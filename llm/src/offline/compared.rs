//! How the periods a question names relate to each other: "YoY" and "MoM"
//! compare with the period before, "the same period last year" is the first
//! period a year back, a year typed after compared periods is theirs
//! ("march vs april orders 2026"), and the days a range covers.

use chrono::{Datelike, Duration, NaiveDate};

use super::calendar::year;
use super::time::{period_start, relative, RangeSpec, TimeFinding, TimeKind};

/// "revenue YoY", "orders MoM": the current period against the one before
/// (with a range already named, that range against the same range a period
/// earlier; with a range of several such periods, the range period by
/// period).
pub(super) fn period_over_period(t: &[&str], found: &mut Vec<TimeFinding>) {
    let Some((at, unit)) = t.iter().enumerate().find_map(|(i, w)| {
        let unit = match *w {
            "yoy" => "year",
            "qoq" => "quarter",
            "mom" => "month",
            "wow" => "week",
            _ => return None,
        };
        Some((i, unit))
    }) else {
        return;
    };
    if found.iter().any(|f| (f.start..f.end).contains(&at)) {
        return;
    }
    let ranges: Vec<&RangeSpec> = found
        .iter()
        .filter_map(|f| match &f.kind {
            TimeKind::Range(r) => Some(r),
            _ => None,
        })
        .collect();
    // "orders MoM this year": a range of several such periods is read
    // period by period, a series, not one range against another.
    let unit_days = match unit {
        "year" => 365,
        "quarter" => 91,
        "month" => 30,
        _ => 7,
    };
    if let [range] = ranges.as_slice() {
        if range.approx_days() >= 2 * unit_days {
            found.push(TimeFinding {
                start: at,
                end: at + 1,
                kind: TimeKind::Granularity(unit),
            });
            return;
        }
    }
    let earlier = match ranges.as_slice() {
        [] => {
            found.push(TimeFinding {
                start: at,
                end: at,
                kind: relative("this", unit),
            });
            relative("last", unit)
        }
        [RangeSpec::Absolute(a, b)] => {
            let months = match unit {
                "year" => 12,
                "quarter" => 3,
                "month" => 1,
                _ => 0,
            };
            let back = |d: NaiveDate| {
                if months > 0 {
                    d.checked_sub_months(chrono::Months::new(months))
                } else {
                    d.checked_sub_signed(chrono::Duration::days(7))
                }
            };
            match (back(*a), back(*b)) {
                (Some(a), Some(b)) => TimeKind::Range(RangeSpec::Absolute(a, b)),
                _ => return,
            }
        }
        [RangeSpec::Relative(r)] if r.starts_with("this ") => {
            relative("last", r.trim_start_matches("this "))
        }
        // "QoQ check: sales Q3 2020 vs Q4 2020": the periods are named; the
        // word only says they are compared (the first range, restated, is
        // one range with it).
        [first, _, ..] => TimeKind::Range((*first).clone()),
        _ => return,
    };
    found.push(TimeFinding {
        start: at,
        end: at + 1,
        kind: earlier,
    });
}

/// "YTD vs the same period last year", "this quarter against the same time
/// a year ago", "month-to-date vs the same days last month": the earlier
/// range is the first one moved back a year (a quarter, a month), not the
/// whole of last year.
pub(super) fn same_period_a_year_earlier(t: &[&str], found: &mut [TimeFinding], today: NaiveDate) {
    for k in 1..found.len() {
        // The period named last before it ("YTD vs the same period last
        // year", whatever came earlier in the question).
        let Some(first) = found[..k].iter().rev().find_map(|f| match &f.kind {
            TimeKind::Range(r) => days_of(r, today),
            _ => None,
        }) else {
            continue;
        };
        let f = &mut found[k];
        let months_back = match &f.kind {
            TimeKind::Range(RangeSpec::Relative(r)) => match r.as_str() {
                "last year" => 12,
                "last quarter" => 3,
                "last month" => 1,
                _ => continue,
            },
            // "June 1 to date vs the same dates in 2025": a whole earlier
            // year named.
            TimeKind::Range(RangeSpec::Absolute(a, b))
                if a.ordinal() == 1 && b.month() == 12 && b.day() == 31 && a.year() == b.year() =>
            {
                match u32::try_from(first.0.year() - a.year()) {
                    Ok(years) if years > 0 => years * 12,
                    _ => continue,
                }
            }
            _ => continue,
        };
        let back = |d: NaiveDate| d.checked_sub_months(chrono::Months::new(months_back));
        let opening = (f.start.saturating_sub(3)..=f.start).find(|&k| t[k] == "same");
        let Some(start) = opening else {
            continue;
        };
        let between_ok = t[start + 1..f.start.max(start + 1)].iter().all(|w| {
            matches!(
                *w,
                "period"
                    | "time"
                    | "stretch"
                    | "window"
                    | "range"
                    | "days"
                    | "dates"
                    | "as"
                    | "of"
                    | "in"
                    | "day"
                    | "week"
                    | "month"
            )
        });
        if let (true, Some(a), Some(b)) = (between_ok, back(first.0), back(first.1)) {
            f.kind = TimeKind::Range(RangeSpec::Absolute(a, b));
            f.start = start;
        }
    }
}

/// "march vs april orders 2026": a year typed after the compared periods is
/// their year, not a third period.
pub(super) fn year_of_compared_periods(t: &[&str], found: &mut Vec<TimeFinding>, today: NaiveDate) {
    let Some(last) = found.last() else { return };
    if found.len() < 3 {
        return;
    }
    // "... 2026", or "... of this year" / "of last year".
    let named_year = (last.end == last.start + 1)
        .then(|| year(t[last.start]))
        .flatten();
    // "Q2 of last year": only right after the last period, whose phrase then
    // takes in "of last year" (so "last" is read as nothing else).
    let adjacent = found.len() >= 2 && found[found.len() - 2].end + 1 == last.start;
    let relative_year = if adjacent && last.start > 0 && t[last.start - 1] == "of" {
        relative_year(&last.kind, today)
    } else {
        None
    };
    let Some(y) = named_year.or(relative_year) else {
        return;
    };
    let earlier = &found[..found.len() - 1];
    let within_a_year = earlier.iter().all(
        |f| matches!(&f.kind, TimeKind::Range(RangeSpec::Absolute(a, b)) if a.year() == b.year()),
    );
    if !within_a_year {
        return;
    }
    let in_year = |f: &TimeFinding| match &f.kind {
        TimeKind::Range(RangeSpec::Absolute(a, b)) => Some((a.with_year(y)?, b.with_year(y)?)),
        _ => None,
    };
    // "Q1 vs Q4 of last year", "January vs December 2025": a period right
    // after the year's last one is compared with the period before it; it
    // stays where it is.
    let follows_the_last = |f: &TimeFinding| {
        let last_end = earlier.last().and_then(in_year).map(|(_, b)| b);
        matches!(&f.kind, TimeKind::Range(RangeSpec::Absolute(a, _))
            if last_end.and_then(|e| e.succ_opt()) == Some(*a))
    };
    let moved: Option<Vec<TimeKind>> = earlier
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if i == 0 && earlier.len() == 2 && follows_the_last(f) {
                return Some(f.kind.clone());
            }
            in_year(f).map(|(a, b)| TimeKind::Range(RangeSpec::Absolute(a, b)))
        })
        .collect();
    // "May vs May of last year": one year for both would compare a month
    // with itself; the year is the last period's alone.
    let repeats = |moved: &[TimeKind]| {
        moved
            .iter()
            .enumerate()
            .any(|(i, k)| moved[..i].contains(k))
    };
    if let Some(moved) = moved.filter(|m| !repeats(m)) {
        let year_end = found.pop().map(|f| f.end);
        for (f, kind) in found.iter_mut().zip(moved) {
            f.kind = kind;
        }
        if let (Some(end), Some(prev), true) = (year_end, found.last_mut(), relative_year.is_some())
        {
            prev.end = end;
        }
    }
}

/// The year "this year" or "last year" names.
fn relative_year(kind: &TimeKind, today: NaiveDate) -> Option<i32> {
    match kind {
        TimeKind::Range(RangeSpec::Relative(r)) if r == "this year" => Some(today.year()),
        TimeKind::Range(RangeSpec::Relative(r)) if r == "last year" => today.year().checked_sub(1),
        _ => None,
    }
}

/// "the first quarter of last year", "since October of last year", "Q1
/// this year compared with Q1 last year": a period typed without a year,
/// right before "(of) this year" or "(of) last year", is in that year; the
/// year phrase is part of it, not a period of its own.
pub(super) fn period_of_a_relative_year(
    t: &[&str],
    found: &mut Vec<TimeFinding>,
    today: NaiveDate,
) {
    let mut k = 1;
    while k < found.len() {
        let (a, b) = (&found[k - 1], &found[k]);
        let target = relative_year(&b.kind, today);
        let adjacent = a.end == b.start
            || (a.end + 1 == b.start && matches!(t.get(a.end).copied(), Some("of" | "in")));
        let typed_year = t[a.start..a.end.min(t.len())]
            .iter()
            .any(|w| year(w).is_some());
        let moved = match (&a.kind, target) {
            (TimeKind::Range(RangeSpec::Absolute(from, to)), Some(y))
                if adjacent && !typed_year =>
            {
                if *to == today && (from.year() != to.year() || t[a.start] == "since") {
                    // An open range: only its start moves.
                    from.with_year(y).map(|f| (f, today))
                } else if from.year() == to.year() {
                    from.with_year(y).zip(to.with_year(y))
                } else {
                    None
                }
            }
            _ => None,
        };
        match moved {
            Some((from, to)) if from <= to => {
                let end = found[k].end;
                let first = &mut found[k - 1];
                first.kind = TimeKind::Range(RangeSpec::Absolute(from, to));
                first.end = end;
                found.remove(k);
            }
            _ => k += 1,
        }
    }
}

/// The first and last day of a range on `today`: absolute ranges, "today",
/// "yesterday", and "this" or "last" of a calendar unit.
pub(super) fn days_of(r: &RangeSpec, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    match r {
        RangeSpec::Absolute(a, b) => Some((*a, *b)),
        RangeSpec::Relative(s) => {
            let words: Vec<&str> = s.split_whitespace().collect();
            match words.as_slice() {
                ["today"] => Some((today, today)),
                ["yesterday"] => {
                    let d = today.checked_sub_signed(Duration::days(1))?;
                    Some((d, d))
                }
                [which @ ("this" | "last"), u] => {
                    let back = i32::from(*which == "last");
                    let start = period_start(today, u, back)?;
                    let next = period_start(today, u, back - 1)?;
                    Some((start, next.checked_sub_signed(Duration::days(1))?))
                }
                // "last 6 months": the six whole months before this one;
                // "last 30 days" end yesterday.
                ["last", n, u] => {
                    let n: i32 = n.parse().ok().filter(|n| *n > 0)?;
                    let u = super::calendar::unit(u)?;
                    let start = period_start(today, u, n)?;
                    let current = period_start(today, u, 0)?;
                    Some((start, current.checked_sub_signed(Duration::days(1))?))
                }
                _ => None,
            }
        }
    }
}
