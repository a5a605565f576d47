use chrono::NaiveDate;
use strata_engine::query::DateRangeSpec;

use crate::offline::text::tokenize;
use crate::offline::time::{find, RangeSpec, TimeKind};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 18).expect("date")
}

fn kinds(q: &str) -> Vec<TimeKind> {
    find(&tokenize(q), today())
        .into_iter()
        .map(|f| f.kind)
        .collect()
}

fn abs(a: &str, b: &str) -> TimeKind {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    TimeKind::Range(RangeSpec::Absolute(d(a), d(b)))
}

fn rel(s: &str) -> TimeKind {
    TimeKind::Range(RangeSpec::Relative(s.into()))
}

#[test]
fn halves() {
    assert_eq!(
        kinds("revenue in H1 2025"),
        [abs("2025-01-01", "2025-06-30")]
    );
    assert_eq!(
        kinds("orders in the first half of 2024"),
        [abs("2024-01-01", "2024-06-30")]
    );
    assert_eq!(
        kinds("second half of 2024"),
        [abs("2024-07-01", "2024-12-31")]
    );
    // H2 of this year has not started on June 18th: last year's.
    assert_eq!(kinds("sales in H2"), [abs("2024-07-01", "2024-12-31")]);
    assert_eq!(
        kinds("H1 vs H2 2024"),
        [
            abs("2024-01-01", "2024-06-30"),
            abs("2024-07-01", "2024-12-31")
        ]
    );
}

#[test]
fn week_numbers() {
    assert_eq!(
        kinds("orders in week 12 of 2025"),
        [abs("2025-03-17", "2025-03-23")]
    );
    assert_eq!(kinds("revenue W1 2025"), [abs("2024-12-30", "2025-01-05")]);
}

#[test]
fn months_sharing_a_year_are_one_range_unless_compared() {
    assert_eq!(
        kinds("revenue in January and February 2025"),
        [abs("2025-01-01", "2025-02-28")]
    );
    assert_eq!(
        kinds("compare January and February 2025"),
        [
            abs("2025-01-01", "2025-01-31"),
            abs("2025-02-01", "2025-02-28")
        ]
    );
    assert_eq!(
        kinds("January vs February 2025"),
        [
            abs("2025-01-01", "2025-01-31"),
            abs("2025-02-01", "2025-02-28")
        ]
    );
    // Not adjacent: each month on its own.
    assert_eq!(
        kinds("January and March 2025"),
        [
            abs("2025-01-01", "2025-01-31"),
            abs("2025-03-01", "2025-03-31")
        ]
    );
    assert_eq!(kinds("Q1 and Q2 2024"), [abs("2024-01-01", "2024-06-30")]);
    // Years stay apart.
    assert_eq!(
        kinds("revenue 2023 vs 2024"),
        [
            abs("2023-01-01", "2023-12-31"),
            abs("2024-01-01", "2024-12-31")
        ]
    );
}

#[test]
fn explicit_start_and_end_is_one_range() {
    assert_eq!(
        kinds("January to March 2025"),
        [abs("2025-01-01", "2025-03-31")]
    );
    assert_eq!(
        kinds("revenue 2025-01-01 to 2025-03-31"),
        [abs("2025-01-01", "2025-03-31")]
    );
    assert_eq!(
        kinds("compare revenue from January to March 2025"),
        [abs("2025-01-01", "2025-03-31")]
    );
}

#[test]
fn to_date_and_full_periods() {
    // To date: up to today, not the whole period.
    assert_eq!(kinds("so far this year"), [abs("2025-01-01", "2025-06-18")]);
    assert_eq!(
        kinds("this month so far"),
        [abs("2025-06-01", "2025-06-18")]
    );
    assert_eq!(
        kinds("zoom out to the month so far"),
        [abs("2025-06-01", "2025-06-18")]
    );
    assert_eq!(kinds("month to date"), [abs("2025-06-01", "2025-06-18")]);
    assert_eq!(kinds("YTD revenue"), [abs("2025-01-01", "2025-06-18")]);
    assert_eq!(kinds("this year"), [rel("this year")]);
    assert_eq!(
        kinds("the last 3 full months"),
        [abs("2025-03-01", "2025-05-31")]
    );
    assert_eq!(
        kinds("past two complete weeks"),
        [abs("2025-06-02", "2025-06-15")]
    );
    assert_eq!(kinds("last full month"), [abs("2025-05-01", "2025-05-31")]);
    // Without "full" the relative range stays.
    assert_eq!(kinds("last 3 months"), [rel("last 3 months")]);
}

