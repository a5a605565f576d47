//! Chat turns that point back at what is shown: "that month", "side by
//! side pls", "as a % pls", "same day last week?", a condition on the
//! rows named ("keep only countries above 50k") or on a figure shown, a
//! count swapped in for another figure, and a value taken back ("no sorry,
//! beauty"); on the demo model and on a model with bare names.

use strata_engine::query::{DateRangeSpec, FilterOperator};

use super::fixtures::{bare, demo, filter_on, measures, refine, today, translate};
use super::*;

/// The range of the query's time dimension `member`.
fn range_on(t: &Translation, member: &str) -> Option<DateRangeSpec> {
    t.query
        .time_dimensions
        .iter()
        .find(|td| td.dimension == member)
        .and_then(|td| td.date_range.clone())
}

#[test]
fn a_new_question_about_that_month_keeps_the_month_shown() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "Revenue per channel for May");
    let may = range_on(&first, "Orders.created_at").expect("May");
    let t = refine(&parser, &first, "the 10 largest orders that month");
    assert_eq!(
        t.query.dimensions,
        ["Orders.id", "Orders.total_amount"],
        "{:?}",
        t.query
    );
    assert_eq!(range_on(&t, "Orders.created_at"), Some(may.clone()));
    assert!(t.unmatched.is_empty(), "{:?}", t.unmatched);
    // Without a word pointing at it, a new question has its own period.
    let t = refine(&parser, &first, "the 10 largest orders");
    assert_eq!(range_on(&t, "Orders.created_at"), None, "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales in Lyon for March");
    let march = range_on(&first, "shop_sales.soldAt").expect("March");
    let t = refine(&parser, &first, "what were the units sold that month");
    assert_eq!(measures(&t), ["shop_sales.unitsSold"]);
    assert_eq!(range_on(&t, "shop_sales.soldAt"), Some(march));
}

#[test]
fn a_condition_on_a_figure_shown_keeps_the_figures() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(
        &parser,
        "Monthly net revenue and gross revenue for this year",
    );
    let t = refine(
        &parser,
        &first,
        "Filter to months where gross revenue is above 200k",
    );
    assert_eq!(measures(&t), ["Orders.revenue", "Orders.gross_revenue"]);
    assert_eq!(
        filter_on(&t, "Orders.gross_revenue"),
        Some((FilterOperator::Gt, vec!["200000".to_owned()]))
    );

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "totalSales and totalProfit by month");
    let t = refine(
        &parser,
        &first,
        "only months where totalProfit is above 500",
    );
    assert_eq!(
        measures(&t),
        ["shop_sales.totalSales", "shop_sales.totalProfit"]
    );
    assert_eq!(
        filter_on(&t, "shop_sales.totalProfit"),
        Some((FilterOperator::Gt, vec!["500".to_owned()]))
    );
}

#[test]
fn the_rows_named_with_a_condition_are_filtered_by_the_figure_shown() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "Revenue by country for Q1 2024");
    for turn in [
        "Keep only countries above 50k",
        "Filter to countries where that's above 50k",
    ] {
        let t = refine(&parser, &first, turn);
        assert_eq!(t.query.dimensions, first.query.dimensions, "{turn}");
        assert_eq!(
            filter_on(&t, "orders_overview.revenue"),
            Some((FilterOperator::Gt, vec!["50000".to_owned()])),
            "{turn}: {:?}",
            t.query
        );
    }

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "totalSales by storeCity");
    let t = refine(&parser, &first, "keep only storeCity above 1000");
    assert_eq!(
        filter_on(&t, "shop_sales.totalSales"),
        Some((FilterOperator::Gt, vec!["1000".to_owned()])),
        "{:?}",
        t.query
    );
}

#[test]
fn a_count_swapped_in_replaces_the_figure() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "Revenue by channel last month");
    let t = refine(&parser, &first, "orders instead of revenue");
    assert_eq!(measures(&t), ["Orders.count"]);
    let first = translate(&parser, "Units sold by price range last month");
    let t = refine(&parser, &first, "Swap units for the number of orders");
    assert_eq!(measures(&t), ["sales_overview.order_count"]);
    assert_eq!(t.query.dimensions, first.query.dimensions);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "totalSales by storeCity");
    let t = refine(&parser, &first, "the count instead of totalSales");
    assert_eq!(measures(&t), ["shop_sales.count"]);
}

