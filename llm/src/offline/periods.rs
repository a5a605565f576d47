//! Calendar phrases beyond single periods, read before [`super::time`]'s:
//!
//! * halves ("H1 2025", "the second half of 2024") and ISO week numbers
//!   ("week 12 of 2025", "W12");
//! * lists and spans of periods sharing a year: "January and February 2025"
//!   is one range (two when the question compares, or when they are not
//!   adjacent), "January to March 2025" is always one range;
//! * "so far this year", "the last 3 full months" (the current partial
//!   period left out), "starting March 2025" (to today), and "the month
//!   before" a period already named.

use chrono::{Datelike, Duration, NaiveDate};

use super::calendar::{self, ymd};
use super::named_periods::{
    day_number, day_of_month, half_or_week, period, relative_year, week_of_day, year_at,
    year_first, Calendar, Period,
};
use super::text::number_word;
use super::time::{self, RangeSpec, TimeFinding, TimeKind};

/// Words that may open a period phrase ("in H1", "during the first half").
fn lead_in(t: &[&str], i: usize) -> usize {
    let mut k = i;
    if matches!(
        t.get(k).copied(),
        Some("in" | "during" | "for" | "of" | "on" | "throughout")
    ) {
        k += 1;
    }
    if t.get(k).copied() == Some("the") {
        k += 1;
    }
    k - i
}

fn range(a: NaiveDate, b: NaiveDate) -> TimeKind {
    TimeKind::Range(RangeSpec::Absolute(a, b))
}

/// The phrase at `i`, as findings (several for a list of compared periods);
/// `earlier` are the findings before it, `compare` whether the question
/// compares.
pub fn at(
    t: &[&str],
    i: usize,
    today: NaiveDate,
    earlier: &[TimeFinding],
    compare: bool,
) -> Option<Vec<TimeFinding>> {
    let one = |len: usize, kind: TimeKind| {
        Some(vec![TimeFinding {
            start: i,
            end: i + len,
            kind,
        }])
    };
    if let Some((len, kind)) = so_far(t, i, today)
        .or_else(|| full_periods(t, i, today))
        .or_else(|| first_of_year(t, i, today))
    {
        return one(len, kind);
    }
    if let Some((len, kind)) = period_before(t, i, today, earlier) {
        return one(len, kind);
    }
    if let Some((len, kind)) = open_range(t, i, today) {
        return one(len, kind);
    }
    if let Some((len, kind)) = days_of_one_month(t, i, today) {
        return one(len, kind);
    }
    list(t, i, today, compare, earlier)
}

/// "2nd to 15th June", "from the 3rd to the 9th of May 2025": a span of
/// days whose month is named once, at its end.
fn days_of_one_month(t: &[&str], i: usize, today: NaiveDate) -> Option<(usize, TimeKind)> {
    let mut k = i;
    if matches!(t.get(k).copied(), Some("from" | "between")) {
        k += 1;
    }
    k += usize::from(t.get(k).copied() == Some("the"));
    let first = day_number(t.get(k)?)?;
    let ordinal = |w: &str| w.ends_with(|c: char| c.is_ascii_alphabetic());
    // "3rd-9th March": the dash between two ordinals.
    let dashed = ordinal(t.get(k)?)
        && t.get(k + 1)
            .is_some_and(|w| ordinal(w) && day_number(w).is_some());
    if !dashed
        && !matches!(
            t.get(k + 1).copied(),
            Some("to" | "until" | "till" | "through" | "thru" | "and")
        )
    {
        return None;
    }
    let mut j = if dashed { k + 1 } else { k + 2 };
    j += usize::from(t.get(j).copied() == Some("the"));
    let (last, used) = day_of_month(t, j, today)?;
    let start = ymd(last.start.year(), last.start.month(), first)?;
    (start <= last.start).then_some((j + used - i, range(start, last.end)))
}

