//! Date ranges: absolute pairs and Cube's relative phrases ("last 7 days",
//! "this quarter"), resolved to local timestamps in the query's time zone.

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use strata_schema::Granularity;

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

/// Formats a local timestamp as Cube does: `2020-01-01T00:00:00.000`.
pub fn format_local(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
}

impl DateRange {
    /// Resolves a range written in a query, relative to `now` in `tz`.
    pub fn resolve(
        spec: &DateRangeSpec,
        tz: Tz,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<DateRange, QueryError> {
        let today = now.with_timezone(&tz).date_naive();
        let r = match spec {
            DateRangeSpec::Pair(a, b) => DateRange {
                from: parse_point(a, false)?,
                to: parse_point(b, true)?,
            },
            DateRangeSpec::Relative(s) => relative(s, today, now.with_timezone(&tz).naive_local())?,
        };
        if r.from > r.to {
            return Err(query_err!(
                "date range starts after it ends: {} .. {}",
                format_local(&r.from),
                format_local(&r.to)
            ));
        }
        Ok(r)
    }

    /// The pair Cube echoes in the normalized query.
    pub fn to_strings(&self) -> [String; 2] {
        [format_local(&self.from), format_local(&self.to)]
    }

    /// Converts both ends to UTC instants given the local zone.
    pub fn to_utc(&self, tz: Tz) -> (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) {
        (local_to_utc(&self.from, tz), local_to_utc(&self.to, tz))
    }
}

/// A local time to UTC, taking the earlier instant on ambiguity and moving
/// forward over a gap.
pub fn local_to_utc(t: &NaiveDateTime, tz: Tz) -> chrono::DateTime<chrono::Utc> {
    use chrono::offset::LocalResult;
    match tz.from_local_datetime(t) {
        LocalResult::Single(d) => d.with_timezone(&chrono::Utc),
        LocalResult::Ambiguous(a, _) => a.with_timezone(&chrono::Utc),
        LocalResult::None => local_to_utc(&(*t + Duration::hours(1)), tz),
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

/// Start of the period of `unit` containing `d` (weeks start on Monday).
pub fn period_start(d: NaiveDate, unit: Granularity) -> NaiveDate {
    match unit {
        Granularity::Week => d - Duration::days(d.weekday().num_days_from_monday() as i64),
        Granularity::Month => d.with_day(1).unwrap_or(d),
        Granularity::Quarter => {
            let m = (d.month0() / 3) * 3 + 1;
            NaiveDate::from_ymd_opt(d.year(), m, 1).unwrap_or(d)
        }
        Granularity::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap_or(d),
        _ => d,
    }
}

/// `d` moved by `n` periods of `unit` (days, weeks, months, quarters, years).
pub fn add_periods(d: NaiveDate, unit: Granularity, n: i64) -> NaiveDate {
    let months = |k: i64| {
        if k >= 0 {
            d.checked_add_months(Months::new(k as u32))
        } else {
            d.checked_sub_months(Months::new((-k) as u32))
        }
        .unwrap_or(d)
    };
    match unit {
        Granularity::Week => d + Duration::weeks(n),
        Granularity::Month => months(n),
        Granularity::Quarter => months(3 * n),
        Granularity::Year => months(12 * n),
        _ => d + Duration::days(n),
    }
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
fn whole_period(d: NaiveDate, unit: Granularity) -> DateRange {
    let start = period_start(d, unit);
    let next = add_periods(start, unit, 1);
    DateRange {
        from: start_of_day(start),
        to: end_of_day(next - Duration::days(1)),
    }
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
    match words.as_slice() {
        ["today"] => Ok(whole_period(today, Granularity::Day)),
        ["yesterday"] => Ok(whole_period(today - Duration::days(1), Granularity::Day)),
        ["tomorrow"] => Ok(whole_period(today + Duration::days(1), Granularity::Day)),
        [which @ ("this" | "last" | "next"), unit] => {
            let unit = unit_word(unit).ok_or_else(bad)?;
            let shift = match *which {
                "this" => 0,
                "last" => -1,
                _ => 1,
            };
            Ok(whole_period(add_periods(today, unit, shift), unit))
        }
        ["last", n, unit] => {
            let n: i64 = n.parse().map_err(|_| bad())?;
            let unit = unit_word(unit).ok_or_else(bad)?;
            let this_start = period_start(today, unit);
            Ok(DateRange {
                from: start_of_day(add_periods(this_start, unit, -n)),
                to: end_of_day(this_start - Duration::days(1)),
            })
        }
        ["next", n, unit] => {
            let n: i64 = n.parse().map_err(|_| bad())?;
            let unit = unit_word(unit).ok_or_else(bad)?;
            let next_start = add_periods(period_start(today, unit), unit, 1);
            Ok(DateRange {
                from: start_of_day(next_start),
                to: end_of_day(add_periods(next_start, unit, n) - Duration::days(1)),
            })
        }
        ["from", n, unit, "ago", "to", "now"] => {
            let n: i64 = n.parse().map_err(|_| bad())?;
            let unit = unit_word(unit).ok_or_else(bad)?;
            Ok(DateRange {
                from: start_of_day(add_periods(today, unit, -n)),
                to: now,
            })
        }
        [n, unit, "ago"] => {
            let n: i64 = n.parse().map_err(|_| bad())?;
            let unit = unit_word(unit).ok_or_else(bad)?;
            Ok(whole_period(add_periods(today, unit, -n), Granularity::Day))
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
}
