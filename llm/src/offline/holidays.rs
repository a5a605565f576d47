//! Holidays as days or spans: "Black Friday 2025", "Christmas Eve through
//! New Year's Day", "over Memorial Day weekend", "since Easter". Fixed dates
//! (Christmas, Halloween), the US holidays fixed by weekday (Thanksgiving is
//! the fourth Thursday of November, Black Friday the day after, Cyber Monday
//! the Monday after; Memorial Day the last Monday of May, Labor Day the first
//! Monday of September) and Easter with the days around it. With no year, a
//! holiday is the latest one that has started by today, as a month without a
//! year is.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::chunks::{opening_words, words_match};

/// How a holiday falls in a year.
#[derive(Clone, Copy)]
enum Rule {
    /// A fixed day: (month, day).
    Fixed(u32, u32),
    /// The `n`-th weekday of a month, plus days: (month, weekday, n, shift).
    Nth(u32, Weekday, u8, i64),
    /// The last weekday of a month: (month, weekday).
    Last(u32, Weekday),
    /// Days from Easter Sunday (Good Friday is -2, Easter Monday 1).
    Easter(i64),
}

/// Holiday names (patterns as [`words_match`] reads them, over the lowercase
/// tokens: "New Year's Eve" is `new year eve`) and their rule.
const HOLIDAYS: &[(&str, Rule)] = &[
    ("black friday", Rule::Nth(11, Weekday::Thu, 4, 1)),
    ("cyber monday", Rule::Nth(11, Weekday::Thu, 4, 4)),
    ("thanksgiving day?", Rule::Nth(11, Weekday::Thu, 4, 0)),
    ("christmas|xmas eve", Rule::Fixed(12, 24)),
    ("christmas|xmas day?", Rule::Fixed(12, 25)),
    ("boxing day", Rule::Fixed(12, 26)),
    ("new year|years eve", Rule::Fixed(12, 31)),
    ("new year|years day", Rule::Fixed(1, 1)),
    // "since New Year", "between Christmas and New Year".
    ("new year|years", Rule::Fixed(1, 1)),
    ("good friday", Rule::Easter(-2)),
    ("easter monday", Rule::Easter(1)),
    ("easter sunday|day?", Rule::Easter(0)),
    ("valentine|valentines day", Rule::Fixed(2, 14)),
    ("halloween", Rule::Fixed(10, 31)),
    ("independence day", Rule::Fixed(7, 4)),
    ("memorial day", Rule::Last(5, Weekday::Mon)),
    ("labor|labour day", Rule::Nth(9, Weekday::Mon, 1, 0)),
];

