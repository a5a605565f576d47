//! Sort phrases, counts a more specific measure already names, records named
//! by their key, bare month names and open ranges, on the demo model and on
//! a model with bare names.

use strata_engine::query::{DateRangeSpec, Filter, FilterOperator};

use super::fixtures::{bare, days, demo, equals, range, today, translate};
use super::*;

#[test]
fn highest_first_sorts_without_picking_one_row() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for (q, desc) in [
        ("opt-in rate by country, highest first", true),
        ("revenue by channel, sorted highest to lowest", true),
        ("average discount by brand, lowest first", false),
    ] {
        let t = translate(&parser, q);
        let order = t.query.order.clone().unwrap_or_default();
        assert_eq!(order.len(), 1, "{q}: {:?}", t.query);
        assert_eq!(order[0].1, desc, "{q}: {:?}", t.query);
        assert_eq!(t.query.limit, None, "{q}: {:?}", t.query);
    }
    // The single largest is still one row.
    assert_eq!(
        translate(&parser, "which channel had the highest revenue")
            .query
            .limit,
        Some(1)
    );
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales by store city, lowest first");
    assert_eq!(
        t.query.order,
        Some(vec![("shop_sales.totalSales".into(), false)])
    );
    assert_eq!(t.query.limit, None);
}

#[test]
fn a_count_named_by_a_more_specific_measure_is_no_second_figure() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "how many German customers opted in to marketing emails?",
    );
    assert_eq!(t.query.measures, ["Users.opted_in_count"], "{:?}", t.query);
    assert_eq!(t.query.filters, [equals("Countries.name", "Germany")]);
    let t = translate(&parser, "quarterly opt-in rate of signups");
    assert_eq!(t.query.measures, ["Users.opt_in_rate"], "{:?}", t.query);
    // Asked for side by side, both stay.
    let t = translate(&parser, "customers and opted-in customers by country");
    assert_eq!(t.query.measures.len(), 2, "{:?}", t.query);
}

#[test]
fn a_record_named_by_its_key_is_a_filter() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how many orders has customer 812 placed?");
    assert_eq!(t.query.measures, ["Orders.count"], "{:?}", t.query);
    assert_eq!(t.query.filters, [equals("Users.id", "812")]);
    let t = translate(&parser, "what status is order #4821 in");
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    // The record's row shows its key beside the status looked up.
    assert_eq!(t.query.dimensions, ["Orders.id", "Orders.status"]);
    assert_eq!(t.query.filters, [equals("Orders.id", "4821")]);
    // A number that is a limit or a year is not a key.
    let t = translate(&parser, "top 5 customers by revenue in 2023");
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales of shopper 77");
    assert_eq!(t.query.measures, ["shop_sales.totalSales"], "{:?}", t.query);
    assert_eq!(t.query.filters, [equals("shoppers.id", "77")]);
    let t = translate(&parser, "what loyalty tier is shopper 77 in");
    assert_eq!(
        t.query.dimensions,
        ["shoppers.id", "shoppers.loyaltyTier"],
        "{:?}",
        t.query
    );
}

#[test]
fn bare_months_and_open_ranges() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "december revenue by channel");
    assert_eq!(range(&t), days("2023-12-01", "2023-12-31"));
    let t = translate(&parser, "revenue in June last year");
    assert_eq!(range(&t), days("2023-06-01", "2023-06-30"));
    let t = translate(&parser, "revenue by quarter since the beginning of 2023");
    assert_eq!(range(&t), days("2023-01-01", "2024-06-15"));
    // "may" alone stays a verb.
    let t = translate(&parser, "may I see revenue by channel");
    assert_eq!(range(&t), None, "{:?}", t.query);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "units sold since the start of April");
    assert_eq!(range(&t), days("2024-04-01", "2024-06-15"));
}

#[test]
fn below_zero_is_a_condition() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "products with profit below zero");
    let found = t.query.filters.iter().any(|f| {
        matches!(f, Filter::Member { operator: FilterOperator::Lt, values, .. }
            if values == &[Some("0".to_owned())])
    });
    assert!(found, "{:?}", t.query);
}

#[test]
fn capitals_name_the_value_they_abbreviate() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values(
        "Countries.name",
        vec![
            "United Kingdom".into(),
            "United States".into(),
            "Germany".into(),
        ],
    );
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how many customers are based in the UK");
    assert_eq!(t.query.measures, ["Users.count"]);
    assert_eq!(
        t.query.filters,
        [equals("Countries.name", "United Kingdom")]
    );
    // Lower case "us" is a pronoun.
    let t = translate(&parser, "show us revenue by channel");
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    let (catalog, model) = bare();
    let mut catalog = catalog;
    catalog.set_sample_values(
        "shop_sales.storeCity",
        vec!["New York City".into(), "Paris".into()],
    );
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales in NYC");
    assert_eq!(
        t.query.filters,
        [equals("shop_sales.storeCity", "New York City")]
    );
}

