//! How people ask when they talk: hedges inside the question, spoken
//! self-corrections, yes/no questions that compare, and dates written with
//! slashes, apostrophes and ordinals; on the demo model and on a model with
//! bare names.

use strata_engine::query::{Filter, FilterOperator};

use super::fixtures::{bare, days, demo, equals, range, today, translate};
use super::*;

fn split_of(t: &Translation, member: &str, values: &[&str]) -> bool {
    let values: Vec<Option<String>> = values.iter().map(|v| Some((*v).to_owned())).collect();
    t.query.dimensions.iter().any(|d| d == member)
        && t.query.filters.iter().any(|f| {
            matches!(f, Filter::Member { member: m, operator: FilterOperator::Equals, values: v }
                if m == member && *v == values)
        })
}

#[test]
fn a_hedged_question_is_the_plain_one() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let plain = translate(&parser, "how many orders did we get yesterday");
    for q in [
        "Could you maybe, if it's not too much trouble, show me how many orders we got yesterday?",
        "Just out of curiosity, how many orders did we get yesterday? No rush.",
        "I was kind of wondering how many orders we got yesterday, if that's ok",
    ] {
        let t = translate(&parser, q);
        assert_eq!(t.query, plain.query, "{q:?}");
    }
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Sorry to bother you, but maybe total sales by store city?",
    );
    assert_eq!(t.query.measures, ["shop_sales.totalSales"]);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
}

#[test]
fn a_spoken_correction_keeps_what_was_meant() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Revenue for France, sorry, Germany, last month.");
    assert_eq!(
        t.query.filters,
        [equals("Countries.name", "Germany")],
        "{:?}",
        t.query
    );
    let t = translate(
        &parser,
        "Orders by channel for May... actually, make it April.",
    );
    assert_eq!(range(&t), days("2024-04-01", "2024-04-30"), "{:?}", t.query);
    assert!(t
        .query
        .time_dimensions
        .iter()
        .all(|td| td.compare_date_range.is_none()));
    let t = translate(
        &parser,
        "Top three categories, I mean top five, by units sold",
    );
    assert_eq!(t.query.limit, Some(5), "{:?}", t.query);
    let t = translate(&parser, "Units, no wait, revenue by channel this year");
    assert_eq!(t.query.measures, ["Orders.revenue"], "{:?}", t.query);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales for Lyon, sorry, Paris, in 2023");
    assert_eq!(t.query.filters, [equals("shop_sales.storeCity", "Paris")]);
    // A marker with nothing of its kind before it is no correction: asked.
    assert!(parser
        .translate("total sales in Lyon, sorry, by the way", today())
        .is_err());
}

#[test]
fn a_yes_no_question_compares() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Is the return rate on mobile higher than on web?");
    assert!(
        split_of(&t, "Orders.channel", &["mobile", "web"]),
        "{:?}",
        t.query
    );
    let t = translate(&parser, "Did Germany outspend France in 2023?");
    assert_eq!(t.query.measures, ["Orders.revenue"], "{:?}", t.query);
    assert!(
        split_of(&t, "Countries.name", &["Germany", "France"]),
        "{:?}",
        t.query
    );
    let t = translate(&parser, "Was Q1 2024 revenue better than Q4 2023?");
    let compared = t.query.time_dimensions[0].compare_date_range.clone();
    assert_eq!(compared.map(|c| c.len()), Some(2), "{:?}", t.query);
    let t = translate(
        &parser,
        "Has the cancellation rate been creeping up this year?",
    );
    assert!(
        t.query.time_dimensions[0].granularity.is_some(),
        "{:?}",
        t.query
    );
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Did Lyon outsell Paris in 2023?");
    assert_eq!(t.query.measures, ["shop_sales.unitsSold"], "{:?}", t.query);
    assert!(
        split_of(&t, "shop_sales.storeCity", &["Lyon", "Paris"]),
        "{:?}",
        t.query
    );
}

#[test]
fn written_dates_and_each_of_the_last_months() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "What was revenue for 03/2024?");
    assert_eq!(range(&t), days("2024-03-01", "2024-03-31"));
    let t = translate(&parser, "How many units did each category sell in Apr '24?");
    assert_eq!(range(&t), days("2024-04-01", "2024-04-30"), "{:?}", t.query);
    let t = translate(&parser, "Return rate for each of the last six months");
    assert_eq!(
        t.query.time_dimensions[0].granularity.map(|g| g.as_str()),
        Some("month")
    );
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "total sales from the 1st to the 15th of March 2023",
    );
    assert_eq!(range(&t), days("2023-03-01", "2023-03-15"), "{:?}", t.query);
}

#[test]
fn everyday_retail_words() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "What went out the door in units by category last month?",
    );
    let sold = translate(&parser, "units sold by category last month");
    assert_eq!(t.query, sold.query);
    let t = translate(&parser, "how many products fall into each price range");
    assert_eq!(t.query.measures, ["Products.count"], "{:?}", t.query);
    assert_eq!(
        t.query.dimensions,
        ["Products.price_range"],
        "{:?}",
        t.query
    );
    let t = translate(&parser, "how many baskets did we get yesterday");
    assert_eq!(t.query.measures, ["Orders.count"], "{:?}", t.query);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "units that went out the door by store city");
    assert_eq!(t.query.measures, ["shop_sales.unitsSold"], "{:?}", t.query);
}

#[test]
fn slashes_discounts_and_a_day_years_ago() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Orders / month - 2023");
    assert_eq!(
        t.query.time_dimensions[0].granularity.map(|g| g.as_str()),
        Some("month"),
        "{:?}",
        t.query
    );
    let t = translate(&parser, "How many units did we sell at a discount in 2023?");
    assert_eq!(t.query.segments, ["LineItems.discounted"], "{:?}", t.query);
    let t = translate(&parser, "One year ago today, how many orders came in?");
    assert_eq!(range(&t), days("2023-06-15", "2023-06-15"), "{:?}", t.query);
}

/// Of two views that serve a question equally, the one showing the members
/// the cubes would answer with: a channel ranked by what people buy counts
/// orders, not the line items' order count.
#[test]
fn a_view_agrees_with_the_cubes_it_shows() {
    let (mut catalog, model) = demo();
    for member in [
        "Users.age_group",
        "orders_overview.age_group",
        "sales_overview.age_group",
    ] {
        catalog.set_sample_values(member, vec!["18-24".into(), "25-34".into()]);
    }
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Which channel do 18-24s buy through the most?");
    assert_eq!(t.query.measures, ["orders_overview.count"], "{:?}", t.query);
    assert_eq!(
        t.query.dimensions,
        ["orders_overview.channel"],
        "{:?}",
        t.query
    );
}

/// "cancelled and returned orders": the two counts side by side, not one
/// counted among the other.
#[test]
fn counts_named_after_values_stand_side_by_side() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Cancelled and returned orders by payment method this year",
    );
    assert_eq!(
        t.query.measures,
        ["Orders.cancelled_count", "Orders.returned_count"],
        "{:?}",
        t.query
    );
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    // A filter on another dimension stays a filter.
    let t = translate(&parser, "returned orders paid by paypal this year");
    assert_eq!(t.query.filters.len(), 1, "{:?}", t.query);
}
