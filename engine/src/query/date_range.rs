//! Date ranges: absolute pairs and Cube's relative phrases ("last 7 days",
//! "this quarter"), resolved to local timestamps in the query's time zone.
//!
//! All date arithmetic here is checked: a count or a date too large for the
//! calendar is a [`QueryError`] (HTTP 400), never a panic, and every range a
//! query names must fall within [`TimeBounds::SUPPORTED`] (years 1 to 9999).

use chrono::{
    Datelike, Days, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
};
use chrono_tz::Tz;
use strata_schema::{Granularity, Interval, IntervalUnit};

use super::request::DateRangeSpec;
use crate::error::{query_err, QueryError};

/// A resolved date range in the query's local time, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// First instant (local).
    pub from: NaiveDateTime,
    /// Last instant (local), `23:59:59.999` for whole days.
    pub to: NaiveDateTime,
}

/// The span of instants a back end can hold, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeBounds {
    /// First instant.
    pub first: NaiveDateTime,
    /// Last instant.
    pub last: NaiveDateTime,
    /// Who imposes the bound, for messages (empty for the engine's own).
    pub scope: &'static str,
}

/// `y-m-d` at `h:mi:s.ms` in a constant (a wrong constant fails to compile).
const fn datetime(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> NaiveDateTime {
    match (
        NaiveDate::from_ymd_opt(y, m, d),
        NaiveTime::from_hms_milli_opt(h, mi, s, ms),
    ) {
        (Some(date), Some(time)) => NaiveDateTime::new(date, time),
        _ => panic!("invalid date constant"),
    }
}

impl TimeBounds {
    /// Years 1 to 9999, the dates every query may name and every instant the
    /// engine computes for PostgreSQL: what a four-digit ISO date can write,
    /// well inside chrono's ±262,143 years and PostgreSQL's `timestamp`
    /// (4713 BC to 294276 AD), so that no date arithmetic of the engine or
    /// of the database overflows. Both ends of a range must also be within
    /// them in UTC (`9999-12-31` ends a range in UTC, not in New York).
    pub const SUPPORTED: TimeBounds = TimeBounds {
        first: datetime(1, 1, 1, 0, 0, 0, 0),
        last: datetime(9999, 12, 31, 23, 59, 59, 999),
        scope: "",
    };

    /// What DataFusion's `timestamp` holds (nanoseconds since 1970 in an
    /// `i64`: 1677-09-21T00:12:43 to 2262-04-11T23:47:16), to whole days.
    pub const DATAFUSION: TimeBounds = TimeBounds {
        first: datetime(1677, 9, 22, 0, 0, 0, 0),
        last: datetime(2262, 4, 10, 23, 59, 59, 999),
        scope: " for the in-process (DataFusion) engine",
    };

    /// Whether `t` is within the bounds.
    pub fn contains(&self, t: &NaiveDateTime) -> bool {
        self.first <= *t && *t <= self.last
    }

    /// The error for `what` falling outside the bounds.
    pub fn out_of_range(&self, what: impl std::fmt::Display) -> QueryError {
        query_err!(
            "{what} is out of range{}: dates must fall between {} and {}",
            self.scope,
            self.first.date(),
            self.last.date()
        )
    }

    /// Checks that `t` is within the bounds; `what` names it in the error.
    pub fn check(&self, t: &NaiveDateTime, what: impl std::fmt::Display) -> Result<(), QueryError> {
        if self.contains(t) {
            Ok(())
        } else {
            Err(self.out_of_range(what))
        }
    }

    /// Longest interval (rolling window bound, time shift) worth writing, in
    /// seconds: the whole span, as any longer one moves every instant out of
    /// the bounds (compare with `interval_seconds`).
    pub fn max_interval_seconds(&self) -> i64 {
        (self.last - self.first).num_seconds()
    }
}

/// Formats a local timestamp as Cube does: `2020-01-01T00:00:00.000`.
pub fn format_local(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
}

impl DateRange {
    /// Resolves a range written in a query, relative to `now` in `tz`; the
    /// range must lie within [`TimeBounds::SUPPORTED`], locally and in UTC.
    pub fn resolve(
        spec: &DateRangeSpec,
        tz: Tz,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<DateRange, QueryError> {
        let local_now = now.with_timezone(&tz).naive_local();
        let r = match spec {
            DateRangeSpec::Pair(a, b) => DateRange {
                from: parse_point(a, false)?,
                to: parse_point(b, true)?,
            },
            DateRangeSpec::Relative(s) => relative(s, local_now.date(), local_now)?,
        };
        let bounds = TimeBounds::SUPPORTED;
        let (from_utc, to_utc) = r.to_utc(tz);
        if ![r.from, r.to, from_utc.naive_utc(), to_utc.naive_utc()]
            .iter()
            .all(|t| bounds.contains(t))
        {
            return Err(bounds.out_of_range(match spec {
                DateRangeSpec::Relative(s) => format!("Date range \"{s}\" ({})", r.describe()),
                DateRangeSpec::Pair(..) => format!("Date range {}", r.describe()),
            }));
        }
        if r.from > r.to {
            return Err(query_err!(
                "date range starts after it ends: {}",
                r.describe()
            ));
        }
        Ok(r)
    }

    /// `from .. to`, for messages.
    pub fn describe(&self) -> String {
        format!("{} .. {}", format_local(&self.from), format_local(&self.to))
    }

    /// The pair Cube echoes in the normalized query.
    pub fn to_strings(&self) -> [String; 2] {
        [format_local(&self.from), format_local(&self.to)]
    }

    /// Converts both ends to UTC instants given the local zone.
    pub fn to_utc(&self, tz: Tz) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
        (local_to_utc(&self.from, tz), local_to_utc(&self.to, tz))
    }

    /// How many buckets of `g` a time series over the range holds: the
    /// instants `truncate(from, g) + k·g` up to `to`, as PostgreSQL's
    /// `generate_series(date_trunc(g, from), to, interval '1 g')` makes them.
    /// `None` only when the range is beyond chrono's calendar.
    pub fn buckets(&self, g: Granularity) -> Option<u64> {
        let start = truncate(&self.from, g)?;
        let steps = match g {
            Granularity::Month | Granularity::Quarter | Granularity::Year => {
                let months = |t: &NaiveDateTime| i64::from(t.year()) * 12 + i64::from(t.month0());
                let per = match g {
                    Granularity::Month => 1,
                    Granularity::Quarter => 3,
                    _ => 12,
                };
                (months(&self.to) - months(&start)).div_euclid(per)
            }
            fixed => {
                let step = match fixed {
                    Granularity::Second => 1,
                    Granularity::Minute => 60,
                    Granularity::Hour => 3_600,
                    Granularity::Week => 7 * 86_400,
                    _ => 86_400,
                };
                (self.to - start).num_seconds().div_euclid(step)
            }
        };
        u64::try_from(steps).ok().map(|n| n.saturating_add(1))
    }
}

/// A local time to UTC, taking the earlier instant on ambiguity and moving
/// forward over a gap.
pub fn local_to_utc(t: &NaiveDateTime, tz: Tz) -> chrono::DateTime<chrono::Utc> {
    use chrono::offset::LocalResult;
    match tz.from_local_datetime(t) {
        LocalResult::Single(d) => d.with_timezone(&chrono::Utc),
        LocalResult::Ambiguous(a, _) => a.with_timezone(&chrono::Utc),
        LocalResult::None => match t.checked_add_signed(Duration::hours(1)) {
            Some(later) => local_to_utc(&later, tz),
            // The last hour chrono knows: read it as UTC.
            None => t.and_utc(),
        },
    }
}

fn end_of_day(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::from_hms_milli_opt(23, 59, 59, 999).unwrap_or(NaiveTime::MIN))
}

