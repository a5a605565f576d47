//! Periods named by events and by parts of other periods: Easter and New
//! Year, the weeks before Christmas, the halves of a month, "the back half of
//! last year", "the last quarter of last year"; on the demo model and on a
//! model with bare names.

use strata_engine::query::DateRangeSpec;

use super::fixtures::{bare, demo, translate};
use super::*;

/// The pinned day of these tests: Wednesday 17 June 2026.
fn june_17() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 17).expect("date")
}

fn days(parser: &OfflineParser<'_>, q: &str) -> Vec<(String, String)> {
    let t = parser
        .translate(q, june_17())
        .unwrap_or_else(|e| panic!("{q:?} not understood: {e}"));
    let td = t.query.time_dimensions.first().expect("a time dimension");
    let pair = |r: &DateRangeSpec| match r {
        DateRangeSpec::Pair(a, b) => (a.clone(), b.clone()),
        DateRangeSpec::Relative(r) => (r.clone(), String::new()),
    };
    match (&td.date_range, &td.compare_date_range) {
        (Some(r), _) => vec![pair(r)],
        (None, Some(list)) => list.iter().map(pair).collect(),
        (None, None) => Vec::new(),
    }
}

fn span(a: &str, b: &str) -> (String, String) {
    (a.to_owned(), b.to_owned())
}

#[test]
fn holidays_that_move_and_spans_around_them() {
    for (catalog, model, measure) in [
        (demo().0, demo().1, "orders"),
        (bare().0, bare().1, "total sales"),
    ] {
        let parser = OfflineParser::for_model(&catalog, &model);
        let cases = [
            ("since Easter", span("2026-04-05", "2026-06-17")),
            ("over the Easter weekend", span("2026-04-03", "2026-04-06")),
            ("since New Year", span("2026-01-01", "2026-06-17")),
            (
                "over the Black Friday weekend last year",
                span("2025-11-28", "2025-11-30"),
            ),
            (
                "between Christmas and New Year",
                span("2025-12-25", "2026-01-01"),
            ),
            (
                "in the two weeks before Christmas",
                span("2025-12-11", "2025-12-24"),
            ),
            (
                "in the first half of December",
                span("2025-12-01", "2025-12-15"),
            ),
            (
                "in the second half of May",
                span("2026-05-16", "2026-05-31"),
            ),
            (
                "in the back half of last year",
                span("2025-07-01", "2025-12-31"),
            ),
        ];
        for (period, want) in cases {
            let q = format!("{measure} {period}");
            assert_eq!(days(&parser, &q), [want], "{q}");
        }
    }
}

#[test]
fn the_last_quarter_of_a_relative_year_is_its_fourth() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    assert_eq!(
        days(
            &parser,
            "return rate in the first quarter compared to the last quarter of last year"
        ),
        [
            span("2026-01-01", "2026-03-31"),
            span("2025-10-01", "2025-12-31")
        ]
    );
    // "two weeks" with nothing to count back from is asked about, not
    // dropped.
    assert!(parser
        .translate("orders in the two weeks", june_17())
        .is_err());
    let t = translate(&parser, "orders last quarter");
    assert!(t.query.time_dimensions[0].date_range.is_some());
}

#[test]
fn the_same_number_of_days_before_an_earlier_span() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    assert_eq!(
        days(&parser, "revenue in May vs the 10 days before"),
        [
            span("2026-05-01", "2026-05-31"),
            span("2026-04-21", "2026-04-30")
        ]
    );
    // "last 30 days" ends yesterday: the 30 days before end on 17 May.
    assert_eq!(
        days(&parser, "sign-ups last 30 days vs the 30 days before"),
        [
            ("last 30 days".to_owned(), String::new()),
            span("2026-04-18", "2026-05-17")
        ]
    );
}
