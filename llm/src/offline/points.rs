//! Calendar points named in a question: a day, a month, a quarter, a year, a
//! holiday or the middle of a month, read at one position of the question.

use chrono::{Datelike, NaiveDate};

use super::calendar::{
    latest_weekday, month, month_end, ordinal, quarter_word, recent_year_for_month, weekday, year,
    ymd,
};
use super::seasons::Season;

/// A calendar period named in a question: a day, month, quarter or year.
#[derive(Debug, Clone, Copy)]
pub(super) struct Point {
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
    pub(super) has_year: bool,
    /// A bare month name ("may", "march") that needs a preposition.
    pub(super) bare_month: bool,
    pub(super) month: Option<u32>,
    pub(super) quarter: Option<u32>,
    /// A season ("spring", "the holiday season").
    pub(super) season: Option<Season>,
}

impl Point {
    /// A span of days that is neither a month nor a quarter.
    fn span(start: NaiveDate, end: NaiveDate, has_year: bool) -> Point {
        Point {
            start,
            end,
            has_year,
            bare_month: false,
            month: None,
            quarter: None,
            season: None,
        }
    }
}

fn month_point(y: i32, m: u32, has_year: bool) -> Option<Point> {
    Some(Point {
        start: ymd(y, m, 1)?,
        end: month_end(y, m)?,
        has_year,
        bare_month: !has_year,
        month: Some(m),
        quarter: None,
        season: None,
    })
}

fn quarter_point(y: i32, q: u32, has_year: bool) -> Option<Point> {
    let m = (q - 1) * 3 + 1;
    Some(Point {
        start: ymd(y, m, 1)?,
        end: month_end(y, m + 2)?,
        has_year,
        bare_month: false,
        month: None,
        quarter: Some(q),
        season: None,
    })
}

/// "yesterday" or "today" at `i`, as the ends of a span ("from yesterday
/// to today"); one token.
pub(super) fn day_named(t: &[&str], i: usize, today: NaiveDate) -> Option<(Point, usize)> {
    let day = match *t.get(i)? {
        "today" => today,
        "yesterday" => today.pred_opt()?,
        _ => return None,
    };
    Some((Point::span(day, day, true), 1))
}

/// Parses a calendar period at `i`; returns it and the tokens used.
pub(super) fn point(t: &[&str], i: usize, today: NaiveDate) -> Option<(Point, usize)> {
    let w = *t.get(i)?;
    let next = t.get(i + 1).copied().unwrap_or("");
    let year_after = |k: usize| {
        let k = if t.get(k) == Some(&"of") { k + 1 } else { k };
        t.get(k).and_then(|w| year(w)).map(|y| (y, k + 1 - i))
    };
    // "this spring", "summer of 2020", "the 2020 holiday season".
    if let Some(found) = super::seasons::at(t, i, today) {
        let p = Point {
            season: Some(found.season),
            ..Point::span(found.start, found.end, found.has_year)
        };
        return Some((p, found.used));
    }
    // "Monday", "since Tuesday": the latest one; "last Tuesday": the one of
    // the week before.
    let last = matches!(w, "last" | "past" | "previous");
    if let Some(day) = weekday(if last { next } else { w }) {
        let d = latest_weekday(today, day, last)?;
        return Some((Point::span(d, d, false), 1 + usize::from(last)));
    }
    // ISO date or year-month.
    let parts: Vec<&str> = w.split('-').collect();
    if parts.len() >= 2 && parts[0].len() == 4 {
        let y = year(parts[0])?;
        let m: u32 = parts[1].parse().ok()?;
        if parts.len() == 3 {
            let d = ymd(y, m, parts[2].parse().ok()?)?;
            let p = Point::span(d, d, true);
            return Some((p, 1));
        }
        return month_point(y, m, true).map(|p| (p, 1));
    }
    if let Some(y) = year(w) {
        let p = Point::span(ymd(y, 1, 1)?, ymd(y, 12, 31)?, true);
        return Some((p, 1));
    }
    // "mid-May": its middle ten days.
    if w == "mid" {
        if let Some(m) = month(next) {
            let (y, used) = match year_after(i + 2) {
                Some((y, more)) => (y, 1 + more),
                None => (recent_year_for_month(m, today), 2),
            };
            let p = Point::span(ymd(y, m, 11)?, ymd(y, m, 20)?, used > 2);
            return Some((p, used));
        }
    }
    // "Black Friday 2025", "Memorial Day weekend".
    if let Some((start, end, has_year, used)) = super::holidays::at(t, i, today) {
        let p = Point::span(start, end, has_year);
        return Some((p, used));
    }
    // "last year's Q2", "this year's March": that period of that year.
    if matches!(w, "last" | "this") && next == "year" {
        let y = today.year() - i32::from(w == "last");
        let third = t.get(i + 2).copied().unwrap_or("");
        if let Some(q) = quarter_word(third) {
            return quarter_point(y, q, true).map(|p| (p, 3));
        }
        if let Some(m) = month(third) {
            return month_point(y, m, true).map(|p| (p, 3));
        }
    }
    // "this May", "last October" (the latest one before this month's);
    // "this May than last May": a year before the first.
    if let (Some(m), "this" | "last") = (month(next), w) {
        let y = if w == "this" {
            today.year()
        } else if t.windows(2).any(|p| p[0] == "this" && p[1] == next) || m == today.month() {
            today.year() - 1
        } else {
            recent_year_for_month(m, today)
        };
        return month_point(y, m, true).map(|p| (p, 2));
    }
    if let Some(m) = month(w) {
        // "June last year", "March this year".
        if t.get(i + 2) == Some(&"year") {
            let back = match next {
                "last" | "previous" => Some(1),
                "this" | "current" => Some(0),
                _ => None,
            };
            if let Some(back) = back {
                let y = today.year().checked_sub(back)?;
                return month_point(y, m, true).map(|p| (p, 3));
            }
        }
        return match year_after(i + 1) {
            Some((y, used)) => month_point(y, m, true).map(|p| (p, used)),
            None => month_point(recent_year_for_month(m, today), m, false).map(|p| (p, 1)),
        };
    }
    // "quarter one", "quarter 3".
    let numbered = (w == "quarter")
        .then(|| super::text::number_word(next))
        .flatten()
        .filter(|q| (1..=4).contains(q))
        .map(|q| (q, 2));
    let quarter = quarter_word(w).map(|q| (q, 1)).or(numbered).or_else(|| {
        let q = ordinal(w)?;
        // "the last quarter of 2020" is Q4; "for last quarter", with no
        // year, is the quarter before this one.
        let relative = w == "last" && year_after(i + 2).is_none();
        (next == "quarter" && !relative).then_some((q, 2))
    });
    if let Some((q, used)) = quarter {
        return match year_after(i + used) {
            // `more` counts from `i`, the quarter's words included.
            Some((y, more)) => quarter_point(y, q, true).map(|p| (p, more)),
            None => {
                let start_month = (q - 1) * 3 + 1;
                let y = recent_year_for_month(start_month, today);
                quarter_point(y, q, false).map(|p| (p, used))
            }
        };
    }
    None
}

/// The same month or quarter of year `y`; other points unchanged.
pub(super) fn with_year(p: Point, y: i32) -> Option<Point> {
    match (p.month, p.quarter) {
        (Some(m), _) => month_point(y, m, true),
        (_, Some(q)) => quarter_point(y, q, true),
        _ => Some(p),
    }
}