fn start_of_day(d: NaiveDate) -> NaiveDateTime {
    d.and_time(NaiveTime::MIN)
}

/// Parses `2020-01-01`, `2020-01-01T10:00:00[.sss][Z]` or `2020-01-01 10:00:00`.
fn parse_point(s: &str, is_end: bool) -> Result<NaiveDateTime, QueryError> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(if is_end {
            end_of_day(d)
        } else {
            start_of_day(d)
        });
    }
    let trimmed = s.trim_end_matches('Z');
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(trimmed, fmt) {
            return Ok(t);
        }
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.naive_utc());
    }
    Err(query_err!(
        "Invalid date \"{s}\" in dateRange: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS"
    ))
}

/// Start of the period of `unit` containing `d` (weeks start on Monday);
/// `d` itself for days and finer units. `None` before chrono's first week.
pub fn period_start(d: NaiveDate, unit: Granularity) -> Option<NaiveDate> {
    match unit {
        Granularity::Week => {
            d.checked_sub_days(Days::new(u64::from(d.weekday().num_days_from_monday())))
        }
        Granularity::Month => d.with_day(1),
        Granularity::Quarter => NaiveDate::from_ymd_opt(d.year(), (d.month0() / 3) * 3 + 1, 1),
        Granularity::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1),
        _ => Some(d),
    }
}

