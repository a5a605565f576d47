//! Chat edits of a shown query: values left out that no filter held, a
//! number of rows, one overall figure, a grouping swapped for another, a
//! count shown as its rate, a measure named by one word, and narrowing in
//! the same words as before; on the demo model and on a model with bare
//! names.

use strata_engine::query::FilterOperator;

use super::fixtures::{bare, demo, filters, refine, today, translate};
use super::*;

#[test]
fn values_dropped_that_no_filter_holds_are_left_out() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "number of orders by status this quarter");
    let t = refine(&parser, &first, "drop cancelled and returned");
    let status = &first.query.dimensions[0];
    assert_eq!(
        filters(&t),
        [(
            status.clone(),
            FilterOperator::NotEquals,
            vec!["cancelled".to_owned(), "returned".to_owned()]
        )]
    );
    assert_eq!(t.query.dimensions, first.query.dimensions);
    // A value the filter holds leaves it instead.
    let only = refine(&parser, &first, "only cancelled and returned");
    let t = refine(&parser, &only, "drop cancelled");
    assert_eq!(
        filters(&t),
        [(
            status.clone(),
            FilterOperator::Equals,
            vec!["returned".to_owned()]
        )]
    );

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales by storeCity");
    let t = refine(&parser, &first, "drop Paris");
    assert_eq!(
        filters(&t),
        [(
            "shop_sales.storeCity".to_owned(),
            FilterOperator::NotEquals,
            vec!["Paris".to_owned()]
        )]
    );
}

#[test]
fn a_number_of_rows_caps_the_list() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "units sold by subcategory in 2025, highest first");
    for (turn, n) in [
        ("and cap it at 10 rows", 10),
        ("give me 20 of them", 20),
        ("limit it to 7", 7),
        ("show 15 rows", 15),
    ] {
        let t = refine(&parser, &first, turn);
        assert_eq!(t.query.limit, Some(n), "{turn}");
        assert_eq!(t.query.order, first.query.order, "{turn}");
    }

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales by storeCity");
    assert_eq!(
        refine(&parser, &first, "cap it at 2 rows").query.limit,
        Some(2)
    );
}

#[test]
fn one_overall_figure_drops_the_grouping() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(
        &parser,
        "How many returns did we get last quarter, by channel?",
    );
    for turn in [
        "just the overall number",
        "all channels combined",
        "the total only",
    ] {
        let t = refine(&parser, &first, turn);
        assert!(t.query.dimensions.is_empty(), "{turn}: {:?}", t.query);
        assert_eq!(t.query.measures, first.query.measures, "{turn}");
        assert_eq!(
            t.query.time_dimensions, first.query.time_dimensions,
            "{turn}"
        );
    }
}

#[test]
fn a_grouping_named_instead_of_another_takes_its_place() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "Revenue by country and channel YTD");
    let country = first.query.dimensions[0].clone();
    assert!(country.ends_with("country"), "{:?}", first.query);
    for turn in [
        "Can you roll that up to region instead of country?",
        "region instead of country",
    ] {
        let t = refine(&parser, &first, turn);
        assert_eq!(t.query.dimensions.len(), 2, "{turn}: {:?}", t.query);
        assert!(
            t.query.dimensions[0].ends_with("region"),
            "{turn}: {:?}",
            t.query
        );
        assert_eq!(t.query.dimensions[1], first.query.dimensions[1], "{turn}");
    }
}

#[test]
fn a_count_asked_as_a_rate_is_its_rate() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(
        &parser,
        "How many returns did we get last quarter, by channel?",
    );
    assert_eq!(first.query.measures, ["Orders.returned_count"]);
    let t = refine(&parser, &first, "as a rate");
    assert_eq!(t.query.measures, ["Orders.return_rate"]);
    assert_eq!(t.query.dimensions, first.query.dimensions);
}

#[test]
fn one_word_names_the_sibling_measure() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "revenue by month this year, only the web shop");
    assert_eq!(first.query.measures, ["Orders.revenue"]);
    assert_eq!(
        filters(&first),
        [(
            "Orders.channel".to_owned(),
            FilterOperator::Equals,
            vec!["web".to_owned()]
        )]
    );
    let t = refine(&parser, &first, "now gross instead");
    assert_eq!(t.query.measures, ["Orders.gross_revenue"]);
    assert_eq!(filters(&t), filters(&first));
    // A word naming no sibling is still asked about.
    assert!(parser
        .refine(&first, "now fluffy instead", today())
        .is_err());
}

#[test]
fn the_same_thing_for_a_segment_narrows_the_rows() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "Orders by payment method in the last 6 months");
    let t = refine(
        &parser,
        &first,
        "same thing but only for business customers",
    );
    assert_eq!(t.query.measures, first.query.measures, "{:?}", t.query);
    assert_eq!(t.query.dimensions, first.query.dimensions);
    assert_eq!(
        filters(&t),
        [(
            "Users.segment".to_owned(),
            FilterOperator::Equals,
            vec!["business".to_owned()]
        )]
    );
}

