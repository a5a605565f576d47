//! Task and ticket wording, polite frames and dashboard specs: the words
//! around the ask are cut and what it asks for stays, on the demo model and
//! on a model with bare names.

use strata_engine::query::{DateRangeSpec, FilterOperator};

use super::fixtures::{bare, demo, filters, range, refine, translate};
use super::*;
use crate::intent::ChartType;

#[test]
fn instructions_and_tickets_ask_for_what_they_govern() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Determine the total sales for each store city in 2023.",
    );
    assert_eq!(t.query.measures, ["shop_sales.totalSales"]);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
    assert_eq!(
        range(&t),
        Some(DateRangeSpec::Pair(
            "2023-01-01".into(),
            "2023-12-31".into()
        ))
    );
    let t = translate(
        &parser,
        "Req: total sales by store city / Scope: 2023 / Format: table",
    );
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
    assert_eq!(t.chart, Some(ChartType::Table));
    assert!(range(&t).is_some(), "the scope is the period");
    // A verb that is also a name is cut only where it opens a clause.
    let t = translate(
        &parser,
        "Identify the store city with the highest total profit.",
    );
    assert_eq!(t.query.limit, Some(1));
    assert_eq!(t.query.measures, ["shop_sales.totalProfit"]);
}

#[test]
fn polite_frames_around_the_ask_are_cut() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "I was wondering whether you could tell me the revenue by channel last month?",
        "My boss wants to know the revenue by channel last month",
        "Would you be able to tell me the revenue by channel last month?",
        "Would you mind checking the revenue by channel last month?",
        "I'd love to get a sense of the revenue by channel last month",
    ] {
        let t = translate(&parser, q);
        assert_eq!(t.query.measures, ["Orders.revenue"], "{q}");
        assert_eq!(t.query.dimensions, ["Orders.channel"], "{q}");
        assert!(t.unmatched.is_empty(), "{q}: {:?}", t.unmatched);
    }
}

#[test]
fn a_number_tile_of_two_periods_is_drawn_as_a_comparison() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "KPI card: revenue, this month vs last month");
    let td = &t.query.time_dimensions[0];
    assert_eq!(td.compare_date_range.as_ref().map(Vec::len), Some(2));
    assert_eq!(t.chart, None, "one number cannot show two periods");
    let t = translate(&parser, "KPI card: revenue, this month");
    assert_eq!(t.chart, Some(ChartType::Number));
}

#[test]
fn the_last_year_after_over_is_the_trailing_twelve_months() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "orders each month over the last year");
    assert_eq!(
        range(&t),
        Some(DateRangeSpec::Relative("last 12 months".into()))
    );
    assert_eq!(
        t.query.time_dimensions[0].granularity.map(|g| g.as_str()),
        Some("month")
    );
    let t = translate(&parser, "orders last year");
    assert_eq!(range(&t), Some(DateRangeSpec::Relative("last year".into())));
}

#[test]
fn startup_words_and_joined_values() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "top line by month this year");
    assert_eq!(t.query.measures, ["Orders.revenue"]);
    let t = translate(
        &parser,
        "count orders by status last month excluding cancelled + returned",
    );
    assert_eq!(t.query.measures, ["Orders.count"]);
    let (_, op, values) = filters(&t)
        .into_iter()
        .find(|(m, _, _)| m == "Orders.status")
        .expect("a status filter");
    assert_eq!(op, FilterOperator::NotEquals);
    assert_eq!(values, ["cancelled", "returned"]);
}

#[test]
fn split_that_by_adds_a_grouping() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "orders by channel last month");
    let t = refine(&parser, &first, "split that by segment");
    assert_eq!(t.query.dimensions.len(), 2, "{:?}", t.query.dimensions);
    assert!(t.query.dimensions.iter().any(|d| d.ends_with("channel")));
    let t = refine(&parser, &first, "by segment instead");
    assert_eq!(t.query.dimensions.len(), 1, "{:?}", t.query.dimensions);
}

#[test]
fn counts_before_a_superlative_sorts_and_restatements() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Identify the three store cities with the lowest total sales.",
    );
    assert_eq!(t.query.limit, Some(3));
    assert_eq!(
        t.query.order,
        Some(vec![("shop_sales.totalSales".to_owned(), false)])
    );
    // "in descending order" sorts; it counts no orders.
    let t = translate(
        &parser,
        "total profit per store city, listed in descending order of that total",
    );
    assert_eq!(t.query.measures, ["shop_sales.totalProfit"]);
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "I hope this isn't a silly question, but what was revenue by channel last month?",
        "what revenue by channel looked like last month",
    ] {
        let t = translate(&parser, q);
        assert_eq!(t.query.measures, ["Orders.revenue"], "{q}");
        assert!(t.unmatched.is_empty(), "{q}: {:?}", t.unmatched);
    }
    // "we're running": a verb, not the value "Running".
    let t = translate(&parser, "average discount we're running this quarter");
    assert!(t.query.filters.is_empty(), "{:?}", t.query.filters);
}

#[test]
fn a_period_restated_with_say_is_not_a_comparison() {
    // "over the Christmas period, let's say December": one period said
    // twice; read as two it would compare Christmas Day with December.
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser.translate(
        "revenue over the Christmas period, let's say December",
        super::fixtures::today(),
    );
    let compared = t.as_ref().is_ok_and(|t| {
        t.query
            .time_dimensions
            .iter()
            .any(|td| td.compare_date_range.is_some())
    });
    assert!(!compared, "{t:?}");
}

#[test]
fn people_who_bought_something_are_the_buyers() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "How many people bought something each week last month?",
    );
    assert_eq!(t.query.measures, ["Orders.customer_count"]);
    assert!(t.unmatched.is_empty(), "{:?}", t.unmatched);
}

#[test]
fn distinct_buyers_opt_in_status_and_values_combined() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "How many distinct customers ordered from each channel last month?",
    );
    assert_eq!(t.query.measures, ["Orders.customer_count"]);
    let t = translate(&parser, "sign-ups by opt-in status this year");
    assert_eq!(t.query.dimensions, ["Users.marketing_opt_in"]);
    // "combined": one total over the values named, no split.
    let t = translate(
        &parser,
        "How many sign-ups did Germany and France bring in combined last year?",
    );
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query.dimensions);
    assert_eq!(t.query.measures, ["Users.count"]);
}

#[test]
fn customers_who_placed_orders_are_counted_once_and_sending_back_is_returning() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Number of customers who placed orders by channel last quarter",
    );
    assert_eq!(t.query.measures, ["Orders.customer_count"]);
    let t = translate(
        &parser,
        "Which channel sends back the biggest share of its orders?",
    );
    assert_eq!(t.query.measures, ["Orders.return_rate"]);
}