/// `t` truncated to the start of its bucket of `g`, as SQL's `date_trunc`.
pub fn truncate(t: &NaiveDateTime, g: Granularity) -> Option<NaiveDateTime> {
    let time = |h: u32, m: u32, s: u32| NaiveTime::from_hms_opt(h, m, s);
    match g {
        Granularity::Second => Some(t.date().and_time(time(t.hour(), t.minute(), t.second())?)),
        Granularity::Minute => Some(t.date().and_time(time(t.hour(), t.minute(), 0)?)),
        Granularity::Hour => Some(t.date().and_time(time(t.hour(), 0, 0)?)),
        _ => period_start(t.date(), g).map(start_of_day),
    }
}

/// `d` moved by `n` periods of `unit` (days, weeks, months, quarters, years;
/// finer units move by days). `None` when the result is beyond chrono's
/// calendar or `n` periods overflow.
pub fn add_periods(d: NaiveDate, unit: Granularity, n: i64) -> Option<NaiveDate> {
    let months = |k: i64| {
        let m = Months::new(u32::try_from(k.unsigned_abs()).ok()?);
        if k >= 0 {
            d.checked_add_months(m)
        } else {
            d.checked_sub_months(m)
        }
    };
    match unit {
        Granularity::Week => d.checked_add_signed(Duration::try_weeks(n)?),
        Granularity::Month => months(n),
        Granularity::Quarter => months(n.checked_mul(3)?),
        Granularity::Year => months(n.checked_mul(12)?),
        _ => d.checked_add_signed(Duration::try_days(n)?),
    }
}

/// `t` moved by `n` times `interval` (negative `n` moves back), as SQL's
/// `t + n * interval` computes it (months keep the day, clamped to the
/// month's end). `None` on overflow.
pub fn add_interval(t: &NaiveDateTime, interval: Interval, n: i64) -> Option<NaiveDateTime> {
    let amount = interval.amount.checked_mul(n)?;
    let seconds = |per: i64| t.checked_add_signed(Duration::try_seconds(amount.checked_mul(per)?)?);
    match interval.unit {
        IntervalUnit::Second => seconds(1),
        IntervalUnit::Minute => seconds(60),
        IntervalUnit::Hour => seconds(3_600),
        unit => add_periods(t.date(), unit, amount).map(|d| d.and_time(t.time())),
    }
}