/// "so far this year", "this month so far", "the month so far", "this year
/// until now", "this quarter to date": to today.
fn so_far(t: &[&str], i: usize, today: NaiveDate) -> Option<(usize, TimeKind)> {
    let w: Vec<&str> = (0..5)
        .map(|k| t.get(i + k).copied().unwrap_or(""))
        .collect();
    match w.as_slice() {
        ["this" | "current", u, "up", "to" | "until" | "till", "now"] => {
            Some((5, time::to_date(today, calendar::unit(u)?)?))
        }
        ["so", "far", "this", u, ..]
        | ["this" | "current", u, "so", "far", ..]
        // "zoom out to the month so far".
        | ["the", u, "so", "far", ..]
        | ["this" | "current", u, "until" | "till" | "til", "now", ..]
        | ["this" | "current", u, "to", "date", ..] => {
            Some((4, time::to_date(today, calendar::unit(u)?)?))
        }
        // "2026 so far", "2026 YTD": the current year to today.
        [y, "so", "far", ..] if y.parse::<i32>().ok() == Some(today.year()) => {
            Some((3, time::to_date(today, calendar::unit("year")?)?))
        }
        [y, "ytd", ..] if y.parse::<i32>().ok() == Some(today.year()) => {
            Some((2, time::to_date(today, calendar::unit("year")?)?))
        }
        _ => None,
    }
}

/// "the first five months of this year", "first 10 weeks of 2025": from
/// the year's start; "the first two weeks of April", "first week of June":
/// from the month's (or quarter's) start, within it. "The last seven days
/// of May", "the final two weeks of 2025": up to the period's end (only
/// with "of": "the last 7 days" alone is relative to today).
fn first_of_year(t: &[&str], i: usize, today: NaiveDate) -> Option<(usize, TimeKind)> {
    let mut k = i + usize::from(t.get(i).copied() == Some("the"));
    let from_end = match t.get(k).copied() {
        Some("first") => false,
        Some("last" | "final") => true,
        // "the first five months of 2026 … the same five months of 2025":
        // the span named before, in another year.
        Some("same") => {
            let span = t.get(k + 1..k + 3)?;
            let named = t[..k]
                .windows(3)
                .rev()
                .find(|w| w[1..] == *span && matches!(w[0], "first" | "last" | "final"))?;
            named[0] != "first"
        }
        _ => return None,
    };
    k += 1;
    let n = match t.get(k).copied().and_then(number_word) {
        Some(n) => {
            k += 1;
            n
        }
        None => 1,
    };
    let u = calendar::unit(t.get(k)?)?;
    if n == 0 || !matches!(u, "day" | "week" | "month") {
        return None;
    }
    if from_end && t.get(k + 1).copied() != Some("of") {
        return None;
    }
    let year = year_at(t, k + 1).or_else(|| relative_year(t, k + 1, today));
    let (start, last, within, used) = match year {
        Some((y, used)) => (ymd(y, 1, 1)?, ymd(y, 12, 31)?, false, used),
        None => {
            if t.get(k + 1).copied() != Some("of") {
                return None;
            }
            let (p, used) = period(t, k + 2, today)?;
            let fits = match p.calendar {
                Calendar::Month(_) => u != "month",
                Calendar::Quarter(_) => true,
                _ => false,
            };
            if !fits {
                return None;
            }
            (p.start, p.end, true, used + 1)
        }
    };
    let span = |from: NaiveDate, forward: bool| -> Option<NaiveDate> {
        let days = |d: i64| {
            if forward {
                from.checked_add_signed(Duration::days(d))
            } else {
                from.checked_sub_signed(Duration::days(d))
            }
        };
        match u {
            "month" if forward => from
                .checked_add_months(chrono::Months::new(n))?
                .checked_sub_signed(Duration::days(1)),
            "month" => from
                .checked_sub_months(chrono::Months::new(n))?
                .checked_add_signed(Duration::days(1)),
            "week" => days(i64::from(n) * 7 - 1),
            _ => days(i64::from(n) - 1),
        }
    };
    let (start, end) = if from_end {
        (span(last, false)?.max(start), last)
    } else {
        let end = span(start, true)?;
        (start, if within { end.min(last) } else { end })
    };
    Some((k + 1 + used - i, range(start, end)))
}

