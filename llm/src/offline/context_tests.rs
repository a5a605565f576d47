//! Conditions read from verbs, negations and names; follow-ups that replace
//! or compare; shares on a sibling cube; comparatives; on the demo model and
//! on models with bare names.

use strata_engine::query::{DateRangeSpec, Filter, FilterOperator};

use super::fixtures::{bare, days, demo, equals, range, siblings, today, translate};
use super::*;

#[test]
fn buyers_are_counted_where_they_bought() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "how many different customers bought on the web in May 2024",
    );
    assert_eq!(t.query.measures, ["Orders.customer_count"], "{:?}", t.query);
    assert_eq!(t.query.time_dimensions[0].dimension, "Orders.created_at");
    // Customers who signed up are all customers.
    let t = translate(&parser, "how many customers signed up in May 2024");
    assert_eq!(t.query.measures, ["Users.count"], "{:?}", t.query);
}

#[test]
fn a_superlative_or_which_ranks_the_dimension_it_names() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values("Products.category", vec!["Toys".into(), "Books".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "least profitable brand last year");
    assert_eq!(t.query.dimensions.len(), 1, "{:?}", t.query);
    assert!(t.query.dimensions[0].ends_with("brand"));
    assert!(t.query.measures[0].ends_with("profit"), "{:?}", t.query);
    assert_eq!(t.query.limit, Some(1));
    let t = translate(&parser, "Which toy brand sold the most units last quarter?");
    assert_eq!(t.query.dimensions, ["Products.brand"], "{:?}", t.query);
    assert_eq!(t.query.measures, ["LineItems.units_sold"]);
    assert_eq!(t.query.limit, Some(1));
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "highest total sales store city");
    assert_eq!(
        t.query.dimensions,
        ["shop_sales.storeCity"],
        "{:?}",
        t.query
    );
}

#[test]
fn irregular_demonyms_joined_values_and_participles() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values(
        "Countries.name",
        vec!["France".into(), "Italy".into(), "Germany".into()],
    );
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "French vs Italian customers - revenue last year");
    let countries = t.query.filters.iter().any(|f| {
        matches!(f, Filter::Member { member, values, .. }
            if member.ends_with("name") || member.ends_with("country")
                && values.len() == 2)
    });
    assert!(countries, "{:?}", t.query);
    let t = translate(&parser, "return rate of giftcard orders");
    assert_eq!(
        t.query.filters,
        [equals("Orders.payment_method", "gift_card")],
        "{:?}",
        t.query
    );
    let t = translate(&parser, "how many products are priced under 25?");
    assert_eq!(t.query.measures, ["Products.count"], "{:?}", t.query);
    let t = translate(
        &parser,
        "which 3 brands gave away the most discount money in 2023?",
    );
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    assert!(t.query.measures[0].ends_with("discount_amount"));
    let t = translate(
        &parser,
        "stacked bar of revenue per channel per quarter in 2023",
    );
    assert_eq!(t.chart, Some(crate::intent::ChartType::Bar));
}

#[test]
fn chat_shorthand_contractions_and_inclusive_bounds() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    assert_eq!(
        range(&translate(&parser, "orders l7d")),
        Some(DateRangeSpec::Relative("last 7 days".into()))
    );
    assert_eq!(
        range(&translate(&parser, "rev yday")),
        Some(DateRangeSpec::Relative("yesterday".into()))
    );
    // "1m" stays a million.
    let t = translate(&parser, "orders over 1m");
    assert!(t.query.time_dimensions.is_empty(), "{:?}", t.query);
    let t = translate(
        &parser,
        "revenue of orders that weren't cancelled by channel",
    );
    let negated = t.query.filters.iter().any(|f| {
        matches!(f, Filter::Member { operator: FilterOperator::NotEquals, values, .. }
            if values == &[Some("cancelled".to_owned())])
    });
    assert!(negated, "{:?}", t.query);
    let t = translate(&parser, "how many orders of 250 and above last month");
    let gte = t.query.filters.iter().any(|f| {
        matches!(f, Filter::Member { operator: FilterOperator::Gte, values, .. }
            if values == &[Some("250".to_owned())])
    });
    assert!(gte, "{:?}", t.query);
    // A percent compared with a percent-formatted rate keeps its scale.
    let t = translate(
        &parser,
        "countries where the cancellation rate is higher than 10 percent",
    );
    let rate = t.query.filters.iter().any(|f| {
        matches!(f, Filter::Member { member, values, .. }
            if member.ends_with("cancellation_rate") && values == &[Some("10".to_owned())])
    });
    assert!(rate, "{:?}", t.query);
    let t = translate(&parser, "average order value in quarter one 2024");
    assert_eq!(range(&t), days("2024-01-01", "2024-03-31"));
}

