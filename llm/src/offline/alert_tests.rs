//! Alert messages pasted into the chat: the claim gives the figure, values
//! and period a reaction leans on; its movement is no condition; a reaction
//! that stands alone is answered alone; a reaction leaning on a claim that
//! cannot be read is refused. On the demo model and on a model with bare
//! names.

use strata_engine::query::DateRangeSpec;

use super::fixtures::{bare, days, demo, filter_on, measures, range, today, translate};
use super::*;

#[test]
fn a_reaction_leaning_on_the_claim_takes_its_figure_values_and_period() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "ALERT: average discount on Books 2x higher than usual last week. \
         Which brands are driving it?",
    );
    let measure = t.query.measures.first().cloned().unwrap_or_default();
    assert!(measure.ends_with(".average_discount"), "{:?}", t.query);
    assert!(t.query.dimensions.iter().any(|d| d.ends_with(".brand")));
    let category = t
        .query
        .dimensions
        .iter()
        .chain(&t.query.measures)
        .next()
        .map(|m| format!("{}.category", m.split('.').next().unwrap_or_default()))
        .unwrap_or_default();
    assert_eq!(
        filter_on(&t, &category).map(|(_, v)| v),
        Some(vec!["Books".to_owned()]),
        "{:?}",
        t.query
    );
    assert_eq!(range(&t), Some(DateRangeSpec::Relative("last week".into())));
    // "driving it": the brands that drive the figure first.
    assert_eq!(t.query.order, Some(vec![(measure, true)]));

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "[Warning] total sales in Lyon down 40% yesterday (threshold 10%). \
         What was it each day over the last 14 days?",
    );
    assert_eq!(measures(&t), ["shop_sales.totalSales"]);
    assert_eq!(
        filter_on(&t, "shop_sales.storeCity").map(|(_, v)| v),
        Some(vec!["Lyon".to_owned()])
    );
    let td = &t.query.time_dimensions[0];
    assert_eq!(
        td.granularity.map(|g| format!("{g:?}")).as_deref(),
        Some("Day"),
        "{:?}",
        t.query
    );
    assert_ne!(range(&t), days("2024-06-14", "2024-06-14"));
}

#[test]
fn a_reaction_that_stands_alone_is_answered_alone() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // The claim names web; the reaction splits by channel, so web is a row
    // of the answer, not a filter.
    let t = translate(
        &parser,
        "Heads-up from the BI bot: business orders on web at zero this week. \
         Confirm with business orders by channel for this week.",
    );
    assert!(
        t.query.dimensions.iter().any(|d| d.ends_with(".channel")),
        "{:?}",
        t.query
    );
    assert!(
        !format!("{:?}", t.query.filters).contains("\"web\""),
        "{:?}",
        t.query.filters
    );

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Monitor: units sold in Paris up 300% today. Units sold per store city today?",
    );
    assert_eq!(measures(&t), ["shop_sales.unitsSold"]);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
    assert_eq!(filter_on(&t, "shop_sales.storeCity"), None);
}

#[test]
fn a_reaction_leaning_on_an_unreadable_claim_is_refused() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "Voltix Headphones Pro" is no value the fixture knows: "how many of
    // them" must not count every unit sold.
    let asked = "Stock alert: Voltix Headphones Pro below 10 units in the warehouse. \
                 How many of them did we sell in the last 7 days?";
    assert!(parser.translate(asked, today()).is_err());

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let asked = "ALERT: checkout latency 4.2s for Zurich shoppers. How many of them bought today?";
    assert!(parser.translate(asked, today()).is_err());
}

#[test]
fn a_quoted_figure_without_a_header_is_read_as_before_when_the_alert_reading_fails() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "True or false: total sales in Lyon are above 20%. Show the figure.",
    );
    assert_eq!(measures(&t), ["shop_sales.totalSales"]);
}

#[test]
fn a_span_from_yesterday_to_today_is_one_range() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "orders per hour from yesterday to today");
    assert_eq!(range(&t), days("2024-06-14", "2024-06-15"));
    let t = translate(&parser, "how did revenue change from yesterday to today");
    assert!(t.query.time_dimensions[0].compare_date_range.is_some());

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "units sold from yesterday until today");
    assert_eq!(range(&t), days("2024-06-14", "2024-06-15"));
}