/// "the last 3 full months", "past two complete weeks", "last full quarter":
/// whole periods before the current one.
fn full_periods(t: &[&str], i: usize, today: NaiveDate) -> Option<(usize, TimeKind)> {
    let mut k = i + usize::from(t.get(i).copied() == Some("the"));
    if !matches!(
        t.get(k).copied(),
        Some("last" | "past" | "previous" | "prior")
    ) {
        return None;
    }
    k += 1;
    let n = match t.get(k).copied().and_then(number_word) {
        Some(n) => {
            k += 1;
            n
        }
        None => 1,
    };
    if !matches!(
        t.get(k).copied(),
        Some("full" | "complete" | "completed" | "whole" | "calendar")
    ) {
        return None;
    }
    let u = calendar::unit(t.get(k + 1)?)?;
    if !matches!(u, "week" | "month" | "quarter" | "year") || n == 0 {
        return None;
    }
    let current = time::period_start(today, u, 0)?;
    let start = time::period_start(today, u, i32::try_from(n).ok()?)?;
    let end = current.checked_sub_signed(Duration::days(1))?;
    Some((k + 2 - i, range(start, end)))
}

/// "the month before" (the one before the period named earlier), "the
/// previous quarter" after a named period, "the month before last".
fn period_before(
    t: &[&str],
    i: usize,
    today: NaiveDate,
    earlier: &[TimeFinding],
) -> Option<(usize, TimeKind)> {
    let k = i + usize::from(t.get(i).copied() == Some("the"));
    let w0 = t.get(k).copied().unwrap_or("");
    let w1 = t.get(k + 1).copied().unwrap_or("");
    let w2 = t.get(k + 2).copied().unwrap_or("");
    let anchor = earlier.iter().rev().find_map(|f| match &f.kind {
        TimeKind::Range(RangeSpec::Absolute(a, _)) => Some(*a),
        // "last month vs the month before": the start of last month.
        TimeKind::Range(RangeSpec::Relative(r)) => {
            match r.split_whitespace().collect::<Vec<_>>()[..] {
                ["last", u] => time::period_start(today, calendar::unit(u)?, 1),
                ["this", u] => time::period_start(today, calendar::unit(u)?, 0),
                _ => None,
            }
        }
        _ => None,
    });
    // "this quarter vs last": "last" alone is the period before this one.
    let alone = calendar::unit(w1).is_none() && number_word(w1).is_none();
    let compared = |j: usize| j < i && super::compare_words::is_compare_word(t[j]);
    let after_compare = i.checked_sub(1).is_some_and(|j| {
        compared(j) || (matches!(t[j], "to" | "with") && j > 0 && compared(j - 1))
    });
    if matches!(w0, "last" | "previous" | "prior") && alone && k == i && after_compare {
        let this_unit = earlier.iter().rev().find_map(|f| match &f.kind {
            TimeKind::Range(RangeSpec::Relative(r)) => r.strip_prefix("this ").map(str::to_owned),
            _ => None,
        });
        if let Some(u) = this_unit.as_deref().and_then(calendar::unit) {
            return Some((1, TimeKind::Range(RangeSpec::Relative(format!("last {u}")))));
        }
    }
    // "sign-ups last 30 days vs the 30 days before": as many days, ending
    // the day before the earlier span starts.
    if let (Some(n), Some(u), "before") = (number_word(w0), calendar::unit(w1), w2) {
        let days = match u {
            "day" => i64::from(n),
            "week" => 7 * i64::from(n),
            _ => return None,
        };
        let starts = earlier.iter().rev().find_map(|f| match &f.kind {
            TimeKind::Range(RangeSpec::Absolute(a, _)) => Some(*a),
            TimeKind::Range(RangeSpec::Relative(r)) => {
                match r.split_whitespace().collect::<Vec<_>>()[..] {
                    ["last", n, "days"] => {
                        today.checked_sub_signed(Duration::days(n.parse::<i64>().ok()?))
                    }
                    ["last", n, "weeks"] => {
                        today.checked_sub_signed(Duration::days(7 * n.parse::<i64>().ok()?))
                    }
                    _ => None,
                }
            }
            _ => None,
        })?;
        let start = starts.checked_sub_signed(Duration::days(days))?;
        return Some((k + 3 - i, range(start, starts.pred_opt()?)));
    }
    let (u, len) = match (calendar::unit(w0), w1, w2) {
        (Some(u), "before", "last") if !w0.ends_with('s') => {
            let start = time::period_start(today, u, 2)?;
            let next = time::period_start(today, u, 1)?;
            return Some((k + 3 - i, range(start, next.pred_opt()?)));
        }
        (Some(u), "before", _) if !w0.ends_with('s') => (u, k + 2 - i),
        _ if matches!(w0, "previous" | "prior" | "preceding") && t.get(i) == Some(&"the") => (
            calendar::unit(w1).filter(|_| !w1.ends_with('s'))?,
            k + 2 - i,
        ),
        _ => return None,
    };
    let anchor = anchor?;
    let start = time::period_start(anchor, u, 1)?;
    Some((len, range(start, anchor.pred_opt()?)))
}