#[test]
fn the_same_day_a_week_back_and_values_side_by_side() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "how many orders came in on the web today");
    let t = refine(&parser, &first, "same day last week?");
    assert_eq!(
        range_on(&t, "Orders.created_at"),
        Some(DateRangeSpec::Pair(
            "2024-06-08".to_owned(),
            "2024-06-08".to_owned()
        ))
    );
    let first = translate(&parser, "orders from Germany this quarter");
    let both = refine(&parser, &first, "same but France too");
    let t = refine(&parser, &both, "side by side pls");
    assert_eq!(t.query.dimensions, ["Countries.name"]);
    // One value has no sides.
    assert!(parser.refine(&first, "side by side pls", today()).is_err());

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "totalSales in Lyon and Paris this year");
    let t = refine(&parser, &first, "side by side");
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
}

#[test]
fn a_count_beside_its_whole_as_a_percentage_is_the_rate() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "how many customers in Germany");
    let counts = refine(&parser, &first, "how many of them opted in");
    assert_eq!(measures(&counts), ["Users.count", "Users.opted_in_count"]);
    let t = refine(&parser, &counts, "as a % pls");
    assert_eq!(measures(&t), ["Users.opt_in_rate"]);
    assert!(filter_on(&t, "Countries.name").is_some(), "{:?}", t.query);
}

#[test]
fn money_made_and_values_taken_back() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how much did we take yesterday");
    assert_eq!(measures(&t), ["Orders.revenue"]);
    let t = refine(&parser, &t, "web only? no wait, mobile");
    assert_eq!(
        filter_on(&t, "Orders.channel"),
        Some((FilterOperator::Equals, vec!["mobile".to_owned()]))
    );
    let first = translate(&parser, "how much did books make last month");
    assert_eq!(measures(&first), ["LineItems.revenue"]);
    let t = refine(&parser, &first, "no sorry, beauty");
    assert_eq!(
        filter_on(&t, "Products.category"),
        Some((FilterOperator::Equals, vec!["Beauty".to_owned()]))
    );

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how much did Lyon make last month");
    assert_eq!(measures(&t), ["shop_sales.totalSales"]);
}

#[test]
fn a_listing_turned_round_keeps_its_rows_and_amount() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "the 5 cheapest products in Beauty");
    assert_eq!(order_of(&first), [("Products.price", false)]);
    let t = refine(&parser, &first, "and the priciest");
    assert!(measures(&t).is_empty(), "{:?}", t.query);
    assert_eq!(t.query.dimensions, first.query.dimensions);
    assert_eq!(order_of(&t), [("Products.price", true)]);
    assert_eq!(t.query.limit, first.query.limit);
    let first = translate(&parser, "the 10 largest orders last month");
    let t = refine(&parser, &first, "and the smallest");
    assert_eq!(order_of(&t), [("Orders.total_amount", false)]);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "the 10 largest shop sales in Lyon");
    assert_eq!(order_of(&first).first().map(|o| o.1), Some(true));
    let t = refine(&parser, &first, "and the smallest ones");
    assert_eq!(
        order_of(&t).first().map(|o| o.1),
        Some(false),
        "{:?}",
        t.query
    );
}

/// The query's order as (member, descending) pairs.
fn order_of(t: &Translation) -> Vec<(&str, bool)> {
    t.query
        .order
        .iter()
        .flatten()
        .map(|(m, desc)| (m.as_str(), *desc))
        .collect()
}