#[test]
fn a_value_put_next_to_the_one_shown_splits_by_both() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "daily revenue for the last 14 days, mobile only");
    let t = refine(&parser, &first, "put the web shop next to it pls");
    assert_eq!(t.query.dimensions, ["Orders.channel"], "{:?}", t.query);
    assert_eq!(
        filters(&t),
        [(
            "Orders.channel".to_owned(),
            FilterOperator::Equals,
            vec!["mobile".to_owned(), "web".to_owned()]
        )]
    );
    // Without "next to it" the value replaces the other.
    let t = refine(&parser, &first, "only the web shop");
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
}

#[test]
fn a_turn_of_chart_words_changes_the_chart_only() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "revenue by month this year");
    for (turn, chart) in [
        ("make that a line", "line"),
        ("line please", "line"),
        ("as bars", "bar"),
        ("bars, not a line", "bar"),
        ("pie pls", "pie"),
    ] {
        let t = refine(&parser, &first, turn);
        assert_eq!(t.query, first.query, "{turn}");
        assert_eq!(t.chart.map(|c| c.as_str()), Some(chart), "{turn}");
    }
    let t = translate(&parser, "total orders MTD, just as a big number");
    assert_eq!(t.chart.map(|c| c.as_str()), Some("number"));
    // A comparison cannot be one number: the number chart goes.
    let t = refine(&parser, &t, "compare with the same days last month");
    assert_ne!(t.chart.map(|c| c.as_str()), Some("number"));
    let compared = &t.query.time_dimensions[0].compare_date_range;
    assert_eq!(
        compared.as_ref().map(|c| c[1].clone()),
        Some(strata_engine::query::DateRangeSpec::Pair(
            "2024-05-01".into(),
            "2024-05-15".into()
        ))
    );
    // A word beside the chart request that nothing places is asked about.
    let t = translate(&parser, "gross revenue by quarter this year");
    assert!(parser
        .refine(
            &t,
            "I want net and gross together on one line chart",
            today()
        )
        .is_err());
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales by store city");
    let t = refine(&parser, &first, "make that a line");
    assert_eq!(t.chart.map(|c| c.as_str()), Some("line"));
}

#[test]
fn replace_verbs_swap_the_measure() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "net revenue per quarter this year");
    let t = refine(&parser, &first, "switch it to gross");
    assert_eq!(t.query.measures, ["Orders.gross_revenue"]);
    let first = translate(&parser, "revenue by category last month");
    let t = refine(&parser, &first, "swap revenue for profit");
    assert!(t.query.measures[0].ends_with(".profit"), "{:?}", t.query);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales by store city");
    let t = refine(&parser, &first, "swap total sales for units sold");
    assert_eq!(t.query.measures, ["shop_sales.unitsSold"]);
}

#[test]
fn a_period_put_next_to_the_shown_one_is_compared() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "revenue by month this year");
    let t = refine(&parser, &first, "put last year next to it");
    let td = &t.query.time_dimensions[0];
    assert_eq!(td.date_range, None);
    assert_eq!(td.compare_date_range.as_ref().map(Vec::len), Some(2));
    let first = translate(&parser, "revenue by week this quarter");
    let t = refine(&parser, &first, "put last year's Q2 next to it");
    let compared = t.query.time_dimensions[0].compare_date_range.clone();
    assert_eq!(
        compared.and_then(|c| c.get(1).cloned()),
        Some(strata_engine::query::DateRangeSpec::Pair(
            "2023-04-01".into(),
            "2023-06-30".into()
        ))
    );
}

#[test]
fn a_count_of_one_value_as_a_rate_is_that_value_s_rate() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(
        &parser,
        "orders with status cancelled by payment method last month",
    );
    assert_eq!(first.query.measures, ["Orders.count"], "{:?}", first.query);
    let t = refine(&parser, &first, "what's that as a rate?");
    assert_eq!(
        t.query.measures,
        ["Orders.cancellation_rate"],
        "{:?}",
        t.query
    );
    assert!(filters(&t).iter().all(|(m, _, _)| m != "Orders.status"));
    assert_eq!(t.query.dimensions, first.query.dimensions);
}

#[test]
fn the_biggest_of_those_lists_the_records_counted() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "how many orders from Germany last month");
    let t = refine(&parser, &first, "show me the 5 biggest of those");
    assert_eq!(
        t.query.dimensions,
        ["Orders.id", "Orders.total_amount"],
        "{:?}",
        t.query
    );
    assert_eq!(t.query.limit, Some(5));
    assert!(filters(&t)
        .iter()
        .any(|(m, _, v)| m == "Countries.name" && v == &["Germany"]));
    // A series of days stays a series.
    let first = translate(&parser, "orders per day last month");
    let t = refine(&parser, &first, "only the 5 biggest");
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
}
