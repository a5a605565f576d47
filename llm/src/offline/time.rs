//! Time phrases: date ranges ("last 30 days", "this quarter", "since March",
//! "in 2024", "Q1"), granularities ("by week", "monthly") and trend words
//! ("over time", "growth").
//!
//! Ranges that Cube understands as relative strings stay relative ("last
//! month"); the others become absolute pairs computed from `today`.

use chrono::{Datelike, Duration, NaiveDate};
use strata_engine::query::DateRangeSpec;

use super::calendar::{adverb, month, month_end, quarter_word, unit, year, ymd};
use super::points::{point, with_year, Point};
use super::text::{number_word, Token};

/// Superlatives that, right before a singular unit ("the busiest week"),
/// rank periods of that unit.
const RANKED_UNIT_BEFORE: &[&str] = &[
    "busiest",
    "quietest",
    "strongest",
    "weakest",
    "biggest",
    "best",
    "worst",
    "record",
    "slowest",
    "highest",
    "lowest",
];

/// A date range as a Cube query gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeSpec {
    /// A relative range Cube parses: `"last 30 days"`, `"this quarter"`.
    Relative(String),
    /// A pair of dates, both included.
    Absolute(NaiveDate, NaiveDate),
}

impl RangeSpec {
    /// The range as a query gives it: a relative phrase or a pair of
    /// `YYYY-MM-DD` dates.
    pub fn to_date_range(&self) -> DateRangeSpec {
        match self {
            RangeSpec::Relative(s) => DateRangeSpec::Relative(s.clone()),
            RangeSpec::Absolute(a, b) => DateRangeSpec::Pair(
                a.format("%Y-%m-%d").to_string(),
                b.format("%Y-%m-%d").to_string(),
            ),
        }
    }

    /// The translator's form of a range a query gives.
    pub fn from_date_range(spec: &DateRangeSpec) -> Option<RangeSpec> {
        match spec {
            DateRangeSpec::Relative(s) => Some(RangeSpec::Relative(s.clone())),
            DateRangeSpec::Pair(a, b) => {
                let day = |s: &str| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok();
                Some(RangeSpec::Absolute(day(a)?, day(b)?))
            }
        }
    }

    /// The range one `unit` (day, week, month, quarter, year) earlier.
    pub fn earlier_by(&self, unit: &str, today: NaiveDate) -> Option<RangeSpec> {
        let (a, b) = super::compared::days_of(self, today)?;
        let back = |d: NaiveDate| match unit {
            "day" => d.checked_sub_signed(Duration::days(1)),
            "week" => d.checked_sub_signed(Duration::days(7)),
            "month" => d.checked_sub_months(chrono::Months::new(1)),
            "quarter" => d.checked_sub_months(chrono::Months::new(3)),
            "year" => d.checked_sub_months(chrono::Months::new(12)),
            _ => None,
        };
        // A whole calendar month stays whole ("May" before is "April").
        let is_month_end = |d: NaiveDate| month_end(d.year(), d.month()) == Some(d);
        let end = if matches!(unit, "month" | "quarter") && a.day() == 1 && is_month_end(b) {
            let last = back(b)?;
            month_end(last.year(), last.month())?
        } else {
            back(b)?
        };
        Some(RangeSpec::Absolute(back(a)?, end))
    }

    /// Roughly how many days the range spans (for a default granularity).
    pub fn approx_days(&self) -> i64 {
        match self {
            RangeSpec::Absolute(a, b) => (*b - *a).num_days() + 1,
            RangeSpec::Relative(s) => {
                let words: Vec<&str> = s.split_whitespace().collect();
                let unit_days = |u: &str| match u.trim_end_matches('s') {
                    "day" => 1,
                    "week" => 7,
                    "month" => 30,
                    "quarter" => 91,
                    _ => 365,
                };
                match words.as_slice() {
                    ["today" | "yesterday" | "tomorrow"] => 1,
                    [_, unit] => unit_days(unit),
                    [_, n, unit] => n.parse::<i64>().unwrap_or(1) * unit_days(unit),
                    _ => 365,
                }
            }
        }
    }
}