#[test]
fn dropping_the_threshold_lifts_the_condition_on_a_figure_only() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "Revenue by country from web orders in Q1 2024");
    let above = refine(&parser, &first, "only those above 50k");
    assert!(
        filter_on(&above, "Orders.revenue").is_some(),
        "{:?}",
        above.query
    );
    let t = refine(&parser, &above, "remove the threshold");
    assert_eq!(filter_on(&t, "Orders.revenue"), None, "{:?}", t.query);
    assert_eq!(
        t.query.filters.len(),
        first.query.filters.len(),
        "{:?}",
        t.query
    );
    assert!(t.unmatched.is_empty(), "{:?}", t.unmatched);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "totalSales by storeCity");
    let above = refine(&parser, &first, "only those above 1000");
    let t = refine(&parser, &above, "drop the threshold");
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
}

#[test]
fn a_ranking_of_the_rows_shown_keeps_their_period_and_figures() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "Revenue and profit by category in Q1 2024");
    let t = refine(&parser, &first, "Which category is lowest on revenue?");
    assert_eq!(measures(&t), measures(&first));
    assert_eq!(t.query.time_dimensions, first.query.time_dimensions);
    assert_eq!(t.query.limit, Some(1));
    // A period of its own is a new question.
    let t = refine(
        &parser,
        &first,
        "Which category had the lowest revenue last year?",
    );
    assert_ne!(t.query.time_dimensions, first.query.time_dimensions);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "totalSales and totalProfit by storeCity in May");
    let t = refine(
        &parser,
        &first,
        "which storeCity has the highest totalProfit?",
    );
    assert_eq!(measures(&t), measures(&first));
    assert_eq!(t.query.time_dimensions, first.query.time_dimensions);
}

#[test]
fn what_is_replaced_after_instead_of_is_not_asked_for() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "new signups by country");
    let t = refine(&parser, &first, "by age group rather than country");
    assert_eq!(measures(&t), ["Users.count"], "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["Users.age_group"]);
    let first = translate(&parser, "revenue by month this year");
    let t = refine(&parser, &first, "make it weekly rather than monthly");
    assert_eq!(
        t.query.time_dimensions[0].granularity.map(|g| g.as_str()),
        Some("week"),
        "{:?}",
        t.query
    );
    let first = translate(&parser, "revenue by channel in May");
    let t = refine(&parser, &first, "in April rather than May");
    assert!(
        t.query
            .time_dimensions
            .iter()
            .all(|td| td.compare_date_range.is_none()),
        "{:?}",
        t.query
    );

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales by storeCity");
    let t = refine(&parser, &first, "by loyaltyTier instead of storeCity");
    assert_eq!(measures(&t), ["shop_sales.totalSales"], "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["shoppers.loyaltyTier"]);
}

#[test]
fn which_month_was_best_is_one_month() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Which month of 2025 was my best for revenue?");
    assert_eq!(t.query.limit, Some(1), "{:?}", t.query);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "which month was best for total sales");
    assert_eq!(t.query.limit, Some(1), "{:?}", t.query);
}

#[test]
fn a_region_named_after_one_of_its_countries_widens_to_it() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "returns in Germany weekly since March");
    let t = refine(&parser, &first, "Hmm, widen it to the whole of Europe.");
    let on = |name: &str| filter_on(&t, name).is_some();
    assert!(
        !on("orders_overview.country") && !on("Countries.name"),
        "{:?}",
        t.query
    );
    assert!(
        on("orders_overview.region") || on("Regions.name"),
        "{:?}",
        t.query
    );
    // A filter on something that is no part of the region stays.
    let first = translate(&parser, "gift card orders from Germany last month");
    let t = refine(&parser, &first, "What about Europe as a whole?");
    let on = |name: &str| filter_on(&t, name).is_some();
    assert!(
        on("orders_overview.payment_method") || on("Orders.payment_method"),
        "{:?}",
        t.query
    );
    assert!(
        !on("orders_overview.country") && !on("Countries.name"),
        "{:?}",
        t.query
    );
}