/// "starting March 2025", "from March 2025 on", "beginning in Q2": from the
/// period's start to today.
fn open_range(t: &[&str], i: usize, today: NaiveDate) -> Option<(usize, TimeKind)> {
    let w = *t.get(i)?;
    // "since the 1st": that day of this month (of the last one, before it
    // has come).
    if w == "since" && t.get(i + 1).copied() == Some("the") {
        let day = t
            .get(i + 2)
            .filter(|d| d.ends_with(|c: char| c.is_ascii_alphabetic()))
            .and_then(|d| day_number(d));
        let month_named = t.get(i + 3).is_some_and(|m| calendar::month(m).is_some())
            || t.get(i + 3).copied() == Some("of");
        if let Some(d) = day.filter(|_| !month_named) {
            let this_month = ymd(today.year(), today.month(), d).filter(|s| *s <= today);
            let start = this_month.or_else(|| {
                let first = ymd(today.year(), today.month(), 1)?;
                let before = first.pred_opt()?;
                ymd(before.year(), before.month(), d)
            })?;
            return Some((3, range(start, today)));
        }
    }
    let (k, needs_on) = match w {
        "starting" | "beginning" => {
            let skip = usize::from(matches!(
                t.get(i + 1).copied(),
                Some("from" | "in" | "with")
            ));
            (i + 1 + skip, false)
        }
        "from" => (i + 1, true),
        // "since 1 May", "since wk 10": days and weeks (months, years and
        // "since last October" are time.rs's).
        "since"
            if half_or_week(t, i + 1, today).is_some()
                || day_of_month(t, i + 1, today).is_some() =>
        {
            (i + 1, false)
        }
        // "since the 3rd of March".
        "since"
            if t.get(i + 1).copied() == Some("the") && day_of_month(t, i + 2, today).is_some() =>
        {
            (i + 2, false)
        }
        _ => return None,
    };
    let (p, used) = period(t, k, today)?;
    let mut end = k + used;
    if needs_on {
        // "from March on"; "from 1 Feb till today", "from May to date".
        let until_now = matches!(
            t.get(end).copied(),
            Some("to" | "until" | "till" | "til" | "through" | "thru")
        ) && matches!(t.get(end + 1).copied(), Some("today" | "now" | "date"));
        if until_now {
            end += 1;
        } else if !matches!(t.get(end).copied(), Some("on" | "onward" | "onwards")) {
            return None;
        }
        end += 1;
    }
    Some((end - i, range(p.start, today)))
}