/// What a time phrase says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeKind {
    /// A date range.
    Range(RangeSpec),
    /// A granularity: `day`, `week`, `month`, `quarter`, `year`, `hour`.
    Granularity(&'static str),
    /// "over time", "trend", "growth": a series is wanted.
    Trend,
}

/// A time phrase found in a question: tokens `start..end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeFinding {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// Its meaning.
    pub kind: TimeKind,
}

/// Finds every time phrase of a question, left to right, without overlaps.
pub fn find(tokens: &[Token], today: NaiveDate) -> Vec<TimeFinding> {
    let t: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    let compare = t.iter().any(|w| super::compare_words::is_compare_word(w));
    let mut found: Vec<TimeFinding> = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if let Some(more) = super::periods::at(&t, i, today, &found, compare) {
            i = more.iter().map(|f| f.end).max().unwrap_or(i + 1).max(i + 1);
            found.extend(more);
            continue;
        }
        // "the same day last year": a year before the period compared with,
        // not the whole of last year and not a daily series.
        if t[i] == "same"
            && matches!(
                t.get(i + 1).copied(),
                Some("day" | "week" | "month" | "quarter" | "days" | "weeks" | "months")
            )
            && t.get(i + 2) == Some(&"last")
            && t.get(i + 3) == Some(&"year")
        {
            found.push(TimeFinding {
                start: i,
                end: i + 4,
                kind: relative("last", "year"),
            });
            i += 4;
            continue;
        }
        if let Some((len, kind)) = super::periods::span_before_point(&t, i, today) {
            found.push(TimeFinding {
                start: i,
                end: i + len,
                kind,
            });
            i += len;
            continue;
        }
        match at(&t, i, today, &found, compare) {
            Some((len, kind)) => {
                found.push(TimeFinding {
                    start: i,
                    end: i + len,
                    kind,
                });
                i += len;
            }
            None => i += 1,
        }
    }
    if compare {
        super::compared::year_of_compared_periods(&t, &mut found, today);
    }
    super::compared::period_of_a_relative_year(&t, &mut found, today);
    super::compared::same_period_a_year_earlier(&t, &mut found, today);
    super::compared::period_over_period(&t, &mut found);
    // No phrase reaches past the question, whatever a rule counted.
    for f in &mut found {
        f.end = f.end.min(t.len());
        f.start = f.start.min(f.end);
    }
    found
}

pub(super) fn relative(which: &str, unit: &str) -> TimeKind {
    TimeKind::Range(RangeSpec::Relative(format!("{which} {unit}")))
}

/// "Was profit in Q3 2020 higher than in Q2?": in a comparison, a period
/// named without a year shares the year of the dated period before it, when
/// that one lies within a year and is not the whole year ("2020 vs May"
/// stays this May).
pub(super) fn year_to_share(earlier: &[TimeFinding]) -> Option<i32> {
    match &earlier.last()?.kind {
        TimeKind::Range(RangeSpec::Absolute(a, b)) => {
            let whole_year = a.month() == 1 && a.day() == 1 && b.month() == 12 && b.day() == 31;
            (a.year() == b.year() && !whole_year).then_some(a.year())
        }
        _ => None,
    }
}

/// Whether a period moved into the shared year may stand: not the same
/// period named again ("May 2025 vs May" is this May) and not in the future.
pub(super) fn may_share_year(
    start: NaiveDate,
    end: NaiveDate,
    earlier: &[TimeFinding],
    today: NaiveDate,
) -> bool {
    let again = earlier.last().is_some_and(
        |f| matches!(&f.kind, TimeKind::Range(RangeSpec::Absolute(a, b)) if (*a, *b) == (start, end)),
    );
    !again && start <= today
}

/// A month or quarter named without a year, moved into the year it shares.
fn time_shared(
    p: Point,
    earlier: &[TimeFinding],
    compare: bool,
    today: NaiveDate,
) -> Option<Point> {
    if p.has_year || !compare || (p.month.is_none() && p.quarter.is_none()) {
        return None;
    }
    let q = with_year(p, year_to_share(earlier)?)?;
    may_share_year(q.start, q.end, earlier, today).then_some(q)
}