#[test]
fn the_subject_of_a_verb_and_the_spender_are_no_figures() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "how many orders did customers in Germany place last year",
    );
    assert_eq!(t.query.measures, ["Orders.count"], "{:?}", t.query);
    let t = translate(&parser, "how much did shoppers spend in March 2024?");
    assert_eq!(t.query.measures, ["Orders.revenue"], "{:?}", t.query);
    // "how many" still counts the shoppers.
    let t = translate(&parser, "how many shoppers spent money in March 2024?");
    assert!(t.query.measures[0].ends_with("count"), "{:?}", t.query);
    let t = translate(&parser, "total revenue all time, just the number");
    assert!(t.query.time_dimensions.is_empty(), "{:?}", t.query);
}

#[test]
fn listed_records_keep_the_condition_of_their_count() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "list yesterday's cancelled orders with their amounts",
    );
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.filters, [equals("Orders.status", "cancelled")]);
    let t = translate(&parser, "the 20 largest completed orders from Q1 2024");
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.segments, ["Orders.completed"], "{:?}", t.query);
    assert_eq!(t.query.limit, Some(20));
    // A plain count adds nothing.
    let t = translate(&parser, "the 5 largest orders last month");
    assert!(t.query.segments.is_empty() && t.query.filters.is_empty());
}

#[test]
fn business_abbreviations_and_new_things_counted() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "aov b2b vs b2c last qtr");
    assert!(
        t.query.dimensions.iter().any(|d| d.ends_with("segment")),
        "{:?}",
        t.query
    );
    let t = translate(&parser, "new customers by month");
    assert_eq!(t.query.measures, ["Users.count"], "{:?}", t.query);
    // Compared with returning ones, "new" is no filler.
    assert!(parser
        .translate("revenue from new vs returning customers", today())
        .is_err());
}

#[test]
fn a_negation_reaches_every_value_of_its_list() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let not = |values: &[&str]| Filter::Member {
        member: "Orders.status".into(),
        operator: FilterOperator::NotEquals,
        values: values.iter().map(|v| Some((*v).to_owned())).collect(),
    };
    let t = translate(
        &parser,
        "orders by channel excluding cancelled and returned",
    );
    assert_eq!(
        t.query.filters,
        [not(&["cancelled", "returned"])],
        "{:?}",
        t.query
    );
    let previous = translate(&parser, "orders by status last month");
    let t = parser
        .refine(&previous, "exclude cancelled and returned", today())
        .expect("refined");
    assert_eq!(
        t.query.filters,
        [not(&["cancelled", "returned"])],
        "{:?}",
        t.query
    );
}

#[test]
fn the_same_day_last_year_is_a_year_before_the_day_compared() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let compared = |t: &Translation| {
        t.query
            .time_dimensions
            .first()
            .and_then(|td| td.compare_date_range.clone())
    };
    let previous = translate(&parser, "revenue yesterday");
    let t = parser
        .refine(&previous, "compare with the same day last year", today())
        .expect("refined");
    assert_eq!(
        compared(&t),
        Some(vec![
            DateRangeSpec::Relative("yesterday".into()),
            DateRangeSpec::Pair("2023-06-14".into(), "2023-06-14".into()),
        ])
    );
    assert_eq!(t.query.time_dimensions[0].granularity, None);
    let t = translate(&parser, "revenue this month vs the same month last year");
    let ranges = compared(&t).expect("a comparison");
    assert_eq!(
        ranges[1],
        DateRangeSpec::Pair("2023-06-01".into(), "2023-06-30".into())
    );
}

#[test]
fn rows_counted_listed_and_filtered_by_their_own_columns() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how many sales lines had a negative profit?");
    assert_eq!(t.query.measures, ["shop_sales.count"], "{:?}", t.query);
    let lt = Filter::Member {
        member: "shop_sales.profit".into(),
        operator: FilterOperator::Lt,
        values: vec![Some("0".into())],
    };
    assert_eq!(t.query.filters, [lt]);
    let t = translate(&parser, "10 largest sales lines");
    assert_eq!(t.query.dimensions, ["shop_sales.id", "shop_sales.amount"]);
    assert_eq!(t.query.limit, Some(10));
    let t = translate(
        &parser,
        "which store cities had more than 1000 in total sales?",
    );
    assert_eq!(t.query.measures, ["shop_sales.totalSales"]);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
    let t = translate(&parser, "list all shopper loyalty tiers");
    assert_eq!(
        t.query.dimensions,
        ["shoppers.loyaltyTier"],
        "{:?}",
        t.query
    );
    assert!(t.query.measures.is_empty());
}