#[test]
fn open_ranges_and_the_period_before() {
    assert_eq!(kinds("since March 2025"), [abs("2025-03-01", "2025-06-18")]);
    assert_eq!(
        kinds("starting April 2025"),
        [abs("2025-04-01", "2025-06-18")]
    );
    assert_eq!(
        kinds("from March 2025 onwards"),
        [abs("2025-03-01", "2025-06-18")]
    );
    assert_eq!(
        kinds("March 2025 vs the month before"),
        [
            abs("2025-03-01", "2025-03-31"),
            abs("2025-02-01", "2025-02-28")
        ]
    );
    assert_eq!(
        kinds("Q1 2025 compared to the previous quarter"),
        [
            abs("2025-01-01", "2025-03-31"),
            abs("2024-10-01", "2024-12-31")
        ]
    );
    assert_eq!(
        kinds("orders last month vs the month before"),
        [rel("last month"), abs("2025-04-01", "2025-04-30")]
    );
    assert_eq!(
        kinds("the month before last"),
        [abs("2025-04-01", "2025-04-30")]
    );
    assert_eq!(kinds("previous quarter"), [rel("last quarter")]);
}

#[test]
fn days_of_a_month() {
    assert_eq!(
        kinds("orders on March 15, 2025"),
        [abs("2025-03-15", "2025-03-15")]
    );
    assert_eq!(
        kinds("orders between Mar 1 and Mar 10 2025"),
        [abs("2025-03-01", "2025-03-10")]
    );
    assert_eq!(
        kinds("revenue from 1st May to 7th May"),
        [abs("2025-05-01", "2025-05-07")]
    );
    assert_eq!(
        kinds("revenue in calendar week 22 of 2025"),
        [abs("2025-05-26", "2025-06-01")]
    );
}

#[test]
fn halves_of_a_relative_year_and_the_same_period_a_year_earlier() {
    let model = strata_demo::model().expect("demo model");
    let catalog = crate::Catalog::from_model(&model);
    let parser = crate::offline::OfflineParser::for_model(&catalog, &model);
    let today = NaiveDate::from_ymd_opt(2026, 6, 17).expect("date");
    let t = parser
        .translate("revenue in the second half of last year by region", today)
        .expect("understood");
    let td = &t.query.time_dimensions[0];
    assert_eq!(
        td.date_range,
        Some(DateRangeSpec::Pair(
            "2025-07-01".into(),
            "2025-12-31".into()
        ))
    );
    assert!(td.compare_date_range.is_none());
    // "the same stretch" is the same period too.
    for question in [
        "YTD revenue vs the same period last year",
        "Is AOV so far this year higher than over the same stretch last year?",
    ] {
        let t = parser.translate(question, today).expect("understood");
        let td = &t.query.time_dimensions[0];
        assert_eq!(
            td.compare_date_range,
            Some(vec![
                DateRangeSpec::Pair("2026-01-01".into(), "2026-06-17".into()),
                DateRangeSpec::Pair("2025-01-01".into(), "2025-06-17".into()),
            ]),
            "{question}"
        );
    }
}

#[test]
fn period_over_period_abbreviations_compare_with_the_period_before() {
    let model = strata_demo::model().expect("demo model");
    let catalog = crate::Catalog::from_model(&model);
    let parser = crate::offline::OfflineParser::for_model(&catalog, &model);
    let today = NaiveDate::from_ymd_opt(2026, 6, 17).expect("date");
    let compared = |q: &str| {
        let t = parser.translate(q, today).expect("understood");
        t.query.time_dimensions[0]
            .compare_date_range
            .clone()
            .unwrap_or_default()
    };
    assert_eq!(
        compared("revenue YoY"),
        [
            DateRangeSpec::Relative("this year".into()),
            DateRangeSpec::Relative("last year".into())
        ]
    );
    assert_eq!(
        compared("orders in Q1 2026 QoQ"),
        [
            DateRangeSpec::Pair("2026-01-01".into(), "2026-03-31".into()),
            DateRangeSpec::Pair("2025-10-01".into(), "2025-12-31".into())
        ]
    );
    assert_eq!(
        compared("revenue this month MoM"),
        [
            DateRangeSpec::Relative("this month".into()),
            DateRangeSpec::Relative("last month".into())
        ]
    );
}