#[test]
fn a_capitalized_name_is_never_corrected_into_a_keyword() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "Tablets" is no "table": an unknown name is asked back.
    assert!(parser
        .translate("units sold in the Tablets subcategory", today())
        .is_err());
}

#[test]
fn no_prefix_of_a_question_panics() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let questions = [
        "revenue in the first quarter of 2024",
        "orders in quarter one 2024 vs quarter two 2024",
        "cancellations this quarter vs last",
        "compare with the same day last year",
        "march vs april orders 2023",
        "large orders (250 and above) since last October",
        "discount of 50% or more l7d",
        "how many orders has customer #812 placed since the beginning of 2024",
        "the 15 most expensive products with brand and category",
        "which 3 brands gave away the most discount money",
    ];
    let previous = translate(&parser, "revenue yesterday");
    for q in questions {
        let words: Vec<&str> = q.split_whitespace().collect();
        for n in 1..=words.len() {
            let prefix = words[..n].join(" ");
            let _ = parser.translate(&prefix, today());
            let _ = parser.refine(&previous, &prefix, today());
        }
    }
}

#[test]
fn follow_ups_replace_and_compare_with_the_period_before() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let previous = translate(&parser, "revenue by channel last month");
    let t = parser
        .refine(&previous, "compare with the previous month", today())
        .expect("refined");
    assert_eq!(
        t.query.time_dimensions[0].compare_date_range,
        Some(vec![
            DateRangeSpec::Relative("last month".into()),
            DateRangeSpec::Pair("2024-04-01".into(), "2024-04-30".into()),
        ])
    );
    let previous = translate(&parser, "revenue by country this year");
    let t = parser
        .refine(&previous, "instead of revenue show AOV", today())
        .expect("refined");
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    assert!(t.query.measures[0].ends_with("average_order_value"));
}

#[test]
fn subjects_and_verbs_that_name_no_figure() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values("Products.category", vec!["Electronics".into()]);
    catalog.set_sample_values("Countries.name", vec!["Brazil".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "revenue of the products in category Electronics for 2023",
    );
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    let t = translate(&parser, "gross profit on discounted sales lines in 2023");
    assert_eq!(t.query.measures, ["LineItems.profit"], "{:?}", t.query);
    assert_eq!(t.query.segments, ["LineItems.discounted"]);
    let t = translate(&parser, "how many customers live in Brazil?");
    assert_eq!(t.query.measures, ["Users.count"], "{:?}", t.query);
    // "who joined this year" dates the sign-ups; it is no daily series.
    let t = translate(&parser, "customers who joined this year");
    assert_eq!(t.query.time_dimensions[0].dimension, "Users.signed_up_at");
    assert_eq!(t.query.time_dimensions[0].granularity, None);
}

#[test]
fn fragments_of_a_name_filter_it() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values("Products.category", vec!["Home".into(), "Books".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "list all products that have 'Desk' in their name");
    assert_eq!(t.query.dimensions, ["Products.name"], "{:?}", t.query);
    assert!(t.query.measures.is_empty());
    let contains = Filter::Member {
        member: "Products.name".into(),
        operator: FilterOperator::Contains,
        values: vec![Some("Desk".into())],
    };
    assert_eq!(t.query.filters, [contains]);
    let t = translate(
        &parser,
        "units sold of products starting with Voltix Pro in 2023",
    );
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    assert!(t.query.measures[0].ends_with("units_sold"));
    let starts = t.query.filters.iter().any(|f| {
        matches!(f, Filter::Member { operator: FilterOperator::StartsWith, values, .. }
            if values == &[Some("Voltix Pro".to_owned())])
    });
    assert!(starts, "{:?}", t.query);
    // A known value stays a value.
    let t = translate(&parser, "orders containing Home products last month");
    assert!(
        t.query.filters.iter().all(|f| !matches!(
            f,
            Filter::Member {
                operator: FilterOperator::Contains,
                ..
            }
        )),
        "{:?}",
        t.query
    );
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    // No name to search: asked back, not answered without the fragment.
    assert!(parser
        .translate("total sales of shops ending with Nord", today())
        .is_err());
}

