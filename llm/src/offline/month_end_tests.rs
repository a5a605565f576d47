//! Month-end reports: spans of days written with a dash, a period restated
//! in brackets, "this May than last May", a month named last, every record
//! "largest first", net beside gross, and the value of the records a status
//! names; on the demo model and on a model with bare names.

use strata_engine::query::DateRangeSpec;

use super::fixtures::{bare, days, demo, filters, range, translate};
use super::*;

fn compared(t: &Translation) -> Vec<DateRangeSpec> {
    t.query
        .time_dimensions
        .iter()
        .flat_map(|td| td.compare_date_range.clone().unwrap_or_default())
        .collect()
}

fn pair(from: &str, to: &str) -> DateRangeSpec {
    DateRangeSpec::Pair(from.into(), to.into())
}

#[test]
fn a_dashed_span_of_days_is_one_range() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "Month-end check: orders by status, 1–31 May",
        "orders by status, 1-31 May",
        "orders by status, May 1-31",
        "orders by status, 1 May - 31 May",
    ] {
        let t = translate(&parser, q);
        assert_eq!(
            range(&t),
            days("2024-05-01", "2024-05-31"),
            "{q}: {:?}",
            t.query
        );
    }
    let t = translate(&parser, "Total gross profit for 1 Jan–30 Jun 2023");
    assert_eq!(range(&t), days("2023-01-01", "2023-06-30"), "{:?}", t.query);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales 1–31 March");
    assert_eq!(range(&t), days("2024-03-01", "2024-03-31"), "{:?}", t.query);
}

#[test]
fn two_dashed_spans_compare() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Net revenue, 1–31 May vs 1–30 April");
    assert_eq!(
        compared(&t),
        [
            pair("2024-05-01", "2024-05-31"),
            pair("2024-04-01", "2024-04-30")
        ]
    );
}

#[test]
fn a_period_restated_in_brackets_is_one_range() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "ASP by category for Q1 (1 Jan–31 Mar)");
    assert!(compared(&t).is_empty(), "{:?}", t.query);
    assert_eq!(range(&t), days("2024-01-01", "2024-03-31"));
}

#[test]
fn this_month_than_last_is_a_year_apart() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "did we get more orders this may than last may?");
    assert_eq!(t.query.measures, ["Orders.count"]);
    assert_eq!(
        compared(&t),
        [
            pair("2024-05-01", "2024-05-31"),
            pair("2023-05-01", "2023-05-31")
        ]
    );
    // Alone, "last October" is the latest October; "last March", before
    // this month, is this year's.
    let t = translate(&parser, "orders last october");
    assert_eq!(range(&t), days("2023-10-01", "2023-10-31"));
    let t = translate(&parser, "orders last march");
    assert_eq!(t.query.measures, ["Orders.count"]);
    assert_eq!(range(&t), days("2024-03-01", "2024-03-31"));
}

#[test]
fn a_month_named_last_is_a_month() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "revenue by category, May");
    assert_eq!(range(&t), days("2024-05-01", "2024-05-31"), "{:?}", t.query);
    // A modal verb is still no month.
    let t = translate(&parser, "may I see revenue by channel");
    assert_eq!(range(&t), None);
}

#[test]
fn every_record_largest_first_is_sorted_not_cut() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "List every order over 1,000 placed in May, largest first",
    );
    assert_eq!(t.query.dimensions, ["Orders.id", "Orders.total_amount"]);
    assert_eq!(
        t.query.order,
        Some(vec![("Orders.total_amount".to_owned(), true)])
    );
    assert_eq!(t.query.limit, None);
    // "the biggest order" is still one.
    let t = translate(&parser, "the biggest order in May");
    assert_eq!(t.query.limit, Some(1));
}

#[test]
fn net_and_gross_sharing_a_noun_are_two_figures() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Net vs gross revenue for May");
    assert_eq!(t.query.measures, ["Orders.revenue", "Orders.gross_revenue"]);
    assert!(compared(&t).is_empty());
}

#[test]
fn the_value_of_records_is_their_amount_not_their_count() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "What was the total value of the orders that were returned in May?",
        "Value of returned orders in May",
    ] {
        let t = translate(&parser, q);
        assert_eq!(t.query.measures, ["Orders.gross_revenue"], "{q}");
        assert!(
            filters(&t)
                .iter()
                .any(|(m, _, v)| m == "Orders.status" && v == &["returned"]),
            "{q}: {:?}",
            t.query
        );
    }
    // An average asks for the model's average.
    let t = translate(&parser, "average order value of returned orders");
    assert_ne!(t.query.measures, ["Orders.gross_revenue"]);
    // A model with no sum called a value keeps its reading.
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how many sales in Paris");
    assert_eq!(t.query.measures, ["shop_sales.count"]);
}

#[test]
fn a_period_over_period_word_beside_two_named_periods_compares_them() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "QoQ check: revenue Q3 2023 vs Q4 2023");
    assert_eq!(
        compared(&t),
        [
            pair("2023-07-01", "2023-09-30"),
            pair("2023-10-01", "2023-12-31")
        ]
    );
    // A typo of "cancelled" is still the cancelled orders.
    let t = translate(&parser, "how many orders got cancled this month?");
    assert!(
        t.query.measures == ["Orders.cancelled_count"]
            || filters(&t)
                .iter()
                .any(|(m, _, v)| m == "Orders.status" && v == &["cancelled"]),
        "{:?}",
        t.query
    );
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "QoQ total sales Q1 2024 vs Q2 2024");
    assert_eq!(compared(&t).len(), 2);
}