#[test]
fn written_dates() {
    // Slashes: a month, a day with the day first, a day with the month first.
    assert_eq!(
        kinds("revenue for 03/2025"),
        [abs("2025-03-01", "2025-03-31")]
    );
    assert_eq!(
        kinds("orders from 15/01/2025 to 15/02/2025"),
        [abs("2025-01-15", "2025-02-15")]
    );
    assert_eq!(
        kinds("orders on 01/15/2025"),
        [abs("2025-01-15", "2025-01-15")]
    );
    // An apostrophe year.
    assert_eq!(
        kinds("profit for Q4 '20"),
        [abs("2020-10-01", "2020-12-31")]
    );
    assert_eq!(kinds("units in Apr '25"), [abs("2025-04-01", "2025-04-30")]);
    // Days before their month.
    assert_eq!(
        kinds("sales from the 1st to the 15th of March 2020"),
        [abs("2020-03-01", "2020-03-15")]
    );
    assert_eq!(
        kinds("revenue 3rd-9th March"),
        [abs("2025-03-03", "2025-03-09")]
    );
}

#[test]
fn ambiguous_slashed_days_are_not_read() {
    assert!(kinds("orders on 03/04/2025").is_empty());
}

#[test]
fn dotted_days_are_day_first() {
    assert_eq!(
        kinds("revenue from 01.04.2025 until 15.04.2025"),
        [abs("2025-04-01", "2025-04-15")]
    );
    // A decimal is no date.
    assert!(kinds("discount over 0.25").is_empty());
}

#[test]
fn since_a_number_of_weeks_is_the_last_weeks() {
    assert_eq!(kinds("since two weeks"), kinds("the last 2 weeks"));
    assert_eq!(kinds("since 3 months"), kinds("the last 3 months"));
}

#[test]
fn since_a_day_of_this_month() {
    // Today is 2025-06-18.
    assert_eq!(
        kinds("revenue since the 1st"),
        [abs("2025-06-01", "2025-06-18")]
    );
    assert_eq!(
        kinds("orders since the 20th"),
        [abs("2025-05-20", "2025-06-18")]
    );
    assert_eq!(
        kinds("orders since the 3rd of March 2025"),
        [abs("2025-03-03", "2025-06-18")]
    );
}

#[test]
fn year_first_weeks_quarters_and_halves() {
    assert_eq!(
        kinds("orders placed in 2025-W22"),
        [abs("2025-05-26", "2025-06-01")]
    );
    assert_eq!(kinds("revenue 2025 H1"), [abs("2025-01-01", "2025-06-30")]);
    assert_eq!(
        kinds("revenue in 2024-Q4 vs 2025-Q1"),
        [
            abs("2024-10-01", "2024-12-31"),
            abs("2025-01-01", "2025-03-31")
        ]
    );
}

#[test]
fn quarters_listed_with_commas_share_the_year_after_them() {
    assert_eq!(
        kinds("compare orders in Q1, Q2 and Q3 of 2020"),
        [
            abs("2020-01-01", "2020-03-31"),
            abs("2020-04-01", "2020-06-30"),
            abs("2020-07-01", "2020-09-30")
        ]
    );
}