#[test]
fn periods_values_and_columns_read_in_context() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values("Products.brand", vec!["Kestrel".into(), "Voltix".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    // "vs last" after "this quarter" is the quarter before.
    let t = translate(&parser, "cancellations this quarter vs last");
    let compared = t.query.time_dimensions[0].compare_date_range.clone();
    assert_eq!(
        compared,
        Some(vec![
            DateRangeSpec::Relative("this quarter".into()),
            DateRangeSpec::Relative("last quarter".into()),
        ]),
        "{:?}",
        t.query
    );
    // A year after compared months is their year.
    let t = translate(&parser, "march vs april orders 2023");
    let compared = t.query.time_dimensions[0].compare_date_range.clone();
    assert_eq!(
        compared,
        Some(vec![
            DateRangeSpec::Pair("2023-03-01".into(), "2023-03-31".into()),
            DateRangeSpec::Pair("2023-04-01".into(), "2023-04-30".into()),
        ])
    );
    // "by a business customer" is who, not a split.
    let t = translate(&parser, "most recent order by a business customer");
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.measures, ["Orders.last_order_at"]);
    // A noun after a value only says what the value is.
    let t = translate(&parser, "avg discount on Kestrel items");
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    assert!(t.query.measures[0].ends_with("average_discount"));
    // Columns asked for beside listed records.
    let t = translate(
        &parser,
        "15 most expensive products with brand and category",
    );
    assert_eq!(
        t.query.dimensions,
        [
            "Products.name",
            "Products.price",
            "Products.brand",
            "Products.category"
        ]
    );
    assert_eq!(t.query.limit, Some(15));
    let t = translate(
        &parser,
        "show me the 10 biggest orders yesterday along with the channel they came from",
    );
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    assert!(t.query.dimensions.contains(&"Orders.channel".to_owned()));
    assert_eq!(t.query.limit, Some(10));
    // Words the measure's own title or description uses are no split.
    let t = translate(
        &parser,
        "How many German customers opted in to marketing emails?",
    );
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
    let t = translate(&parser, "newsletter opt-in rate by country, highest first");
    assert_eq!(t.query.dimensions, ["Countries.name"], "{:?}", t.query);
}

#[test]
fn a_count_asked_beside_another_figure_is_kept() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "gift card orders since April: how many, and how much revenue?",
    );
    assert_eq!(t.query.measures, ["Orders.count", "Orders.revenue"]);
    let t = translate(
        &parser,
        "customer 842 - how many orders have they placed and when was the last one?",
    );
    assert_eq!(t.query.measures, ["Orders.count", "Orders.last_order_at"]);
    // One ask: no second figure.
    let t = translate(&parser, "how many orders came from Germany and France");
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
}

#[test]
fn a_number_before_best_selling_is_the_limit() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "What were the 3 best-selling products last quarter?",
    );
    assert_eq!(t.query.limit, Some(3));
    assert_eq!(t.query.dimensions.len(), 1, "{:?}", t.query);
}

#[test]
fn records_over_an_amount_are_listed_beside_it() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "show me all orders over 1,000 that came in yesterday",
    );
    assert_eq!(t.query.dimensions, ["Orders.id", "Orders.total_amount"]);
    // "came in through the app": a preposition, not an unknown value.
    let t = translate(
        &parser,
        "how many orders came in thru the mobile app in the last 7 days",
    );
    assert_eq!(t.query.filters.len(), 1, "{:?}", t.query);
}

#[test]
fn lists_in_name_order_and_money_taken_in() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "product categories sorted Z to A");
    let order = t.query.order.clone().unwrap_or_default();
    assert_eq!(order.len(), 1, "{:?}", t.query);
    assert!(order[0].1, "Z to A is descending: {:?}", t.query);
    let t = translate(&parser, "product categories alphabetically");
    let order = t.query.order.clone().unwrap_or_default();
    assert!(!order.is_empty() && !order[0].1, "{:?}", t.query);
    let taken = translate(&parser, "How much did we take in yesterday?");
    let made = translate(&parser, "How much did we make yesterday?");
    assert_eq!(taken.query.measures, made.query.measures);
}

#[test]
fn a_chart_of_a_period_keeps_the_period() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Pie chart of 2023 revenue by channel.");
    assert_eq!(t.chart, Some(crate::ChartType::Pie));
    assert_eq!(
        t.query.time_dimensions[0].date_range,
        Some(DateRangeSpec::Pair(
            "2023-01-01".into(),
            "2023-12-31".into()
        )),
        "{:?}",
        t.query
    );
}

#[test]
fn over_a_round_amount_or_before_a_noun_stays_a_condition() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in ["orders over 2000", "customers with over 2021 orders"] {
        let t = translate(&parser, q);
        assert!(t.query.time_dimensions.is_empty(), "{q}: {:?}", t.query);
        assert!(
            t.query.filters.iter().any(|f| matches!(
                f,
                Filter::Member {
                    operator: FilterOperator::Gt,
                    ..
                }
            )),
            "{q}: {:?}",
            t.query
        );
    }
}

#[test]
fn money_given_away_is_the_discount_and_slowest_sellers_the_least_sold() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how much money did we give away in discounts");
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    assert!(
        t.query.measures[0].ends_with("discount_amount"),
        "{:?}",
        t.query
    );
    let slow = translate(&parser, "the 10 slowest sellers last quarter");
    let worst = translate(&parser, "the 10 worst selling products last quarter");
    assert_eq!(slow.query, worst.query);
}
