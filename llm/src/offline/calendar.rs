//! Calendar words and arithmetic shared by the time readers: unit and month
//! names, years, quarters, ordinals, month ends and ISO weeks.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A day of the week by its name ("monday", "tues"); plurals ("on
/// Mondays": every Monday) are not one day.
pub(super) fn weekday(word: &str) -> Option<Weekday> {
    match word {
        "monday" => Some(Weekday::Mon),
        "tuesday" | "tues" => Some(Weekday::Tue),
        "wednesday" => Some(Weekday::Wed),
        "thursday" | "thurs" => Some(Weekday::Thu),
        "friday" => Some(Weekday::Fri),
        "saturday" => Some(Weekday::Sat),
        "sunday" => Some(Weekday::Sun),
        _ => None,
    }
}

/// The latest `day` on or before `today`; with `week_before`, that day of
/// the week before this one ("last Tuesday", asked on a Wednesday, is the
/// Tuesday eight days back, not yesterday).
pub(super) fn latest_weekday(
    today: NaiveDate,
    day: Weekday,
    week_before: bool,
) -> Option<NaiveDate> {
    if week_before {
        let monday = today.checked_sub_signed(Duration::days(
            i64::from(today.weekday().num_days_from_monday()) + 7,
        ))?;
        return monday.checked_add_signed(Duration::days(i64::from(day.num_days_from_monday())));
    }
    let back = (7 + today.weekday().num_days_from_monday() - day.num_days_from_monday()) % 7;
    today.checked_sub_signed(Duration::days(i64::from(back)))
}

/// Granularity named by a unit word (`weeks` → `week`).
pub(super) fn unit(word: &str) -> Option<&'static str> {
    match word.strip_suffix('s').unwrap_or(word) {
        "hour" => Some("hour"),
        "day" | "date" => Some("day"),
        "week" => Some("week"),
        "month" => Some("month"),
        "quarter" => Some("quarter"),
        "year" => Some("year"),
        _ => None,
    }
}

pub(super) fn adverb(word: &str) -> Option<&'static str> {
    match word {
        "hourly" => Some("hour"),
        "daily" | "nightly" => Some("day"),
        "weekly" => Some("week"),
        "monthly" => Some("month"),
        "quarterly" => Some("quarter"),
        "yearly" | "annually" | "annual" => Some("year"),
        _ => None,
    }
}

/// Month number of a month name or abbreviation.
pub(super) fn month(word: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if let Some(i) = NAMES.iter().position(|n| *n == word) {
        return u32::try_from(i + 1).ok();
    }
    let short = match word {
        "sept" => "sep",
        w if w.len() == 3 => w,
        _ => return None,
    };
    NAMES
        .iter()
        .position(|n| n.starts_with(short) && short != "may")
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// A year after "over" ("lost money over 2020"): a year, not a round
/// amount ("orders over 2000", "over 2500" are amounts), with nothing
/// counted after it ("over 2020 orders" is an amount too).
pub(super) fn year_after_over(year_word: &str, next: Option<&str>) -> bool {
    year(year_word).is_some_and(|y| y % 50 != 0)
        && next.is_none_or(|w| super::stopwords::is_stopword(w) || matches!(w, "by" | "per" | "vs"))
}

pub(super) fn year(word: &str) -> Option<i32> {
    if word.len() != 4 {
        return None;
    }
    word.parse::<i32>()
        .ok()
        .filter(|y| (1990..=2099).contains(y))
}

pub(super) fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The last day of month `m` of year `y`.
pub(super) fn month_end(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1).and_then(|d| d.checked_sub_signed(Duration::days(1)))
}

/// The most recent year in which month `m` has started by `today`.
pub(super) fn recent_year_for_month(m: u32, today: NaiveDate) -> i32 {
    if m <= today.month() {
        today.year()
    } else {
        today.year() - 1
    }
}

pub(super) fn quarter_word(word: &str) -> Option<u32> {
    match word {
        "q1" => Some(1),
        "q2" => Some(2),
        "q3" => Some(3),
        "q4" => Some(4),
        _ => None,
    }
}

pub(super) fn ordinal(word: &str) -> Option<u32> {
    match word {
        "first" | "1st" => Some(1),
        "second" | "2nd" => Some(2),
        "third" | "3rd" => Some(3),
        "fourth" | "4th" | "last" => Some(4),
        _ => None,
    }
}

/// The first day of month `first` of year `y` and the last day of the
/// `count`-th month from it.
pub(super) fn bounds_of_months(y: i32, first: u32, count: u32) -> Option<(NaiveDate, NaiveDate)> {
    Some((ymd(y, first, 1)?, month_end(y, first + count - 1)?))
}

/// Monday and Sunday of ISO week `w` of year `y`.
pub(super) fn week_bounds(y: i32, w: u32) -> Option<(NaiveDate, NaiveDate)> {
    let monday = NaiveDate::from_isoywd_opt(y, w, Weekday::Mon)?;
    Some((monday, monday.checked_add_signed(Duration::days(6))?))
}