#[test]
fn sorted_by_a_column_of_names_is_a_to_z_unless_told() {
    let cases = [
        ("channel", "Orders.channel", "revenue", "Orders.revenue"),
        (
            "store city",
            "shop_sales.storeCity",
            "total sales",
            "shop_sales.totalSales",
        ),
    ];
    for ((catalog, model), (noun, city, figure, sales)) in [demo(), bare()].into_iter().zip(cases) {
        let parser = OfflineParser::for_model(&catalog, &model);
        let t = translate(&parser, &format!("{figure} by {noun} sorted by {noun}"));
        assert_eq!(t.query.dimensions, [city]);
        assert_eq!(t.query.order, Some(vec![(city.to_owned(), false)]));
        let t = translate(
            &parser,
            &format!("{figure} by {noun} sorted by {noun} descending"),
        );
        assert_eq!(t.query.order, Some(vec![(city.to_owned(), true)]));
        // A figure is still largest first.
        let t = translate(&parser, &format!("{figure} by {noun} sorted by {figure}"));
        assert_eq!(t.query.order, Some(vec![(sales.to_owned(), true)]));
        let first = translate(&parser, &format!("{figure} by {noun}"));
        let t = refine(&parser, &first, &format!("sort them by {noun}"));
        assert_eq!(t.query.order, Some(vec![(city.to_owned(), false)]));
    }
}

#[test]
fn the_same_quarter_of_a_named_year_is_the_quarter_shown_moved_back() {
    // Today is 2024-06-15: last quarter is 2024 Q1.
    let cases = [
        ("revenue", "Orders.created_at"),
        ("total sales", "shop_sales.soldAt"),
    ];
    for ((catalog, model), (figure, date)) in [demo(), bare()].into_iter().zip(cases) {
        let parser = OfflineParser::for_model(&catalog, &model);
        let first = translate(&parser, &format!("{figure} last quarter"));
        for (turn, from, to) in [
            (
                "against the same quarter of 2023",
                "2023-01-01",
                "2023-03-31",
            ),
            (
                "against the same quarter of 2022",
                "2022-01-01",
                "2022-03-31",
            ),
        ] {
            let t = refine(&parser, &first, turn);
            let td = t
                .query
                .time_dimensions
                .iter()
                .find(|td| td.dimension == date)
                .expect("a date");
            let ranges = td.compare_date_range.clone().expect("compared");
            assert_eq!(ranges.len(), 2, "{turn}");
            assert_eq!(
                ranges[1],
                DateRangeSpec::Pair(from.to_owned(), to.to_owned()),
                "{turn}"
            );
        }
    }
}

#[test]
fn excluding_two_statuses_leaves_both_out() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "orders last month, without cancelled and returned orders",
    );
    assert_eq!(measures(&t), ["Orders.count"]);
    let first = translate(&parser, "orders this quarter by month");
    let t = refine(&parser, &first, "Exclude cancelled and returned orders.");
    assert_eq!(measures(&t), ["Orders.count"]);
    let out = filter_on(&t, "Orders.status").expect("a status filter");
    assert_eq!(out.0, FilterOperator::NotEquals);
    assert_eq!(out.1, ["cancelled", "returned"]);
}

/// "Net of returns, please" after a gross figure asks for the net one, and
/// "gross of discounts" for the gross one: not a count of returns or the
/// discounts themselves.
#[test]
fn net_of_and_gross_of_swap_the_figure_shown() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "Gross order value by region for H2 2025");
    let t = refine(&parser, &first, "Net of returns, please.");
    assert_eq!(measures(&t), ["orders_overview.revenue"], "{:?}", t.query);
    assert_eq!(t.query.dimensions, first.query.dimensions);
    assert_eq!(t.query.time_dimensions, first.query.time_dimensions);
    let first = translate(&parser, "Product revenue by category last quarter");
    let t = refine(&parser, &first, "Gross of discounts, please.");
    assert_eq!(
        measures(&t),
        ["sales_overview.gross_sales"],
        "{:?}",
        t.query
    );

    let yaml = r#"
cubes:
  - name: tickets
    sql_table: t
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: venue, sql: v, type: string}
    measures:
      - {name: grossTakings, sql: g, type: sum}
      - {name: netTakings, sql: n, type: sum}
"#;
    let (catalog, model) = super::fixtures::model_from_yaml(yaml);
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "gross takings by venue");
    let t = refine(&parser, &first, "net of refunds please");
    assert_eq!(measures(&t), ["tickets.netTakings"], "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["tickets.venue"]);
}
