//! Seasons, and change between two periods: "how much did revenue change
//! from March to April" compares the months, "revenue from March to April"
//! spans them; periods of different sentences are never compared. On the
//! demo model and on a model with bare names.

use strata_engine::query::DateRangeSpec;

use super::fixtures::{bare, days, demo, range, translate};
use super::*;

fn compared(t: &Translation) -> Option<Vec<DateRangeSpec>> {
    t.query
        .time_dimensions
        .iter()
        .find_map(|td| td.compare_date_range.clone())
}

fn pair(from: &str, to: &str) -> DateRangeSpec {
    DateRangeSpec::Pair(from.into(), to.into())
}

#[test]
fn a_change_between_two_periods_compares_them() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let months = vec![
        pair("2024-03-01", "2024-03-31"),
        pair("2024-04-01", "2024-04-30"),
    ];
    for q in [
        "How much did revenue change from March to April?",
        "revenue: what's the delta between March and April?",
        "did revenue grow or shrink from March into April",
    ] {
        let t = translate(&parser, q);
        assert_eq!(compared(&t), Some(months.clone()), "{q}: {:?}", t.query);
    }
    let t = translate(
        &parser,
        "What's the % change in orders from Q4 last year to Q1?",
    );
    assert_eq!(
        compared(&t),
        Some(vec![
            pair("2023-10-01", "2023-12-31"),
            pair("2024-01-01", "2024-03-31"),
        ]),
        "{:?}",
        t.query
    );
    // Without a change asked, a start and an end are one range.
    let t = translate(&parser, "revenue from March to April");
    assert_eq!(compared(&t), None, "{:?}", t.query);
    assert_eq!(range(&t), days("2024-03-01", "2024-04-30"));
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "how much did total sales change between Q1 and Q2 2023",
    );
    assert_eq!(
        compared(&t),
        Some(vec![
            pair("2023-01-01", "2023-03-31"),
            pair("2023-04-01", "2023-06-30"),
        ]),
        "{:?}",
        t.query
    );
}

#[test]
fn seasons_are_ranges_of_months() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "How did we do over the winter? Net revenue, please.",
    );
    assert_eq!(range(&t), days("2023-12-01", "2024-02-29"), "{:?}", t.query);
    let t = translate(&parser, "B2B orders this spring?");
    assert_eq!(range(&t), days("2024-03-01", "2024-05-31"), "{:?}", t.query);
    let t = translate(&parser, "revenue over the holiday season");
    assert_eq!(range(&t), days("2023-11-01", "2023-12-31"), "{:?}", t.query);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales in summer 2023");
    assert_eq!(range(&t), days("2023-06-01", "2023-08-31"), "{:?}", t.query);
    let t = translate(&parser, "spring vs fall 2023: units sold");
    assert_eq!(
        compared(&t),
        Some(vec![
            pair("2023-03-01", "2023-05-31"),
            pair("2023-09-01", "2023-11-30"),
        ]),
        "{:?}",
        t.query
    );
}

#[test]
fn periods_of_different_sentences_are_not_compared() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Q1 was a slow one. What was revenue in Q2?");
    assert_eq!(compared(&t), None, "{:?}", t.query);
    assert_eq!(range(&t), days("2024-04-01", "2024-06-30"), "{:?}", t.query);
}

#[test]
fn a_change_over_one_period_is_its_course_or_asked_about() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how has revenue changed over the last 6 months");
    let td = &t.query.time_dimensions[0];
    assert!(td.granularity.is_some(), "{:?}", t.query);
    assert!(td.compare_date_range.is_none(), "{:?}", t.query);
    for q in [
        "how much did revenue change last month",
        "how has revenue changed?",
    ] {
        let asked = parser.translate(q, super::fixtures::today());
        assert!(
            matches!(asked, Err(LlmError::NeedsClarification { .. })),
            "{q}: {asked:?}"
        );
    }
}

#[test]
fn a_count_of_rows_a_condition_names_is_not_their_listing() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // Listing the customers would not say how many there are.
    let asked = parser.translate(
        "how many customers placed more than 10 orders in 2023",
        super::fixtures::today(),
    );
    assert!(asked.is_err(), "{asked:?}");
}

#[test]
fn growth_verbs_and_up_or_down_compare_the_periods_named() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "how much did revenue grow from March to April",
        "Were orders up or down from March to April?",
        "revenue increase between March and April",
    ] {
        let t = translate(&parser, q);
        assert_eq!(
            compared(&t),
            Some(vec![
                pair("2024-03-01", "2024-03-31"),
                pair("2024-04-01", "2024-04-30"),
            ]),
            "{q}: {:?}",
            t.query
        );
    }
    // An amount asked for stays the answer: "first" is a half here, not
    // the first order.
    let t = translate(
        &parser,
        "How much did AOV move between the first and second half of last year?",
    );
    assert_eq!(
        t.query.measures,
        ["Orders.average_order_value"],
        "{:?}",
        t.query
    );
    assert_eq!(
        compared(&t),
        Some(vec![
            pair("2023-01-01", "2023-06-30"),
            pair("2023-07-01", "2023-12-31"),
        ])
    );
}

#[test]
fn conditions_on_the_rows_shown_and_spoken_amounts() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "revenue by channel, only the ones above 2 million");
    let f = format!("{:?}", t.query.filters);
    assert!(f.contains("Orders.revenue") && f.contains("2000000"), "{f}");
    // "TTM": the trailing twelve months.
    let t = translate(&parser, "revenue TTM");
    assert_eq!(
        range(&t),
        Some(DateRangeSpec::Relative("last 12 months".into())),
        "{:?}",
        t.query
    );
}

#[test]
fn an_amount_in_words_said_of_grouped_rows_is_their_total() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "store cities with more than 1000 in profit");
    assert_eq!(
        t.query.measures,
        ["shop_sales.totalProfit"],
        "{:?}",
        t.query
    );
    let f = format!("{:?}", t.query.filters);
    assert!(
        f.contains("shop_sales.totalProfit") && f.contains("1000"),
        "{f}"
    );
}