#[test]
fn conditions_read_from_verbs_and_negations() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "customers who signed up in 2024 but are not opted in to marketing",
    );
    assert_eq!(t.query.measures, ["Users.count"], "{:?}", t.query);
    assert_eq!(t.query.filters, [equals("Users.marketing_opt_in", "false")]);
    let t = translate(&parser, "how many order lines had a discount last month");
    assert_eq!(t.query.segments, ["LineItems.discounted"], "{:?}", t.query);
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    let t = translate(
        &parser,
        "how many different customers placed an order this month?",
    );
    assert_eq!(t.query.measures, ["Orders.customer_count"], "{:?}", t.query);
    let t = translate(&parser, "how many orders did customers place last month");
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    assert!(t.query.measures[0].ends_with(".count"), "{:?}", t.query);
    let t = translate(&parser, "regions ranked by revenue last quarter");
    assert_eq!(t.query.dimensions.len(), 1, "{:?}", t.query);
    assert!(t.query.dimensions[0].ends_with("region") || t.query.dimensions[0] == "Regions.name");
    let t = translate(&parser, "compare gross profit in Q1 and Q2 of last year");
    assert_eq!(
        t.query.time_dimensions[0].compare_date_range,
        Some(vec![
            DateRangeSpec::Pair("2023-01-01".into(), "2023-03-31".into()),
            DateRangeSpec::Pair("2023-04-01".into(), "2023-06-30".into()),
        ])
    );
}

#[test]
fn shares_products_bought_and_ranked_periods() {
    let (catalog, model) = siblings();
    let parser = OfflineParser::for_model(&catalog, &model);
    // The share measure lives on a sibling cube: the question moves there.
    let t = translate(
        &parser,
        "what percentage of total profit does each category contribute?",
    );
    assert!(
        t.query
            .measures
            .contains(&"big_sales.percentageOfTotal".to_owned()),
        "{:?}",
        t.query
    );
    assert_eq!(t.query.dimensions, ["big_sales.category"]);
    // What a customer bought: the products.
    let t = translate(&parser, "what did Customer 9 buy?");
    assert_eq!(t.query.dimensions, ["sales.productName"], "{:?}", t.query);
    assert!(t.query.measures.is_empty());
    // The worst month: one month, by the figure.
    let t = translate(
        &parser,
        "what was the worst month of 2023 for total profit?",
    );
    assert_eq!(t.query.limit, Some(1), "{:?}", t.query);
    assert_eq!(
        t.query.time_dimensions[0].granularity,
        Some(strata_schema::Granularity::Month)
    );
    assert_eq!(
        t.query.order,
        Some(vec![("sales.totalProfit".into(), false)])
    );
}

#[test]
fn orders_placed_are_the_orders_themselves() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "orders placed through the web since March 2024");
    assert!(t.query.measures[0].ends_with(".count"), "{:?}", t.query);
    assert!(
        !t.query.measures[0].contains("order_count"),
        "{:?}",
        t.query
    );
}

#[test]
fn comparatives_split_the_values_and_a_closing_chart_word() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "web or mobile - which one brought more orders in 2023?",
    );
    assert_eq!(t.query.dimensions, ["Orders.channel"], "{:?}", t.query);
    // "more than" stays a condition.
    let t = translate(&parser, "customers with more than 3 orders");
    let gt = t.query.filters.iter().any(|f| {
        matches!(f, Filter::Member { operator: FilterOperator::Gt, values, .. }
            if values == &[Some("3".to_owned())])
    });
    assert!(gt, "{:?}", t.query);
    let t = translate(&parser, "revenue by channel, pie");
    assert_eq!(t.chart, Some(crate::intent::ChartType::Pie));
    let t = translate(
        &parser,
        "how many distinct customers who live in Germany ordered in May 2024?",
    );
    assert_eq!(t.query.measures, ["Orders.customer_count"], "{:?}", t.query);
}

#[test]
fn a_measure_is_not_repeated_over_the_rows_of_a_joining_cube() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // The lines are the rows: their own revenue, not each order's revenue
    // repeated per line.
    let t = translate(
        &parser,
        "revenue from discounted lines by category last month",
    );
    assert_eq!(t.query.measures, ["LineItems.revenue"], "{:?}", t.query);
    assert_eq!(t.query.segments, ["LineItems.discounted"]);
}

#[test]
fn rolling_windows_use_the_rolling_measure() {
    let (catalog, model) = siblings();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "rolling 2-week order count by week in 2023");
    assert_eq!(
        t.query.measures,
        ["big_sales.rollingCountBy2Week"],
        "{:?}",
        t.query
    );
    assert_eq!(t.query.time_dimensions[0].dimension, "big_sales.orderDate");
    // A window the model has no measure for is asked back.
    assert!(parser
        .translate("rolling 3-month order count by month in 2023", today())
        .is_err());
}
