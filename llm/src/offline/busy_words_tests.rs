//! Words of operations and marketing: the busiest day, the priciest item,
//! orders holding at least one of something, the period before the one
//! named, "makes us the most money", sign-ups ranked and "have opted in";
//! on the demo model and on a model with bare names.

use strata_engine::query::{DateRangeSpec, FilterOperator};

use super::fixtures::{bare, demo, filters, translate};
use super::*;

#[test]
fn the_busiest_period_is_the_one_with_the_most_orders() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "What was our busiest day in May?");
    assert_eq!(t.query.measures, ["Orders.count"]);
    assert_eq!(t.query.limit, Some(1));
    assert_eq!(t.query.order, Some(vec![("Orders.count".to_owned(), true)]));
    let td = &t.query.time_dimensions[0];
    assert_eq!(td.granularity, crate::translation::granularity("day"));
}

#[test]
fn the_priciest_item_is_the_most_expensive() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "what's the priciest item we sell in Books?");
    assert_eq!(
        t.query.order,
        Some(vec![("Products.price".to_owned(), true)])
    );
    assert_eq!(t.query.limit, Some(1));
    assert!(
        filters(&t)
            .iter()
            .any(|(m, _, v)| m == "Products.category" && v == &["Books"]),
        "{:?}",
        t.query
    );
}

#[test]
fn the_period_before_is_the_one_before_the_period_named() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let compared = |q: &str| {
        translate(&parser, q).query.time_dimensions[0]
            .compare_date_range
            .clone()
            .unwrap_or_else(|| panic!("{q}: no comparison"))
    };
    let days = compared("How did yesterday compare with the day before on number of orders?");
    assert_eq!(
        days[1],
        DateRangeSpec::Pair("2024-06-13".into(), "2024-06-13".into())
    );
    let quarters = compared("Return rate last quarter vs the one before?");
    assert_eq!(
        quarters[1],
        DateRangeSpec::Pair("2023-10-01".into(), "2023-12-31".into())
    );
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "totalSales last month vs the one before");
    let ranges = t.query.time_dimensions[0]
        .compare_date_range
        .clone()
        .expect("compared");
    assert_eq!(
        ranges[1],
        DateRangeSpec::Pair("2024-04-01".into(), "2024-04-30".into())
    );
}

#[test]
fn making_money_is_earning_not_the_brand() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Which category makes the most money?");
    assert_eq!(t.query.dimensions.len(), 1, "{:?}", t.query);
    assert!(t.query.dimensions[0].ends_with("category"));
    assert_eq!(t.query.limit, Some(1));
}

#[test]
fn opted_in_and_sign_ups_ranked_keep_their_condition() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "How many customers have opted in?");
    assert_eq!(t.query.measures, ["Users.opted_in_count"]);
    let t = translate(&parser, "Which age group signed up the most this year?");
    assert_eq!(t.query.measures, ["Users.count"]);
    assert_eq!(t.query.dimensions, ["Users.age_group"]);
    assert_eq!(t.query.limit, Some(1));
    let t = translate(
        &parser,
        "How many orders last week had at least one Books item in them?",
    );
    assert!(
        filters(&t).iter().any(|(m, op, v)| m.ends_with("category")
            && *op == FilterOperator::Equals
            && v == &["Books"]),
        "{:?}",
        t.query
    );
    assert!(
        t.query.measures[0].ends_with("order_count"),
        "{:?}",
        t.query
    );
}

#[test]
fn records_counted_are_counted_and_a_total_asked_beside_joins() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "How many order lines were sold at a discount last month?",
    );
    assert_eq!(t.query.measures, ["LineItems.count"], "{:?}", t.query);
    // Units named stay units.
    let t = translate(&parser, "how many units were sold last month");
    assert!(t.query.measures[0].ends_with("units_sold"), "{:?}", t.query);
    let t = translate(
        &parser,
        "For each region, how many accounts are business customers and how many are there in total?",
    );
    assert_eq!(
        t.query.measures,
        ["Users.business_count", "Users.count"],
        "{:?}",
        t.query
    );
}

#[test]
fn people_named_before_an_ask_about_them_are_not_dropped() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let asked = parser.translate(
        "I'm planning a campaign for our business customers. How many of them are opted in, by country?",
        super::fixtures::today(),
    );
    // Answered with the business customers, or asked about; never the
    // opted-in count of every customer.
    if let Ok(t) = asked {
        let business = t.query.segments.iter().any(|s| s.ends_with("business"))
            || filters(&t).iter().any(|(_, _, v)| v == &["business"])
            || t.query
                .measures
                .iter()
                .any(|m| m.ends_with("business_count"));
        assert!(business, "{:?}", t.query);
    }
}

#[test]
fn every_grouping_of_a_list_after_by_stays() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "status" is also a word of the order count's description.
    let t = translate(&parser, "orders by channel and status last month");
    assert_eq!(
        t.query.dimensions,
        ["Orders.channel", "Orders.status"],
        "{:?}",
        t.query
    );
}

#[test]
fn the_record_in_a_single_day_is_the_one_day() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "what's the all-time record for orders in a single day",
        "most orders in a single day ever",
    ] {
        let t = translate(&parser, q);
        assert_eq!(t.query.measures, ["Orders.count"], "{q}");
        assert_eq!(t.query.limit, Some(1), "{q}: {:?}", t.query);
        let td = &t.query.time_dimensions[0];
        assert_eq!(td.granularity, crate::translation::granularity("day"));
    }
}

#[test]
fn a_rolling_window_said_in_words_is_the_window() {
    let yaml = r#"
cubes:
  - name: sales
    sql_table: s
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: orderDate, sql: t, type: time}
    measures:
      - {name: count, type: count}
      - {name: rollingCountBy2Week, type: count, rolling_window: {trailing: 2 week}}
      - {name: rollingCountBy2Month, type: count, rolling_window: {trailing: 2 month}}
"#;
    let (catalog, model) = super::fixtures::model_from_yaml(yaml);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "rolling two week order count by day for december twenty twenty",
    );
    assert_eq!(
        t.query.measures,
        ["sales.rollingCountBy2Week"],
        "{:?}",
        t.query
    );
    let t = translate(&parser, "Rolling two-month order count, by month, for 2020");
    assert_eq!(
        t.query.measures,
        ["sales.rollingCountBy2Month"],
        "{:?}",
        t.query
    );
}

#[test]
fn the_last_order_from_a_place_is_the_cube_s_moment_not_a_view_listing() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "When did we last get an order from Germany?");
    assert_eq!(t.query.measures, ["Orders.last_order_at"], "{:?}", t.query);
    assert!(filters(&t)
        .iter()
        .any(|(m, _, v)| m == "Countries.name" && v == &["Germany"]));
    let t = translate(&parser, "first ever order from a customer in France");
    assert_eq!(t.query.measures, ["Orders.first_order_at"], "{:?}", t.query);
}

#[test]
fn the_largest_orders_from_a_place_are_listed_on_the_cubes() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Show me the 10 biggest orders from Germany this year",
    );
    assert_eq!(
        t.query.dimensions,
        ["Orders.id", "Orders.total_amount"],
        "{:?}",
        t.query
    );
    assert_eq!(t.query.limit, Some(10));
    assert_eq!(
        t.query.order,
        Some(vec![("Orders.total_amount".to_owned(), true)])
    );
    assert!(filters(&t)
        .iter()
        .any(|(m, _, v)| m == "Countries.name" && v == &["Germany"]));
    let t = translate(&parser, "the biggest order from France last month");
    assert_eq!(t.query.limit, Some(1));
}