/// The time phrase starting at token `i`: its length and meaning;
/// `earlier` are the phrases found before it, `compare` whether the
/// question compares.
fn at(
    t: &[&str],
    i: usize,
    today: NaiveDate,
    earlier: &[TimeFinding],
    compare: bool,
) -> Option<(usize, TimeKind)> {
    let w = t[i];
    let w1 = t.get(i + 1).copied().unwrap_or("");
    let w2 = t.get(i + 2).copied().unwrap_or("");
    let w3 = t.get(i + 3).copied().unwrap_or("");
    // "the day before yesterday".
    if (w, w1, w2) == ("day", "before", "yesterday") {
        let day = today.checked_sub_signed(Duration::days(2))?;
        return Some((3, TimeKind::Range(RangeSpec::Absolute(day, day))));
    }
    // "vs the month before", "the week before that": the period before
    // ("the 7 days before that" is not one day).
    let counted = i > 0 && (t[i - 1].parse::<f64>().is_ok() || t[i - 1].ends_with('s'));
    if w1 == "before" && matches!(w2, "" | "that" | "it" | "then") && !counted && !w.ends_with('s')
    {
        if let Some(u) = unit(w).filter(|u| *u != "hour") {
            return Some((2 + usize::from(!w2.is_empty()), relative("last", u)));
        }
    }
    // "last weekend", "the weekend just gone", "over the weekend": the last
    // Saturday and Sunday before today.
    let weekend_at = match (w, w1) {
        ("last" | "past" | "previous", "weekend") => Some(1),
        ("weekend", _) => Some(0),
        _ => None,
    };
    if let Some(k) = weekend_at {
        let gone =
            usize::from(t.get(i + k + 1) == Some(&"just") && t.get(i + k + 2) == Some(&"gone")) * 2;
        let back = i64::from(today.weekday().num_days_from_monday()) + 1;
        let sunday = today.checked_sub_signed(Duration::days(back))?;
        let saturday = sunday.checked_sub_signed(Duration::days(1))?;
        return Some((
            k + 1 + gone,
            TimeKind::Range(RangeSpec::Absolute(saturday, sunday)),
        ));
    }
    match w {
        "today" | "yesterday" | "tomorrow" => {
            return Some((1, TimeKind::Range(RangeSpec::Relative(w.to_owned()))))
        }
        "ytd" => return Some((1, to_date(today, "year")?)),
        "qtd" => return Some((1, to_date(today, "quarter")?)),
        "mtd" => return Some((1, to_date(today, "month")?)),
        "wtd" => return Some((1, to_date(today, "week")?)),
        "trend" | "trends" | "trending" | "growth" | "grow" | "grown" | "growing" | "evolution"
        | "evolved" | "evolve" | "history" | "historical" | "timeline" | "trajectory"
        | "creeping" | "climbing" | "rising" | "declining" | "shrinking" => {
            return Some((1, TimeKind::Trend))
        }
        _ => {}
    }
    // "for each of the last six months": a series by month over them (the
    // range is read from "the last").
    if w == "each" && w1 == "of" {
        let unit_at = |k: usize| t.get(i + k).and_then(|w| unit(w));
        if let Some(g) = (3..=5).find_map(unit_at) {
            if matches!(w2, "the" | "last" | "past" | "previous") {
                return Some((2, TimeKind::Granularity(g)));
            }
        }
    }
    if let Some(g) = adverb(w) {
        return Some((1, TimeKind::Granularity(g)));
    }
    // "the busiest week", "our strongest month ever": the unit ranked.
    let before = |back: usize| i.checked_sub(back).map(|k| t[k]);
    let ranked_before = before(1).is_some_and(|w| RANKED_UNIT_BEFORE.contains(&w))
        || (before(1) == Some("single")
            && before(2).is_some_and(|w| RANKED_UNIT_BEFORE.contains(&w)));
    if let Some(g) = unit(w).filter(|_| ranked_before && !w.ends_with('s') && w != "hour") {
        return Some((1, TimeKind::Granularity(g)));
    }
    // "over the year": a series; "over the last year" is a range, read at
    // "last".
    if w == "over"
        && matches!(w1, "time" | "the")
        && (w1 == "time" || unit(w3).is_some())
        && !matches!(w2, "last" | "past" | "previous" | "prior")
    {
        return Some((if w1 == "time" { 2 } else { 4 }, TimeKind::Trend));
    }
    if w == "time" && w1 == "series" {
        return Some((2, TimeKind::Trend));
    }
    // "year to date", "month to date".
    if let (Some(u), "to", "date") = (unit(w), w1, w2) {
        return Some((3, to_date(today, u)?));
    }
    // "month over month", "week by week", "day to day".
    if let (Some(u), "over" | "by" | "to" | "on", Some(u2)) = (unit(w), w1, unit(w2)) {
        if u == u2 {
            return Some((3, TimeKind::Granularity(u)));
        }
    }
    // "by week", "per month", "each day", "every quarter"; not "a year
    // earlier", which moves back rather than asking for a yearly series.
    let moved_back = matches!(w2, "ago" | "earlier" | "before" | "back" | "later");
    if matches!(w, "by" | "per" | "each" | "every" | "a") && !(w == "a" && moved_back) {
        if let Some(u) = unit(w1).filter(|u| *u != "day" || w1 != "date") {
            return Some((2, TimeKind::Granularity(u)));
        }
    }
    // "by category and month": the unit closes a list after "by".
    if w == "and" && !w1.ends_with('s') {
        let by_list = (i.saturating_sub(4)..i).any(|k| matches!(t[k], "by" | "per"));
        if let Some(u) = unit(w1).filter(|_| by_list && w1 != "date") {
            return Some((2, TimeKind::Granularity(u)));
        }
    }
    if matches!(w, "this" | "current") {
        if let Some(u) = unit(w1).filter(|_| !w1.ends_with('s')) {
            return Some((2, relative("this", u)));
        }
    }
    // "last year's Q2", "this year's March": that period of that year.
    if matches!(w, "last" | "this")
        && w1 == "year"
        && (quarter_word(w2).is_some() || month(w2).is_some())
    {
        if let Some((p, used)) = point(t, i, today) {
            return Some((used, TimeKind::Range(RangeSpec::Absolute(p.start, p.end))));
        }
    }
    if matches!(w, "last" | "past" | "previous" | "prior" | "preceding") {
        let (k, skip) = if w1 == "the" { (i + 2, 1) } else { (i + 1, 0) };
        let a = t.get(k).copied().unwrap_or("");
        let b = t.get(k + 1).copied().unwrap_or("");
        if let Some(u) = unit(a).filter(|_| !a.ends_with('s')) {
            // "the last month of 2025", "last week of the year 2024": the
            // final such period of that year.
            // "the last quarter of last year": the year may be relative.
            let of_year = (b == "of")
                .then(|| {
                    t.get(k + 2)
                        .copied()
                        .and_then(year)
                        .map(|y| (y, k + 3))
                        .or_else(|| {
                            super::named_periods::relative_year(t, k + 1, today)
                                .map(|(y, used)| (y, k + 1 + used))
                        })
                })
                .flatten()
                .filter(|_| w == "last");
            if let Some((y, end_at)) = of_year {
                let end = NaiveDate::from_ymd_opt(y, 12, 31)?;
                let start = match u {
                    "day" => end,
                    "week" => end.checked_sub_signed(Duration::days(6))?,
                    "month" => NaiveDate::from_ymd_opt(y, 12, 1)?,
                    "quarter" => NaiveDate::from_ymd_opt(y, 10, 1)?,
                    "year" => NaiveDate::from_ymd_opt(y, 1, 1)?,
                    _ => return None,
                };
                return Some((end_at - i, TimeKind::Range(RangeSpec::Absolute(start, end))));
            }
            // "over the last year", "in the past year": the twelve months
            // up to now; "last year" alone is the calendar year.
            let trailing = u == "year"
                && skip == 0
                && before(1) == Some("the")
                && before(2).is_some_and(|w| {
                    matches!(
                        w,
                        "over" | "in" | "during" | "within" | "across" | "throughout"
                    )
                });
            if trailing {
                return Some((2, relative("last", "12 months")));
            }
            return Some((2 + skip, relative("last", u)));
        }
        if let (Some(n), Some(u)) = (number_word(a), unit(b)) {
            let range = if n == 1 {
                format!("last {u}")
            } else {
                format!("last {n} {u}s")
            };
            return Some((3 + skip, TimeKind::Range(RangeSpec::Relative(range))));
        }
    }
    // "since two weeks" (word for word from "seit zwei Wochen"): the last
    // two weeks. "since 2 May" is a day, read elsewhere.
    if let ("since", Some(n), Some(u @ ("day" | "week" | "month" | "year"))) =
        (w, number_word(w1), unit(w2))
    {
        if w2.ends_with('s') && (2..=36).contains(&n) {
            let range = format!("last {n} {u}s");
            return Some((3, TimeKind::Range(RangeSpec::Relative(range))));
        }
    }
    // "one year ago today": that day a year back.
    if let (Some(n), Some(u), "ago", "today") = (number_word(w), unit(w1), w2, w3) {
        let day = match u {
            "day" => today.checked_sub_signed(Duration::days(i64::from(n))),
            "week" => today.checked_sub_signed(Duration::weeks(i64::from(n))),
            "month" => today.checked_sub_months(chrono::Months::new(n)),
            "year" => today.checked_sub_months(chrono::Months::new(n.checked_mul(12)?)),
            _ => None,
        };
        if let Some(day) = day {
            return Some((4, TimeKind::Range(RangeSpec::Absolute(day, day))));
        }
    }
    // "3 days ago".
    if let (Some(n), Some(u), "ago") = (number_word(w), unit(w1), w2) {
        return Some((
            3,
            TimeKind::Range(RangeSpec::Relative(format!("{n} {u}s ago"))),
        ));
    }
    // "since March", "since 2024", "since last month".
    if matches!(w, "since" | "after") {
        // "since the beginning of 2025", "since the start of April", "since
        // last October" (the latest October).
        let lead = match (w1, w2, t.get(i + 3).copied()) {
            ("the", "beginning" | "start", Some("of")) => 3,
            ("beginning" | "start", "of", _) => 2,
            ("last", m, _) if month(m).is_some() => 1,
            _ => 0,
        };
        // "since the start of the year": the current one.
        if lead > 0 {
            let k = i + 1 + lead;
            if let (Some("the" | "this"), Some(u)) =
                (t.get(k).copied(), t.get(k + 1).and_then(|w| unit(w)))
            {
                let start = period_start(today, u, 0);
                return Some((
                    lead + 3,
                    TimeKind::Range(RangeSpec::Absolute(start?, today)),
                ));
            }
        }
        if let Some((p, used)) = point(t, i + 1 + lead, today).filter(|_| lead > 0 || w != "after")
        {
            return Some((
                1 + lead + used,
                TimeKind::Range(RangeSpec::Absolute(p.start, today)),
            ));
        }
        if let Some((p, used)) = point(t, i + 1, today) {
            let start = if w == "after" {
                p.end.checked_add_signed(Duration::days(1))?
            } else {
                p.start
            };
            return Some((1 + used, TimeKind::Range(RangeSpec::Absolute(start, today))));
        }
        if matches!(w1, "last" | "this") {
            if let Some(u) = unit(w2) {
                let start = period_start(today, u, if w1 == "last" { 1 } else { 0 });
                return Some((3, TimeKind::Range(RangeSpec::Absolute(start?, today))));
            }
        }
    }
    // "between March and May 2024", "from 2023-01-01 to 2023-06-30"; but
    // "compare between April and May" names two periods.
    // "from yesterday to today": the days named are its ends.
    let end_at = |k: usize| point(t, k, today).or_else(|| super::points::day_named(t, k, today));
    if matches!(w, "between" | "from") && !super::compare_words::compares_periods_from(t, i) {
        if let Some((a, used_a)) = end_at(i + 1) {
            let j = i + 1 + used_a;
            if matches!(
                t.get(j).copied(),
                Some("and" | "to" | "until" | "through" | "till")
            ) {
                if let Some((b, used_b)) = end_at(j + 1) {
                    let a = if !a.has_year && b.has_year {
                        with_year(a, b.start.year())?
                    } else {
                        a
                    };
                    let end = if b.end < a.start {
                        with_year(b, a.start.year())?.end
                    } else {
                        b.end
                    };
                    let len = j + 1 + used_b - i;
                    return Some((len, TimeKind::Range(RangeSpec::Absolute(a.start, end))));
                }
            }
        }
    }
    // "in March", "during 2024", "for Q1 2024", "2024-03-14", "March 2024".
    // "over 2020": during it ("over 2000 orders" and "over 250" stay
    // conditions; see `filters`).
    let over_a_year = w == "over" && super::calendar::year_after_over(w1, t.get(i + 2).copied());
    let (k, prep) =
        if matches!(w, "in" | "during" | "for" | "of" | "on" | "throughout") || over_a_year {
            (i + 1, 1)
        } else {
            (i, 0)
        };
    if let Some((p, used)) = point(t, k, today) {
        // "may" is a verb as often as a month; other month names stand
        // alone ("december revenue by region").
        // "May revenue vs ...", "vs May": a month where no modal verb
        // would stand.
        let month_place = (k == 0
            && !matches!(
                t.get(k + 1).copied(),
                Some("i" | "we" | "you" | "they" | "he" | "she" | "it")
            ))
            || (k > 0
                && matches!(
                    t[k - 1],
                    "vs" | "and" | "to" | "from" | "than" | "until" | "this"
                ))
            // "the May of last year".
            || t.get(k + 1) == Some(&"of")
            // "revenue by category, May": no verb follows.
            || (k > 0 && k + 1 == t.len());
        if p.bare_month
            && prep == 0
            && matches!(t.get(k).copied(), Some("may" | "mar"))
            && !month_place
        {
            return None;
        }
        let p = time_shared(p, earlier, compare, today).unwrap_or(p);
        return Some((
            prep + used,
            TimeKind::Range(RangeSpec::Absolute(p.start, p.end)),
        ));
    }
    None
}