/// Approximate length of `interval` in seconds (a month is 1/12 of a
/// 365.2425-day year), saturating; for comparing with
/// [`TimeBounds::max_interval_seconds`].
pub fn interval_seconds(interval: Interval) -> i64 {
    let per: i64 = match interval.unit {
        IntervalUnit::Second => 1,
        IntervalUnit::Minute => 60,
        IntervalUnit::Hour => 3_600,
        IntervalUnit::Day => 86_400,
        IntervalUnit::Week => 7 * 86_400,
        IntervalUnit::Month => 2_629_746,
        IntervalUnit::Quarter => 3 * 2_629_746,
        IntervalUnit::Year => 31_556_952,
    };
    interval.amount.saturating_abs().saturating_mul(per)
}

fn unit_word(w: &str) -> Option<Granularity> {
    let w = w.strip_suffix('s').unwrap_or(w);
    match w {
        "day" | "date" => Some(Granularity::Day),
        "week" => Some(Granularity::Week),
        "month" => Some(Granularity::Month),
        "quarter" => Some(Granularity::Quarter),
        "year" => Some(Granularity::Year),
        _ => None,
    }
}

/// The whole period of `unit` that contains `d`.
fn whole_period(d: NaiveDate, unit: Granularity) -> Option<DateRange> {
    let start = period_start(d, unit)?;
    let last = add_periods(start, unit, 1)?.pred_opt()?;
    Some(DateRange {
        from: start_of_day(start),
        to: end_of_day(last),
    })
}

/// The day `n` periods of `unit` before `today`.
fn periods_ago(today: NaiveDate, unit: Granularity, n: i64) -> Option<NaiveDate> {
    add_periods(today, unit, n.checked_neg()?)
}

/// The `n` whole periods of `unit` before the one containing `today`.
fn last_n(today: NaiveDate, unit: Granularity, n: i64) -> Option<DateRange> {
    let this_start = period_start(today, unit)?;
    Some(DateRange {
        from: start_of_day(periods_ago(this_start, unit, n)?),
        to: end_of_day(this_start.pred_opt()?),
    })
}

/// The `n` whole periods of `unit` after the one containing `today`.
fn next_n(today: NaiveDate, unit: Granularity, n: i64) -> Option<DateRange> {
    let next_start = add_periods(period_start(today, unit)?, unit, 1)?;
    Some(DateRange {
        from: start_of_day(next_start),
        to: end_of_day(add_periods(next_start, unit, n)?.pred_opt()?),
    })
}