#[test]
fn days_of_the_week() {
    // Today, 2025-06-18, is a Wednesday.
    assert_eq!(
        kinds("sign-ups since Monday"),
        [abs("2025-06-16", "2025-06-18")]
    );
    assert_eq!(kinds("orders on Monday"), [abs("2025-06-16", "2025-06-16")]);
    // "last Tuesday" is the Tuesday of the week before, not yesterday.
    assert_eq!(
        kinds("revenue last Tuesday"),
        [abs("2025-06-10", "2025-06-10")]
    );
    assert_eq!(
        kinds("units last Friday"),
        [abs("2025-06-13", "2025-06-13")]
    );
    assert_eq!(
        kinds("revenue since last Thursday"),
        [abs("2025-06-12", "2025-06-18")]
    );
    // "on Mondays" is every Monday, not one day.
    assert!(kinds("orders on Mondays").is_empty());
}

#[test]
fn the_same_days_of_the_month_before() {
    assert_eq!(
        kinds("orders month-to-date compared with the same days last month"),
        [
            abs("2025-06-01", "2025-06-18"),
            abs("2025-05-01", "2025-05-18")
        ]
    );
}

#[test]
fn the_same_dates_in_a_named_year() {
    assert_eq!(
        kinds("revenue from June 1 to date vs the same dates in 2024"),
        [
            abs("2025-06-01", "2025-06-18"),
            abs("2024-06-01", "2024-06-18")
        ]
    );
}

#[test]
fn over_a_year_is_during_it() {
    assert_eq!(
        kinds("which products lost money over 2020"),
        [abs("2020-01-01", "2020-12-31")]
    );
}

#[test]
fn a_period_without_a_year_compared_with_a_dated_one_shares_its_year() {
    assert_eq!(
        kinds("was the second half of 2020 more profitable than the first half?"),
        [
            abs("2020-07-01", "2020-12-31"),
            abs("2020-01-01", "2020-06-30")
        ]
    );
    assert_eq!(
        kinds("was profit in Q3 2020 higher than in Q2?"),
        [
            abs("2020-07-01", "2020-09-30"),
            abs("2020-04-01", "2020-06-30")
        ]
    );
    assert_eq!(
        kinds("were sales in March 2020 better than in April?"),
        [
            abs("2020-03-01", "2020-03-31"),
            abs("2020-04-01", "2020-04-30")
        ]
    );
    // Not in the future: today is 2025-06-18, so Q4 is last year's.
    assert_eq!(
        kinds("orders in Q1 2025 compared with Q4"),
        [
            abs("2025-01-01", "2025-03-31"),
            abs("2024-10-01", "2024-12-31")
        ]
    );
    // Without a comparison, a bare quarter is the latest one.
    assert_eq!(
        kinds("profit in Q3 2020 and orders in Q2"),
        [
            abs("2020-07-01", "2020-09-30"),
            abs("2025-04-01", "2025-06-30")
        ]
    );
}

#[test]
fn the_same_span_of_another_year_is_the_span_named_before() {
    assert_eq!(
        kinds("sign-ups in the first five months of 2025 vs the same five months of 2024"),
        [
            abs("2025-01-01", "2025-05-31"),
            abs("2024-01-01", "2024-05-31")
        ]
    );
    assert_eq!(
        kinds("orders in the last two months of 2024 and the same two months of 2023"),
        [
            abs("2024-11-01", "2024-12-31"),
            abs("2023-11-01", "2023-12-31")
        ]
    );
    // With no span named before, "the same" names none.
    assert_eq!(
        kinds("orders in the same five months of 2024"),
        [abs("2024-01-01", "2024-12-31")]
    );
}

/// "May vs May of last year": the year is the second May's alone (one year
/// for both compared a month with itself); "this May" and "the May of last
/// year" are months, where "may" alone may be a verb.
#[test]
fn a_month_compared_with_itself_a_year_before() {
    assert_eq!(
        kinds("orders in May vs May of last year"),
        [
            abs("2025-05-01", "2025-05-31"),
            abs("2024-05-01", "2024-05-31")
        ]
    );
    assert_eq!(kinds("orders this May"), [abs("2025-05-01", "2025-05-31")]);
    assert_eq!(
        kinds("the May of last year"),
        [abs("2024-05-01", "2024-05-31")]
    );
    // A year after two different months is still theirs.
    assert_eq!(
        kinds("March vs April of last year"),
        [
            abs("2024-03-01", "2024-03-31"),
            abs("2024-04-01", "2024-04-30")
        ]
    );
}