/// "January and February 2025", "Q1 vs Q2 2024", "January to March 2025":
/// periods sharing the year named last.
fn list(
    t: &[&str],
    i: usize,
    today: NaiveDate,
    compare: bool,
    earlier: &[TimeFinding],
) -> Option<Vec<TimeFinding>> {
    // "between A and B", "from A to B": a span whatever joins them; but
    // "compare between April and May" and "how much did it change from
    // March to April" name two periods.
    let compared = super::compare_words::compares_periods_from(t, i);
    let between = matches!(t.get(i).copied(), Some("between" | "from")) && !compared;
    let k = if between { i + 1 } else { i + lead_in(t, i) };
    let (first, used) = period(t, k, today)?;
    // Each item: where it starts and ends, its period, and whether it is a
    // span ("January to March 2025", "Jan-Mar").
    let mut items = vec![(i, k + used, first, false)];
    let mut j = k + used;
    loop {
        let sep = t.get(j).copied().unwrap_or("");
        let last_is_span = items.last().is_some_and(|item| item.3);
        let spans = !compared
            && (matches!(sep, "to" | "until" | "through" | "thru" | "till")
                || (between && sep == "and" && items.len() == 1));
        let joins = !spans
            && (matches!(sep, "and" | "&" | "or" | "vs" | "against")
                || (compared && matches!(sep, "to" | "into")));
        // "Jan-Mar 2025": a month right after a month (the dash is gone).
        let dashed = !spans
            && !joins
            && !last_is_span
            && items
                .last()
                .is_some_and(|item| matches!(item.2.calendar, Calendar::Month(_)))
            && calendar::month(sep).is_some();
        // "Q1, Q2 and Q3 of 2020": quarters or halves one after another (the
        // commas are gone) are items of the list.
        let listed = !spans
            && !joins
            && !dashed
            && items.last().is_some_and(|item| {
                matches!(item.2.calendar, Calendar::Quarter(_) | Calendar::Half(_))
                    && period(t, j, today).is_some_and(|(p, _)| {
                        std::mem::discriminant(&p.calendar)
                            == std::mem::discriminant(&item.2.calendar)
                    })
            });
        if !(joins || spans || dashed || listed) {
            break;
        }
        let joins = joins || listed;
        let start = if dashed || listed {
            j
        } else {
            j + 1 + lead_in(t, j + 1)
        };
        let Some((p, used)) = period(t, start, today) else {
            break;
        };
        let item_start = if listed { j } else { j + 1 };
        j = start + used;
        if joins {
            items.push((item_start, j, p, false));
            continue;
        }
        let Some(last) = items.last_mut() else { break };
        let from = if !last.2.has_year && p.has_year {
            last.2.in_year(p.start.year())?
        } else {
            last.2
        };
        last.1 = j;
        last.2 = Period {
            start: from.start,
            end: p.end,
            has_year: p.has_year || from.has_year,
            calendar: Calendar::Other,
        };
        last.3 = true;
    }
    if let [(s, e, p, true)] = items.as_slice() {
        return Some(vec![TimeFinding {
            start: *s,
            end: *e,
            kind: range(p.start, p.end),
        }]);
    }
    if items.len() < 2 {
        // A single half, week or day; single months and quarters are
        // time.rs's.
        let only = year_first(t, k, today)
            .or_else(|| week_of_day(t, k, today))
            .or_else(|| {
                half_or_week(t, k, today)
                    .map(|(p, used)| (year_of(p, earlier, compare, today), used))
            })
            .or_else(|| day_of_month(t, k, today))
            .map(|(p, used)| (k + used, p));
        return only.map(|(end, p)| {
            vec![TimeFinding {
                start: i,
                end,
                kind: range(p.start, p.end),
            }]
        });
    }
    // Periods without a year take the year of the next one that has one;
    // not the same period named again ("May vs May last year" compares
    // this May with last year's).
    let mut year = None;
    let mut next_calendar = None;
    for (_, _, p, _) in items.iter_mut().rev() {
        match (p.has_year, year) {
            (true, _) => year = Some(p.start.year()),
            (false, Some(_)) if next_calendar == Some(p.calendar) => {}
            (false, Some(y)) => *p = p.in_year(y)?,
            (false, None) => {}
        }
        next_calendar = Some(p.calendar);
    }
    // "H1 2020 against H2": a period after one with a year, and none after
    // it with one, shares that year, unless that puts it in the future
    // ("Q1 2026 vs Q4" is last year's Q4).
    let mut year = None;
    for (_, _, p, _) in items.iter_mut() {
        match (p.has_year, year) {
            (true, _) => year = Some(p.start.year()),
            (false, Some(y)) => {
                if let Some(shared) = p.in_year(y).filter(|q| q.start <= today) {
                    *p = shared;
                }
            }
            (false, None) => {}
        }
    }
    let periods: Vec<Period> = items.iter().map(|(_, _, p, _)| *p).collect();
    let adjacent = periods
        .windows(2)
        .all(|w| w[0].end.succ_opt() == Some(w[1].start));
    let same_year = periods
        .iter()
        .all(|p| p.calendar != Calendar::Year && p.start.year() == periods[0].start.year());
    let end_of_list = items.last().map(|(_, e, _, _)| *e)?;
    if !compare && !compared && adjacent && same_year {
        let start = periods.iter().map(|p| p.start).min()?;
        let end = periods.iter().map(|p| p.end).max()?;
        return Some(vec![TimeFinding {
            start: i,
            end: end_of_list,
            kind: range(start, end),
        }]);
    }
    Some(
        items
            .into_iter()
            .map(|(s, e, p, _)| TimeFinding {
                start: s,
                end: e,
                kind: range(p.start, p.end),
            })
            .collect(),
    )
}

