//! Calendar periods named at one position of a question, with what is
//! needed to give one a year: halves and ISO weeks ("H1 2025", "week 12"),
//! days of a month ("March 15", "the week of Dec 14 2020"), year-first
//! forms ("2026-W22") and [`super::points::point`]'s periods. Read by
//! [`super::periods`], which joins them into ranges and lists.

use chrono::{Datelike, Duration, NaiveDate};

use super::calendar::{self, bounds_of_months, week_bounds, year, ymd};
use super::points;
use super::seasons::Season;

/// Which kind of calendar period a [`Period`] is, for giving it a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Calendar {
    Year,
    Month(u32),
    Quarter(u32),
    Half(u32),
    Week(u32),
    /// A day of a month: (month, day).
    Day(u32, u32),
    Season(Season),
    Other,
}

/// A calendar period named in a question.
#[derive(Debug, Clone, Copy)]
pub(super) struct Period {
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
    pub(super) has_year: bool,
    pub(super) calendar: Calendar,
}

impl Period {
    /// The same period in year `y`.
    pub(super) fn in_year(self, y: i32) -> Option<Period> {
        let (start, end) = match self.calendar {
            Calendar::Month(m) => (ymd(y, m, 1)?, calendar::month_end(y, m)?),
            Calendar::Quarter(q) => bounds_of_months(y, (q - 1) * 3 + 1, 3)?,
            Calendar::Half(h) => bounds_of_months(y, (h - 1) * 6 + 1, 6)?,
            Calendar::Week(w) => week_bounds(y, w)?,
            Calendar::Day(m, d) => (ymd(y, m, d)?, ymd(y, m, d)?),
            Calendar::Season(season) => season.bounds(y)?,
            Calendar::Year | Calendar::Other => return Some(self),
        };
        Some(Period {
            start,
            end,
            has_year: true,
            calendar: self.calendar,
        })
    }
}

/// A year at `k` (after an optional "of"/"in"): the year and the tokens used
/// from `k`.
pub(super) fn year_at(t: &[&str], k: usize) -> Option<(i32, usize)> {
    let skip = usize::from(matches!(t.get(k).copied(), Some("of" | "in")));
    t.get(k + skip).and_then(|w| year(w)).map(|y| (y, skip + 1))
}

/// A year named relative to today at `k` ("of last year", "of this year"):
/// the year and the tokens used from `k`.
pub(super) fn relative_year(t: &[&str], k: usize, today: NaiveDate) -> Option<(i32, usize)> {
    let mut at = k;
    while matches!(t.get(at).copied(), Some("of" | "in" | "the")) {
        at += 1;
    }
    let y = match (t.get(at).copied()?, t.get(at + 1).copied()?) {
        ("last" | "previous" | "prior", "year") => today.year() - 1,
        ("this" | "current", "year") => today.year(),
        _ => return None,
    };
    Some((y, at + 2 - k))
}

/// A day of a month at `i`: "March 15", "15 March", "Mar 15th", with an
/// optional year; without one, the most recent such day.
pub(super) fn day_of_month(t: &[&str], i: usize, today: NaiveDate) -> Option<(Period, usize)> {
    let day = day_number;
    let w0 = *t.get(i)?;
    let w1 = t.get(i + 1).copied().unwrap_or("");
    // "the 15th of March".
    let of_month = (w1 == "of")
        .then(|| Some((calendar::month(t.get(i + 2)?)?, day(w0)?)))
        .flatten();
    let (m, d, len) = match (calendar::month(w0), day(w1), day(w0), calendar::month(w1)) {
        _ if of_month.is_some() => of_month.map(|(m, d)| (m, d, 3))?,
        (Some(m), Some(d), _, _) if w1.len() <= 4 => (m, d, 2),
        (_, _, Some(d), Some(m)) => (m, d, 2),
        _ => return None,
    };
    let (y, more, has_year) = match year_at(t, i + len) {
        Some((y, more)) => (y, more, true),
        None => {
            let this_year = ymd(today.year(), m, d).filter(|day| *day <= today);
            (
                if this_year.is_some() {
                    today.year()
                } else {
                    today.year() - 1
                },
                0,
                false,
            )
        }
    };
    let date = ymd(y, m, d)?;
    Some((
        Period {
            start: date,
            end: date,
            has_year,
            calendar: Calendar::Day(m, d),
        },
        len + more,
    ))
}

/// "the week of Dec 14 2020": the ISO week (Monday to Sunday) holding
/// that day.
pub(super) fn week_of_day(t: &[&str], i: usize, today: NaiveDate) -> Option<(Period, usize)> {
    if t.get(i).copied() != Some("week") || t.get(i + 1).copied() != Some("of") {
        return None;
    }
    let (day, used) = day_of_month(t, i + 2, today)?;
    let monday = day.start.checked_sub_signed(Duration::days(i64::from(
        day.start.weekday().num_days_from_monday(),
    )))?;
    let sunday = monday.checked_add_signed(Duration::days(6))?;
    Some((
        Period {
            start: monday,
            end: sunday,
            has_year: day.has_year,
            calendar: Calendar::Other,
        },
        2 + used,
    ))
}

/// A day of a month as written: "14", "3rd", "21st".
pub(super) fn day_number(w: &str) -> Option<u32> {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let ok = matches!(&w[digits.len()..], "" | "st" | "nd" | "rd" | "th");
    digits
        .parse::<u32>()
        .ok()
        .filter(|d| ok && (1..=31).contains(d))
}