fn relative(s: &str, today: NaiveDate, now: NaiveDateTime) -> Result<DateRange, QueryError> {
    let lower = s.trim().to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let bad = || {
        query_err!(
            "Can't parse date range \"{s}\": use e.g. \"today\", \"yesterday\", \"this month\", \
             \"last quarter\", \"last 7 days\", \"from 3 days ago to now\" or a pair of dates"
        )
    };
    let count = |n: &str| n.parse::<i64>().map_err(|_| bad());
    let unit = |u: &str| unit_word(u).ok_or_else(bad);
    // Arithmetic beyond chrono's calendar: far outside the supported dates.
    let range = |r: Option<DateRange>| {
        r.ok_or_else(|| TimeBounds::SUPPORTED.out_of_range(format!("Date range \"{s}\"")))
    };
    match words.as_slice() {
        ["today"] => range(whole_period(today, Granularity::Day)),
        ["yesterday"] => range(
            today
                .pred_opt()
                .and_then(|d| whole_period(d, Granularity::Day)),
        ),
        ["tomorrow"] => range(
            today
                .succ_opt()
                .and_then(|d| whole_period(d, Granularity::Day)),
        ),
        [which @ ("this" | "last" | "next"), u] => {
            let unit = unit(u)?;
            let shift = match *which {
                "this" => 0,
                "last" => -1,
                _ => 1,
            };
            range(add_periods(today, unit, shift).and_then(|d| whole_period(d, unit)))
        }
        ["last", n, u] => range(last_n(today, unit(u)?, count(n)?)),
        ["next", n, u] => range(next_n(today, unit(u)?, count(n)?)),
        ["from", n, u, "ago", "to", "now"] => {
            let back = periods_ago(today, unit(u)?, count(n)?);
            range(back.map(|d| DateRange {
                from: start_of_day(d),
                to: now,
            }))
        }
        [n, u, "ago"] => {
            let back = periods_ago(today, unit(u)?, count(n)?);
            range(back.and_then(|d| whole_period(d, Granularity::Day)))
        }
        ["from", a, "to", b] => Ok(DateRange {
            from: parse_point(a, false)?,
            to: parse_point(b, true)?,
        }),
        [single] => {
            let from = parse_point(single, false).map_err(|_| bad())?;
            let to = parse_point(single, true).map_err(|_| bad())?;
            Ok(DateRange { from, to })
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn at(s: &str) -> chrono::DateTime<Utc> {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn r(s: &str) -> [String; 2] {
        DateRange::resolve(
            &DateRangeSpec::Relative(s.into()),
            Tz::UTC,
            at("2024-05-15T10:00:00Z"),
        )
        .unwrap()
        .to_strings()
    }

    #[test]
    fn relative_ranges_match_cube() {
        assert_eq!(
            r("today"),
            ["2024-05-15T00:00:00.000", "2024-05-15T23:59:59.999"]
        );
        assert_eq!(
            r("last 7 days"),
            ["2024-05-08T00:00:00.000", "2024-05-14T23:59:59.999"]
        );
        assert_eq!(
            r("this quarter"),
            ["2024-04-01T00:00:00.000", "2024-06-30T23:59:59.999"]
        );
        assert_eq!(
            r("last month"),
            ["2024-04-01T00:00:00.000", "2024-04-30T23:59:59.999"]
        );
        assert_eq!(
            r("last week"),
            ["2024-05-06T00:00:00.000", "2024-05-12T23:59:59.999"]
        );
        assert_eq!(
            r("last 3 months"),
            ["2024-02-01T00:00:00.000", "2024-04-30T23:59:59.999"]
        );
        assert_eq!(
            r("this year"),
            ["2024-01-01T00:00:00.000", "2024-12-31T23:59:59.999"]
        );
    }

    #[test]
    fn pairs_and_errors() {
        let p = DateRange::resolve(
            &DateRangeSpec::Pair("2020-01-01".into(), "2020-12-31".into()),
            Tz::UTC,
            Utc::now(),
        )
        .unwrap();
        assert_eq!(
            p.to_strings(),
            ["2020-01-01T00:00:00.000", "2020-12-31T23:59:59.999"]
        );
        for bad in ["soon", "last many days", "2020-13-01"] {
            assert!(
                DateRange::resolve(&DateRangeSpec::Relative(bad.into()), Tz::UTC, Utc::now())
                    .is_err()
            );
        }
        assert!(DateRange::resolve(
            &DateRangeSpec::Pair("2021-01-01".into(), "2020-01-01".into()),
            Tz::UTC,
            Utc::now()
        )
        .is_err());
    }

    #[test]
    fn converts_to_utc() {
        let tz: Tz = "America/New_York".parse().unwrap();
        let p = DateRange::resolve(
            &DateRangeSpec::Pair("2024-01-01".into(), "2024-01-01".into()),
            tz,
            Utc::now(),
        )
        .unwrap();
        assert_eq!(p.to_utc(tz).0.to_rfc3339(), "2024-01-01T05:00:00+00:00");
    }

    /// Resolves `spec` in `tz` at `now`, catching a panic as an `Err` naming it.
    fn resolve_caught(
        spec: &DateRangeSpec,
        tz: Tz,
        now: chrono::DateTime<Utc>,
    ) -> Result<Result<DateRange, QueryError>, String> {
        std::panic::catch_unwind(|| DateRange::resolve(spec, tz, now))
            .map_err(|_| format!("resolving {spec:?} in {tz} at {now} panicked"))
    }

    #[test]
    fn huge_relative_ranges_are_errors_not_panics() {
        let now = at("2024-05-15T10:00:00Z");
        for s in [
            "last 99999999999 days",
            "next 99999999999 years",
            "last 99999999999 weeks",
            "next 99999999999 weeks",
            "last 99999999999 months",
            "last 9999999999 quarters",
            "last 4294967296 months",
            "last 9223372036854775807 years",
            "next -9223372036854775808 days",
            "99999999999 days ago",
            "-99999999999 days ago",
            "from 99999999999 days ago to now",
            "from 9223372036854775807 quarters ago to now",
        ] {
            let spec = DateRangeSpec::Relative(s.into());
            let r = resolve_caught(&spec, Tz::UTC, now).unwrap_or_else(|e| panic!("{e}"));
            let err = r.expect_err(s).to_string();
            assert!(err.contains("out of range"), "{s}: {err}");
        }
    }

    #[test]
    fn dates_outside_years_1_to_9999_are_refused() {
        let now = at("2024-05-15T10:00:00Z");
        // chrono reads years beyond 9999 and before 0 with a sign only.
        for (a, b) in [
            ("2020-01-01", "+99999-12-31"),
            ("2020-01-01", "+10000-01-01"),
            ("2020-01-01", "+10000-01-01T00:00:00"),
            ("-99999-01-01", "2020-01-01"),
            ("0000-12-31", "2020-01-01"),
            ("2020-01-01", "+262000-12-31"),
            ("-262000-01-01", "2020-01-01"),
        ] {
            let spec = DateRangeSpec::Pair(a.into(), b.into());
            let r = resolve_caught(&spec, Tz::UTC, now).unwrap_or_else(|e| panic!("{e}"));
            let err = r.expect_err(b).to_string();
            assert!(err.contains("out of range"), "{a} .. {b}: {err}");
        }
        let unsigned = DateRangeSpec::Pair("2020-01-01".into(), "99999-12-31".into());
        let err = DateRange::resolve(&unsigned, Tz::UTC, now).expect_err("5 digits");
        assert!(err.to_string().contains("Invalid date"), "{err}");
        // The ends of the span themselves are fine in UTC...
        let whole = DateRangeSpec::Pair("0001-01-01".into(), "9999-12-31".into());
        assert_eq!(
            DateRange::resolve(&whole, Tz::UTC, now)
                .unwrap()
                .to_strings(),
            ["0001-01-01T00:00:00.000", "9999-12-31T23:59:59.999"]
        );
        // ...but not where they are another year in UTC.
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        let first = DateRangeSpec::Pair("0001-01-01".into(), "2020-01-01".into());
        assert!(DateRange::resolve(&first, tokyo, now).is_err());
        let ny: Tz = "America/New_York".parse().unwrap();
        assert!(DateRange::resolve(&whole, ny, now).is_err());
    }

    #[test]
    fn last_n_months_does_not_wrap() {
        // 2^32 months used to wrap to 0 in a u32.
        let now = at("2024-05-15T10:00:00Z");
        let spec = DateRangeSpec::Relative("last 4294967297 months".into());
        let r = resolve_caught(&spec, Tz::UTC, now).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.is_err(), "{r:?}");
    }

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").unwrap()
    }

    #[test]
    fn buckets_count_like_generate_series() {
        let y2020 = DateRange {
            from: t("2020-01-01T00:00:00"),
            to: t("2020-12-31T23:59:59.999"),
        };
        let cases = [
            (Granularity::Second, 366 * 86_400),
            (Granularity::Minute, 366 * 1_440),
            (Granularity::Hour, 366 * 24),
            (Granularity::Day, 366),
            // 2020-01-01 is a Wednesday: the first week starts 2019-12-30.
            (Granularity::Week, 53),
            (Granularity::Month, 12),
            (Granularity::Quarter, 4),
            (Granularity::Year, 1),
        ];
        for (g, n) in cases {
            assert_eq!(y2020.buckets(g), Some(n), "{g:?}");
        }
        let mid = DateRange {
            from: t("2020-02-15T10:30:00"),
            to: t("2021-02-14T00:00:00"),
        };
        assert_eq!(mid.buckets(Granularity::Month), Some(13));
        assert_eq!(mid.buckets(Granularity::Quarter), Some(5));
        assert_eq!(mid.buckets(Granularity::Year), Some(2));
        assert_eq!(mid.buckets(Granularity::Hour), Some(365 * 24 - 10 + 1));
        let whole = DateRange {
            from: TimeBounds::SUPPORTED.first,
            to: TimeBounds::SUPPORTED.last,
        };
        assert_eq!(whole.buckets(Granularity::Year), Some(9999));
        assert_eq!(whole.buckets(Granularity::Second), Some(315_537_897_600));
    }

    #[test]
    fn intervals_move_times_with_checked_arithmetic() {
        let i = |amount: i64, unit: IntervalUnit| Interval { amount, unit };
        let jan31 = t("2020-01-31T10:00:00");
        assert_eq!(
            add_interval(&jan31, i(1, IntervalUnit::Month), 1),
            Some(t("2020-02-29T10:00:00"))
        );
        assert_eq!(
            add_interval(&jan31, i(1, IntervalUnit::Quarter), -1),
            Some(t("2019-10-31T10:00:00"))
        );
        assert_eq!(
            add_interval(&jan31, i(36, IntervalUnit::Hour), 1),
            Some(t("2020-02-01T22:00:00"))
        );
        // 99,999,999,999 seconds are only 3,169 years: not in the list.
        for unit in [
            IntervalUnit::Hour,
            IntervalUnit::Day,
            IntervalUnit::Week,
            IntervalUnit::Quarter,
            IntervalUnit::Year,
        ] {
            for amount in [99_999_999_999, i64::MAX, i64::MIN] {
                for n in [1, -1] {
                    assert_eq!(
                        add_interval(&jan31, i(amount, unit), n),
                        None,
                        "{amount} {unit:?}"
                    );
                }
            }
        }
        assert_eq!(interval_seconds(i(i64::MIN, IntervalUnit::Year)), i64::MAX);
        assert_eq!(interval_seconds(i(-2, IntervalUnit::Day)), 172_800);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        const UNITS: &[&str] = &[
            "day", "days", "date", "week", "weeks", "month", "months", "quarter", "quarters",
            "year", "years",
        ];
        const ZONES: &[&str] = &[
            "UTC",
            "America/New_York",
            "Asia/Tokyo",
            "Pacific/Kiritimati",
            "Pacific/Pago_Pago",
            "Europe/Paris",
        ];

        const GRANULARITIES: &[Granularity] = &[
            Granularity::Second,
            Granularity::Minute,
            Granularity::Hour,
            Granularity::Day,
            Granularity::Week,
            Granularity::Month,
            Granularity::Quarter,
            Granularity::Year,
        ];

        /// Any millisecond within [`TimeBounds::SUPPORTED`].
        fn supported() -> impl Strategy<Value = NaiveDateTime> {
            let first = TimeBounds::SUPPORTED.first.and_utc().timestamp_millis();
            let last = TimeBounds::SUPPORTED.last.and_utc().timestamp_millis();
            (first..=last).prop_map(|ms| {
                chrono::DateTime::from_timestamp_millis(ms)
                    .unwrap_or_default()
                    .naive_utc()
            })
        }

        /// Counts: small, large, at the edges of i64.
        fn count() -> impl Strategy<Value = i64> {
            prop_oneof![
                -5i64..400,
                any::<i64>(),
                Just(i64::MAX),
                Just(i64::MIN),
                Just(99_999_999_999),
                (0u32..64).prop_map(|b| 1i64 << b),
            ]
        }

        fn relative() -> impl Strategy<Value = String> {
            let unit = proptest::sample::select(UNITS);
            (0usize..7, count(), unit).prop_map(|(form, n, u)| match form {
                0 => format!("last {n} {u}"),
                1 => format!("next {n} {u}"),
                2 => format!("{n} {u} ago"),
                3 => format!("from {n} {u} ago to now"),
                4 => format!("this {u}"),
                5 => format!("last {u}"),
                _ => format!("next {u}"),
            })
        }

        /// Dates with any year chrono may parse, months and days out of range too.
        fn date() -> impl Strategy<Value = String> {
            let year = prop_oneof![1i32..10_000, -300_000i32..300_000];
            (
                year,
                0u32..14,
                0u32..33,
                proptest::option::of((0u32..25, 0u32..61)),
            )
                .prop_map(|(y, m, d, time)| {
                    let day = if y < 0 {
                        format!("-{:04}-{m:02}-{d:02}", -i64::from(y))
                    } else if y > 9999 {
                        format!("+{y}-{m:02}-{d:02}")
                    } else {
                        format!("{y:04}-{m:02}-{d:02}")
                    };
                    match time {
                        Some((h, mi)) => format!("{day}T{h:02}:{mi:02}:00"),
                        None => day,
                    }
                })
        }

        fn spec() -> impl Strategy<Value = DateRangeSpec> {
            prop_oneof![
                relative().prop_map(DateRangeSpec::Relative),
                (date(), date()).prop_map(|(a, b)| DateRangeSpec::Pair(a, b)),
                date().prop_map(DateRangeSpec::Relative),
                (date(), date())
                    .prop_map(|(a, b)| DateRangeSpec::Relative(format!("from {a} to {b}"))),
            ]
        }

        /// `now` anywhere in years 1 to 9999.
        fn now() -> impl Strategy<Value = chrono::DateTime<Utc>> {
            (-62_135_596_800i64..253_402_300_799)
                .prop_map(|s| chrono::DateTime::from_timestamp(s, 0).unwrap_or_default())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

            #[test]
            fn resolving_never_panics_and_stays_in_bounds(
                spec in spec(),
                zone in proptest::sample::select(ZONES),
                now in now(),
            ) {
                let tz: Tz = zone.parse().unwrap();
                let r = resolve_caught(&spec, tz, now);
                prop_assert!(r.is_ok(), "{}", r.err().unwrap_or_default());
                if let Ok(Ok(range)) = r {
                    prop_assert!(range.from <= range.to, "{spec:?}: {range:?}");
                    let first = NaiveDate::from_ymd_opt(1, 1, 1).unwrap().and_time(NaiveTime::MIN);
                    let last = NaiveDate::from_ymd_opt(9999, 12, 31)
                        .unwrap()
                        .and_hms_milli_opt(23, 59, 59, 999)
                        .unwrap();
                    let (a, b) = range.to_utc(tz);
                    for t in [range.from, range.to, a.naive_utc(), b.naive_utc()] {
                        prop_assert!(first <= t && t <= last, "{spec:?} in {zone}: {t}");
                    }
                }
            }

            #[test]
            fn intervals_and_granularities_never_panic(
                from in supported(),
                to in supported(),
                amount in count(),
                n in prop_oneof![Just(1i64), Just(-1), any::<i64>()],
                unit in proptest::sample::select(GRANULARITIES),
            ) {
                let interval = Interval { amount, unit };
                let moved = std::panic::catch_unwind(|| add_interval(&from, interval, n));
                prop_assert!(moved.is_ok(), "{from} + {n} x {interval}");
                prop_assert!(std::panic::catch_unwind(|| interval_seconds(interval)).is_ok());
                let start = std::panic::catch_unwind(|| truncate(&from, unit));
                prop_assert!(matches!(start, Ok(Some(s)) if s <= from), "{from} by {unit:?}");
                let range = DateRange { from: from.min(to), to: from.max(to) };
                let buckets = std::panic::catch_unwind(|| range.buckets(unit));
                prop_assert!(matches!(buckets, Ok(Some(b)) if b >= 1), "{range:?} by {unit:?}");
            }
        }
    }
}