/// "Year to date": from the start of the current period of `unit` to today.
pub(super) fn to_date(today: NaiveDate, unit: &str) -> Option<TimeKind> {
    let start = period_start(today, unit, 0)?;
    Some(TimeKind::Range(RangeSpec::Absolute(start, today)))
}

/// First day of the period of `unit` containing `today`, `back` periods ago.
pub(super) fn period_start(today: NaiveDate, unit: &str, back: i32) -> Option<NaiveDate> {
    match unit {
        "year" => ymd(today.year().checked_sub(back)?, 1, 1),
        "quarter" => {
            let q0 = ((today.month0() / 3) as i32).checked_sub(back)?;
            let y = today.year().checked_add(q0.div_euclid(4))?;
            let q = u32::try_from(q0.rem_euclid(4)).ok()?;
            ymd(y, q * 3 + 1, 1)
        }
        "month" => {
            let m0 = (today.month0() as i32).checked_sub(back)?;
            let y = today.year().checked_add(m0.div_euclid(12))?;
            ymd(y, u32::try_from(m0.rem_euclid(12)).ok()? + 1, 1)
        }
        "week" => {
            let monday = today.checked_sub_signed(Duration::days(i64::from(
                today.weekday().num_days_from_monday(),
            )))?;
            monday.checked_sub_signed(Duration::try_weeks(i64::from(back))?)
        }
        _ => today.checked_sub_signed(Duration::try_days(i64::from(back))?),
    }
}

#[cfg(test)]
#[path = "time_unit_tests.rs"]
mod tests;