/// A half ("h1", "first half") or ISO week ("week 12", "w12") at `i`, with
/// the tokens used; without a year it is the most recent one that started.
/// Whether the words from `i` are a span of days of a month ("8 to 14
/// June", "8 - 14 June").
fn starts_day_span(t: &[&str], i: usize) -> bool {
    let day = |k: usize| {
        t.get(k)
            .and_then(|w| w.parse::<u32>().ok())
            .is_some_and(|d| (1..=31).contains(&d))
    };
    day(i)
        && t.get(i + 1).is_some_and(|w| {
            matches!(*w, "to" | "through" | "thru" | "until" | "till" | "and")
                || *w == super::day_spans::DASH
        })
        && day(i + 2)
        && t.get(i + 3)
            .is_some_and(|w| super::calendar::month(w).is_some())
}

pub(super) fn half_or_week(t: &[&str], i: usize, today: NaiveDate) -> Option<(Period, usize)> {
    let w = *t.get(i)?;
    let next = t.get(i + 1).copied().unwrap_or("");
    // "calendar week 12", "ISO week 12".
    if matches!(w, "calendar" | "iso") && next == "week" {
        return half_or_week(t, i + 1, today).map(|(p, used)| (p, used + 1));
    }
    let (calendar, used) = match (w, next) {
        ("h1", _) => (Calendar::Half(1), 1),
        ("h2", _) => (Calendar::Half(2), 1),
        ("first" | "1st" | "front", "half") => (Calendar::Half(1), 2),
        ("second" | "2nd" | "back" | "latter", "half") => (Calendar::Half(2), 2),
        // "the week 8 to 14 June": days of June, not week 8.
        ("week", _) if starts_day_span(t, i + 1) => return None,
        ("week", n) => (Calendar::Week(week_number(n)?), 2),
        (wn, _) => (Calendar::Week(week_number(wn.strip_prefix('w')?)?), 1),
    };
    if let Calendar::Half(h) = calendar {
        if let Some(found) = half_of_month(t, i + used, h, today) {
            return Some((found.0, used + found.1));
        }
    }
    let (y, more, has_year) =
        match year_at(t, i + used).or_else(|| relative_year(t, i + used, today)) {
            Some((y, more)) => (y, more, true),
            None => {
                let started = match calendar {
                    Calendar::Half(2) => today.month() >= 7,
                    Calendar::Week(n) => n <= today.iso_week().week(),
                    _ => true,
                };
                let y = today.iso_week().year().min(today.year());
                (if started { y } else { y - 1 }, 0, false)
            }
        };
    let p = Period {
        start: today,
        end: today,
        has_year,
        calendar,
    }
    .in_year(y)?;
    Some((Period { has_year, ..p }, used + more))
}

/// "the first half of December": days 1 to 15 of the month after "of", or
/// the 16th to its end, with the tokens used from `k` ("of" included).
fn half_of_month(t: &[&str], k: usize, half: u32, today: NaiveDate) -> Option<(Period, usize)> {
    if t.get(k).copied() != Some("of") {
        return None;
    }
    let at = if t.get(k + 1).copied() == Some("the") {
        k + 2
    } else {
        k + 1
    };
    calendar::month(t.get(at)?)?;
    let (p, used) = points::point(t, at, today)?;
    let (start, end) = if half == 1 {
        (p.start, p.start.checked_add_signed(Duration::days(14))?)
    } else {
        (p.start.checked_add_signed(Duration::days(15))?, p.end)
    };
    let period = Period {
        start,
        end,
        has_year: p.has_year,
        calendar: Calendar::Other,
    };
    Some((period, at + used - k))
}

/// "2026-W22", "2025-Q4", "2026 H1": the year first, then one word naming
/// a week, quarter or half of it.
pub(super) fn year_first(t: &[&str], i: usize, today: NaiveDate) -> Option<(Period, usize)> {
    let y = year(t.get(i)?)?;
    let w = *t.get(i + 1)?;
    let calendar = match (w, calendar::quarter_word(w)) {
        ("h1", _) => Calendar::Half(1),
        ("h2", _) => Calendar::Half(2),
        (_, Some(q)) => Calendar::Quarter(q),
        _ => Calendar::Week(week_number(w.strip_prefix('w')?)?),
    };
    let p = Period {
        start: today,
        end: today,
        has_year: true,
        calendar,
    }
    .in_year(y)?;
    Some((p, 2))
}

pub(super) fn week_number(word: &str) -> Option<u32> {
    word.parse::<u32>().ok().filter(|n| (1..=53).contains(n))
}

/// A period at `i`: a half, a week, or one of [`points::point`]'s (a bare
/// month name included).
pub(super) fn period(t: &[&str], i: usize, today: NaiveDate) -> Option<(Period, usize)> {
    if let Some(found) = year_first(t, i, today)
        .or_else(|| week_of_day(t, i, today))
        .or_else(|| half_or_week(t, i, today))
        .or_else(|| day_of_month(t, i, today))
    {
        return Some(found);
    }
    if t.get(i).copied() == Some("last") {
        // "last quarter" is relative, not the fourth quarter.
        return None;
    }
    let (p, used) = points::point(t, i, today)?;
    let calendar = match (p.month, p.quarter, p.season) {
        (Some(m), _, _) => Calendar::Month(m),
        (_, Some(q), _) => Calendar::Quarter(q),
        (_, _, Some(season)) => Calendar::Season(season),
        _ if p.start.ordinal() == 1 && p.end.month() == 12 && p.end.day() == 31 => Calendar::Year,
        _ => Calendar::Other,
    };
    Some((
        Period {
            start: p.start,
            end: p.end,
            has_year: p.has_year,
            calendar,
        },
        used,
    ))
}