/// "Was the second half of 2020 more profitable than the first half?": a
/// half or week named without a year, in a comparison, takes the year of
/// the dated period before it (see [`time::year_to_share`]).
fn year_of(p: Period, earlier: &[TimeFinding], compare: bool, today: NaiveDate) -> Period {
    if p.has_year || !compare {
        return p;
    }
    time::year_to_share(earlier)
        .and_then(|y| p.in_year(y))
        .filter(|q| time::may_share_year(q.start, q.end, earlier, today))
        .unwrap_or(p)
}

/// "the two weeks before Christmas", "10 days leading up to Black Friday":
/// the days up to the day before the point named, with the tokens used.
pub(super) fn span_before_point(
    t: &[&str],
    i: usize,
    today: NaiveDate,
) -> Option<(usize, TimeKind)> {
    let k = i + usize::from(t.get(i).copied() == Some("the"));
    let n = number_word(t.get(k)?)?;
    let days = match calendar::unit(t.get(k + 1)?)? {
        "day" => i64::from(n),
        "week" => i64::from(n) * 7,
        _ => return None,
    };
    let at = match (t.get(k + 2).copied()?, t.get(k + 3).copied()) {
        ("before" | "preceding", _) => k + 3,
        ("leading", Some("up")) if t.get(k + 4).copied() == Some("to") => k + 5,
        _ => return None,
    };
    let at = at + usize::from(t.get(at).copied() == Some("the"));
    let (p, used) = super::points::point(t, at, today).filter(|(p, _)| !p.bare_month)?;
    let end = p.start.pred_opt()?;
    let start = p.start.checked_sub_signed(Duration::days(days))?;
    Some((
        at + used - i,
        TimeKind::Range(RangeSpec::Absolute(start, end)),
    ))
}

#[cfg(test)]
#[path = "periods_tests.rs"]
mod tests;
