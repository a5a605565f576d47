//! Seasons as spans of months: "this spring", "over the winter", "summer of
//! 2020", "winter 2020/21", "the holiday season". Seasons are
//! meteorological (spring is March to May, summer June to August, autumn
//! September to November, winter December to February); the holiday season
//! is November and December. With no year, a season is the latest one that
//! has started by today, as a month without a year is; "last spring" is the
//! one that started the year before this year's, "this spring" this year's.

use chrono::{Datelike, NaiveDate};

use super::calendar::{bounds_of_months, year};

/// A season: its first month and how many months it lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Season {
    first_month: u32,
    months: u32,
}

const SPRING: Season = Season {
    first_month: 3,
    months: 3,
};
const SUMMER: Season = Season {
    first_month: 6,
    months: 3,
};
const AUTUMN: Season = Season {
    first_month: 9,
    months: 3,
};
const WINTER: Season = Season {
    first_month: 12,
    months: 3,
};
const HOLIDAY_SEASON: Season = Season {
    first_month: 11,
    months: 2,
};

/// Words before "fall" that make it the season, not the verb ("did revenue
/// fall").
const BEFORE_THE_SEASON: &[&str] = &["the", "this", "last", "past", "previous", "in", "over"];

impl Season {
    /// The first and last day of the season starting in year `y`.
    pub(super) fn bounds(self, y: i32) -> Option<(NaiveDate, NaiveDate)> {
        if self.first_month + self.months - 1 <= 12 {
            return bounds_of_months(y, self.first_month, self.months);
        }
        let (start, _) = bounds_of_months(y, self.first_month, 12 - self.first_month + 1)?;
        let rest = self.first_month + self.months - 1 - 12;
        let (_, end) = bounds_of_months(y + 1, 1, rest)?;
        Some((start, end))
    }

    /// The year the latest such season that has started by `today` started.
    fn latest_start_year(self, today: NaiveDate) -> i32 {
        if today.month() >= self.first_month {
            today.year()
        } else {
            today.year() - 1
        }
    }
}

/// The season named at token `i` and the tokens it takes.
fn season_at(t: &[&str], i: usize) -> Option<(Season, usize)> {
    let w = *t.get(i)?;
    let next = t.get(i + 1).copied();
    match w {
        "spring" => Some((SPRING, 1)),
        "summer" => Some((SUMMER, 1)),
        "autumn" => Some((AUTUMN, 1)),
        "fall" => {
            let season_word_before = i
                .checked_sub(1)
                .and_then(|k| t.get(k))
                .is_some_and(|b| BEFORE_THE_SEASON.contains(b));
            let year_after = next.is_some_and(|n| year(n).is_some() || n == "of");
            (season_word_before || year_after).then_some((AUTUMN, 1))
        }
        "winter" => Some((WINTER, 1)),
        "holidays" => Some((HOLIDAY_SEASON, 1)),
        "holiday" | "festive" => {
            matches!(next, Some("season" | "rush" | "period")).then_some((HOLIDAY_SEASON, 2))
        }
        _ => None,
    }
}

/// A year after a season at `k`: "2020", "of 2020", "2020/21", "2020-21".
/// The year and the tokens used.
fn year_after(t: &[&str], k: usize) -> Option<(i32, usize)> {
    let skip = usize::from(t.get(k) == Some(&"of"));
    let w = *t.get(k + skip)?;
    let first = w.split(['/', '-']).next().unwrap_or(w);
    year(first).map(|y| (y, skip + 1))
}

/// A season named in a question.
#[derive(Debug, Clone, Copy)]
pub(super) struct SeasonFound {
    /// Which season.
    pub(super) season: Season,
    /// Its first day.
    pub(super) start: NaiveDate,
    /// Its last day.
    pub(super) end: NaiveDate,
    /// Whether it is fixed: a year, "this" or "last" named.
    pub(super) has_year: bool,
    /// The tokens it takes.
    pub(super) used: usize,
}

/// The season named at token `i`, if one is.
pub(super) fn at(t: &[&str], i: usize, today: NaiveDate) -> Option<SeasonFound> {
    let found = |season: Season, y: i32, has_year: bool, used: usize| {
        let (start, end) = season.bounds(y)?;
        Some(SeasonFound {
            season,
            start,
            end,
            has_year,
            used,
        })
    };
    let w = *t.get(i)?;
    // "2020 holiday season".
    if let Some(y) = year(w) {
        let (season, used) = season_at(t, i + 1)?;
        return found(season, y, true, used + 1);
    }
    let (back, lead) = match w {
        "this" | "current" => (Some(0), 1),
        "last" | "previous" | "past" => (Some(1), 1),
        _ => (None, 0),
    };
    let (season, used) = season_at(t, i + lead)?;
    let used = used + lead;
    if let Some(back) = back {
        // Before December, "this winter" and "last winter" are both the
        // one that took in this January.
        let start_year = if season.first_month == 12 && today.month() < 12 {
            today.year() - 1
        } else {
            today.year() - back
        };
        return found(season, start_year, true, used);
    }
    if let Some((y, more)) = year_after(t, i + used) {
        return found(season, y, true, used + more);
    }
    found(season, season.latest_start_year(today), false, used)
}

#[cfg(test)]
mod tests {
    use super::at;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn read(text: &str) -> Option<(NaiveDate, NaiveDate, usize)> {
        let t: Vec<&str> = text.split(' ').collect();
        at(&t, 0, day(2026, 6, 17)).map(|f| (f.start, f.end, f.used))
    }

    #[test]
    fn seasons_are_spans_of_months() {
        assert_eq!(read("spring"), Some((day(2026, 3, 1), day(2026, 5, 31), 1)));
        assert_eq!(
            read("winter"),
            Some((day(2025, 12, 1), day(2026, 2, 28), 1))
        );
        assert_eq!(
            read("last winter"),
            Some((day(2025, 12, 1), day(2026, 2, 28), 2))
        );
        assert_eq!(
            read("last spring"),
            Some((day(2025, 3, 1), day(2025, 5, 31), 2))
        );
        assert_eq!(
            read("this spring"),
            Some((day(2026, 3, 1), day(2026, 5, 31), 2))
        );
        assert_eq!(
            read("last fall"),
            Some((day(2025, 9, 1), day(2025, 11, 30), 2))
        );
        assert_eq!(
            read("summer of 2020"),
            Some((day(2020, 6, 1), day(2020, 8, 31), 3))
        );
        assert_eq!(
            read("winter 2020/21"),
            Some((day(2020, 12, 1), day(2021, 2, 28), 2))
        );
        assert_eq!(
            read("holiday season"),
            Some((day(2025, 11, 1), day(2025, 12, 31), 2))
        );
        assert_eq!(
            read("2020 holiday season"),
            Some((day(2020, 11, 1), day(2020, 12, 31), 3))
        );
        assert_eq!(
            read("holidays"),
            Some((day(2025, 11, 1), day(2025, 12, 31), 1))
        );
    }

    #[test]
    fn fall_is_a_season_only_where_a_season_stands() {
        assert_eq!(read("fall"), None);
        assert_eq!(
            read("fall 2020"),
            Some((day(2020, 9, 1), day(2020, 11, 30), 2))
        );
        let t = ["did", "revenue", "fall", "in", "may"];
        assert!(at(&t, 2, day(2026, 6, 17)).is_none());
        let t = ["over", "the", "fall"];
        assert!(at(&t, 2, day(2026, 6, 17)).is_some());
    }
}