impl Rule {
    fn in_year(self, y: i32) -> Option<NaiveDate> {
        match self {
            Rule::Fixed(m, d) => NaiveDate::from_ymd_opt(y, m, d),
            Rule::Nth(m, weekday, n, shift) => {
                let day = NaiveDate::from_weekday_of_month_opt(y, m, weekday, n)?;
                day.checked_add_signed(Duration::days(shift))
            }
            Rule::Easter(shift) => easter_sunday(y)?.checked_add_signed(Duration::days(shift)),
            Rule::Last(m, weekday) => {
                let next = if m == 12 {
                    NaiveDate::from_ymd_opt(y + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(y, m + 1, 1)?
                };
                let last = next.pred_opt()?;
                let back = (7 + last.weekday().num_days_from_monday()
                    - weekday.num_days_from_monday())
                    % 7;
                last.checked_sub_signed(Duration::days(i64::from(back)))
            }
        }
    }
}

/// Easter Sunday of year `y` (the Gregorian computus of Meeus, Jones and
/// Butcher).
fn easter_sunday(y: i32) -> Option<NaiveDate> {
    let a = y.rem_euclid(19);
    let (b, c) = (y.div_euclid(100), y.rem_euclid(100));
    let (d, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(y, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// A holiday named at token `i`: its first and last day, whether a year was
/// named, and the tokens it takes. "Memorial Day weekend" is the Saturday to
/// the Monday.
pub(super) fn at(
    t: &[&str],
    i: usize,
    today: NaiveDate,
) -> Option<(NaiveDate, NaiveDate, bool, usize)> {
    // Read at every word of every question: most words open no holiday.
    static FIRST_WORDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let firsts = FIRST_WORDS.get_or_init(|| {
        HOLIDAYS
            .iter()
            .flat_map(|(pattern, _)| opening_words(pattern))
            .collect()
    });
    if !t.get(i).is_some_and(|w| firsts.contains(w)) {
        return None;
    }
    let word = |k: usize| t.get(k).copied();
    let (len, rule) = HOLIDAYS
        .iter()
        .find_map(|(pattern, rule)| words_match(&word, i, pattern).map(|len| (len, *rule)))?;
    if len == 0 {
        return None;
    }
    let mut used = len;
    let weekend = word(i + used) == Some("weekend");
    // "Thanksgiving week 2020": the Monday-to-Sunday week holding it.
    let week = word(i + used) == Some("week");
    if weekend || week {
        used += 1;
    }
    let named_year = word(i + used)
        .and_then(super::calendar::year)
        .map(|y| (y, 1))
        .or_else(|| {
            (word(i + used) == Some("of"))
                .then(|| word(i + used + 1).and_then(super::calendar::year))
                .flatten()
                .map(|y| (y, 2))
        });
    let span = |y: i32| {
        let day = rule.in_year(y)?;
        if week {
            let monday = day.checked_sub_signed(Duration::days(i64::from(
                day.weekday().num_days_from_monday(),
            )))?;
            Some((monday, monday.checked_add_signed(Duration::days(6))?))
        } else if weekend {
            // Memorial Day weekend is Saturday to Monday, the Black Friday
            // weekend Friday to Sunday, the Easter weekend Good Friday to
            // Easter Monday.
            let (before, after) = match day.weekday() {
                Weekday::Mon => (2, 0),
                Weekday::Fri => (0, 2),
                Weekday::Sun => (2, 1),
                _ => return None,
            };
            Some((
                day.checked_sub_signed(Duration::days(before))?,
                day.checked_add_signed(Duration::days(after))?,
            ))
        } else {
            Some((day, day))
        }
    };
    match named_year {
        Some((y, more)) => {
            let (start, end) = span(y)?;
            Some((start, end, true, used + more))
        }
        None => {
            let this_year = span(today.year())?;
            let (start, end) = if this_year.0 <= today {
                this_year
            } else {
                span(today.year() - 1)?
            };
            Some((start, end, false, used))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::at;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a day")
    }

    #[test]
    fn holidays_fall_on_their_days() {
        let today = day(2026, 6, 17);
        let found = |words: &str| {
            let t: Vec<&str> = words.split(' ').collect();
            at(&t, 0, today)
        };
        // (words, first day, last day, year named, words used)
        let cases = [
            ("black friday 2025", (2025, 11, 28), (2025, 11, 28), true, 3),
            ("cyber monday", (2025, 12, 1), (2025, 12, 1), false, 2),
            ("thanksgiving", (2025, 11, 27), (2025, 11, 27), false, 1),
            (
                "memorial day weekend",
                (2026, 5, 23),
                (2026, 5, 25),
                false,
                3,
            ),
            ("labor day", (2025, 9, 1), (2025, 9, 1), false, 2),
            ("new year eve", (2025, 12, 31), (2025, 12, 31), false, 3),
            ("new year day", (2026, 1, 1), (2026, 1, 1), false, 3),
            (
                "thanksgiving week 2020",
                (2020, 11, 23),
                (2020, 11, 29),
                true,
                3,
            ),
            (
                "christmas eve of 2024",
                (2024, 12, 24),
                (2024, 12, 24),
                true,
                4,
            ),
        ];
        for (words, (y, m, d), (y2, m2, d2), year, used) in cases {
            assert_eq!(
                found(words),
                Some((day(y, m, d), day(y2, m2, d2), year, used)),
                "{words}"
            );
        }
        // A weekend of a holiday on no Monday, Friday or Sunday is not read.
        assert_eq!(found("christmas weekend"), None);
        // Easter moves: 5 April 2026, 20 April 2025, 12 April 2020.
        assert_eq!(
            found("easter 2026"),
            Some((day(2026, 4, 5), day(2026, 4, 5), true, 2))
        );
        assert_eq!(
            found("easter weekend 2025"),
            Some((day(2025, 4, 18), day(2025, 4, 21), true, 3))
        );
        assert_eq!(
            found("good friday 2020"),
            Some((day(2020, 4, 10), day(2020, 4, 10), true, 3))
        );
        assert_eq!(
            found("black friday weekend 2025"),
            Some((day(2025, 11, 28), day(2025, 11, 30), true, 4))
        );
        assert_eq!(
            found("new year 2026"),
            Some((day(2026, 1, 1), day(2026, 1, 1), true, 3))
        );
        assert_eq!(found("black"), None);
    }
}
