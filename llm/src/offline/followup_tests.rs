//! Follow-up edits that keep what was there: values added to or taken out
//! of a filter, flipped sorts, one row of those shown, measures and
//! groupings added, date ranges dropped; on the demo model and on a model
//! with bare names.

use strata_engine::query::{DateRangeSpec, Filter, FilterOperator};

use super::fixtures::{bare, demo, filter_on, refine, translate};
use super::*;

#[test]
fn a_value_added_too_joins_the_filter() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(
        &parser,
        "revenue from completed orders by week last quarter",
    );
    assert_eq!(
        filter_on(&first, "Orders.status"),
        Some((FilterOperator::Equals, vec!["completed".to_owned()]))
    );
    let t = refine(&parser, &first, "include the cancelled ones as well");
    let (op, mut values) = filter_on(&t, "Orders.status").expect("status filter");
    values.sort();
    assert_eq!(op, FilterOperator::Equals);
    assert_eq!(values, ["cancelled", "completed"], "{:?}", t.query);
    // Without "too" or "as well" the value replaces the other.
    let t = refine(&parser, &first, "only cancelled");
    assert_eq!(
        filter_on(&t, "Orders.status").map(|f| f.1),
        Some(vec!["cancelled".to_owned()])
    );

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales in Lyon by month");
    let t = refine(&parser, &first, "add Paris too");
    let (_, mut values) = filter_on(&t, "shop_sales.storeCity").expect("city filter");
    values.sort();
    assert_eq!(values, ["Lyon", "Paris"], "{:?}", t.query);
}

#[test]
fn a_negated_value_included_again_leaves_the_filter() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(
        &parser,
        "orders by channel this month, not counting cancelled ones",
    );
    assert_eq!(
        filter_on(&first, "Orders.status"),
        Some((FilterOperator::NotEquals, vec!["cancelled".to_owned()])),
        "{:?}",
        first.query
    );
    let t = refine(&parser, &first, "include cancelled too");
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["Orders.channel"]);
}

#[test]
fn a_value_after_a_removal_verb_leaves_its_filter() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "Beauty discounts by month this year");
    assert!(!first.query.filters.is_empty(), "{:?}", first.query);
    let t = refine(
        &parser,
        &first,
        "forget Beauty, split it by category instead",
    );
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    assert!(t.query.dimensions[0].ends_with("category"), "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales in Lyon and Paris by month");
    let t = refine(&parser, &first, "drop Paris");
    assert_eq!(
        filter_on(&t, "shop_sales.storeCity").map(|f| f.1),
        Some(vec!["Lyon".to_owned()]),
        "{:?}",
        t.query
    );
}

#[test]
fn the_other_way_round_flips_the_sort_and_which_one_is_one_row() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "top 5 categories by revenue this year");
    let t = refine(&parser, &first, "now the other way round");
    let order = t.query.order.clone().expect("an order");
    assert!(order.iter().all(|(_, desc)| !desc), "{order:?}");
    assert_eq!(t.query.limit, Some(5));
    let first = translate(&parser, "cancellation rate by country last quarter");
    let t = refine(&parser, &first, "which one's highest");
    assert_eq!(t.query.limit, Some(1), "{:?}", t.query);
    let t = refine(&parser, &first, "which of them is worst?");
    assert_eq!(t.query.limit, Some(1), "{:?}", t.query);
    // "which are the highest" is several rows.
    let t = refine(&parser, &first, "which are the highest");
    assert_ne!(t.query.limit, Some(1), "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales by store city, highest first");
    let t = refine(&parser, &first, "reverse it");
    let order = t.query.order.clone().expect("an order");
    assert_eq!(order, [("shop_sales.totalSales".to_owned(), false)]);
}

#[test]
fn next_to_it_and_break_down_add_rather_than_replace() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "cancellation rate by country last quarter");
    let t = refine(&parser, &first, "show the return rate next to it");
    assert_eq!(t.query.measures.len(), 2, "{:?}", t.query);
    assert!(t.query.measures[1].ends_with("return_rate"));
    let first = translate(&parser, "revenue by channel last week");
    let t = refine(&parser, &first, "break those down by country");
    assert_eq!(t.query.dimensions.len(), 2, "{:?}", t.query);
    let t = refine(&parser, &first, "by country instead");
    assert_eq!(t.query.dimensions.len(), 1, "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales by store city");
    let t = refine(&parser, &first, "break it down by loyalty tier");
    assert_eq!(t.query.dimensions.len(), 2, "{:?}", t.query);
}

#[test]
fn dropping_the_dates_drops_the_range_and_narrowing_keeps_the_grouping() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "Top 10 products by revenue in 2023");
    let t = refine(&parser, &first, "drop the date restriction");
    assert!(t.query.time_dimensions.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.limit, Some(10));
    let first = translate(&parser, "how many products do we have in each category");
    let t = refine(&parser, &first, "premium ones only");
    assert_eq!(t.query.dimensions, ["Products.category"], "{:?}", t.query);
    assert_eq!(t.query.segments, ["Products.premium"]);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales by store city in 2023");
    let t = refine(&parser, &first, "remove the dates");
    assert!(t.query.time_dimensions.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
}

#[test]
fn the_current_year_so_far_ends_today() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "new customers per age group, 2024 so far");
    assert_eq!(
        super::fixtures::range(&t),
        super::fixtures::days("2024-01-01", "2024-06-15"),
        "{:?}",
        t.query
    );
}

#[test]
fn groupings_leave_and_conditions_apply_to_the_rows_shown() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(
        &parser,
        "average order value by customer segment and channel this year",
    );
    assert_eq!(first.query.dimensions.len(), 2, "{:?}", first.query);
    let t = refine(&parser, &first, "drop the segment split");
    assert_eq!(t.query.dimensions.len(), 1, "{:?}", t.query);
    assert!(t.query.dimensions[0].ends_with("channel"), "{:?}", t.query);
    let t = refine(&parser, &first, "drop the breakdown");
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);

    let listing = translate(&parser, "the 10 biggest orders last week");
    let t = refine(&parser, &listing, "only those above 1000");
    assert_eq!(
        filter_on(&t, "Orders.total_amount"),
        Some((FilterOperator::Gt, vec!["1000".to_owned()])),
        "{:?}",
        t.query
    );
    let rates = translate(&parser, "cancellation rate by country this year");
    let t = refine(&parser, &rates, "only those above 5%");
    let rate = t.query.measures[0].clone();
    assert_eq!(
        filter_on(&t, &rate),
        Some((FilterOperator::Gt, vec!["5".to_owned()])),
        "{:?}",
        t.query
    );
    let t = refine(&parser, &t, "undo the filter");
    assert!(t.query.filters.is_empty(), "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales by store city last month");
    let t = refine(&parser, &first, "only those above 500");
    assert_eq!(
        filter_on(&t, "shop_sales.totalSales"),
        Some((FilterOperator::Gt, vec!["500".to_owned()])),
        "{:?}",
        t.query
    );
    let t = refine(&parser, &first, "drop the breakdown");
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
}

#[test]
fn the_period_before_moves_the_range_asked_back() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // Today is 2024-06-15: the last 6 months are December to May.
    let first = translate(&parser, "monthly sign-ups over the last 6 months");
    let t = refine(&parser, &first, "what about the year before");
    assert_eq!(
        t.query.time_dimensions[0].date_range,
        Some(strata_engine::query::DateRangeSpec::Pair(
            "2022-12-01".into(),
            "2023-05-31".into()
        )),
        "{:?}",
        t.query
    );
    let first = translate(&parser, "revenue by channel last month");
    let t = refine(&parser, &first, "and the month before?");
    assert_eq!(
        t.query.time_dimensions[0].date_range,
        Some(strata_engine::query::DateRangeSpec::Pair(
            "2024-04-01".into(),
            "2024-04-30".into()
        )),
        "{:?}",
        t.query
    );
}

#[test]
fn ranking_words_of_a_turn_keep_the_figure() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "Rank the regions by return rate, highest first.");
    assert!(
        first.query.dimensions[0].ends_with("region"),
        "{:?}",
        first.query
    );
    assert!(first.query.measures[0].ends_with("return_rate"));
    let t = refine(&parser, &first, "Now reverse the order.");
    assert_eq!(t.query.measures, first.query.measures, "{:?}", t.query);
    assert_eq!(t.query.order.as_ref().map(|o| o[0].1), Some(false));
    let first = translate(&parser, "units sold by subcategory last month");
    let t = refine(&parser, &first, "which one sold most?");
    assert_eq!(t.query.dimensions, first.query.dimensions, "{:?}", t.query);
    assert_eq!(t.query.limit, Some(1));
    let (mut catalog, model) = demo();
    catalog.set_sample_values("Regions.name", vec!["Europe".into(), "Asia".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "cancellation rate for each European country this year",
    );
    assert!(
        t.query
            .dimensions
            .iter()
            .any(|d| d.ends_with("country") || d.as_str() == "Countries.name"),
        "{:?}",
        t.query
    );
}

#[test]
fn a_filtered_count_asked_as_a_share_is_the_rate_named_after_the_value() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "How many orders were cancelled last quarter?");
    let t = refine(
        &parser,
        &first,
        "Show that as a percentage of all orders instead.",
    );
    assert_eq!(
        t.query.measures,
        ["Orders.cancellation_rate"],
        "{:?}",
        t.query
    );
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    // Not asked as a share: the count stays.
    let t = refine(&parser, &first, "by channel");
    assert_eq!(t.query.measures, first.query.measures, "{:?}", t.query);
}

#[test]
fn back_to_a_measure_replaces_the_one_shown_and_others_join_it() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(
        &parser,
        "Rank our categories by revenue for the last 90 days",
    );
    let profit = refine(&parser, &first, "how about by profit?");
    let back = refine(
        &parser,
        &profit,
        "back to revenue, and put profit margin next to it",
    );
    assert_eq!(back.query.measures.len(), 2, "{:?}", back.query);
    assert!(
        back.query.measures[0].ends_with(".revenue"),
        "{:?}",
        back.query
    );
    assert!(
        back.query.measures[1].ends_with(".profit_margin"),
        "{:?}",
        back.query
    );
    let order = back.query.order.clone().unwrap_or_default();
    assert!(order[0].0.ends_with(".revenue"), "{order:?}");
}

#[test]
fn the_same_period_in_a_named_year_is_the_same_dates() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let ytd = translate(&parser, "revenue so far this year");
    let t = refine(&parser, &ytd, "and versus the same period in 2023?");
    let compared = t.query.time_dimensions[0].compare_date_range.clone();
    assert_eq!(
        compared,
        Some(vec![
            strata_engine::query::DateRangeSpec::Pair("2024-01-01".into(), "2024-06-15".into()),
            strata_engine::query::DateRangeSpec::Pair("2023-01-01".into(), "2023-06-15".into()),
        ]),
        "{:?}",
        t.query
    );
}

#[test]
fn the_same_quarter_last_year_is_the_quarter_asked_a_year_back() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let q1 = translate(&parser, "revenue by channel in Q1 2024");
    let t = refine(
        &parser,
        &q1,
        "And what did those look like in the same quarter last year?",
    );
    assert_eq!(
        t.query.time_dimensions[0].date_range,
        Some(strata_engine::query::DateRangeSpec::Pair(
            "2023-01-01".into(),
            "2023-03-31".into()
        )),
        "{:?}",
        t.query
    );
    // "same for all of last year": the whole year.
    let t = refine(&parser, &q1, "same for all of last year");
    assert_ne!(
        t.query.time_dimensions[0].date_range,
        Some(strata_engine::query::DateRangeSpec::Pair(
            "2023-01-01".into(),
            "2023-03-31".into()
        )),
        "{:?}",
        t.query
    );
}

#[test]
fn periods_moved_back_by_a_count_of_units_are_ranges_not_series() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "revenue by channel last month");
    for (turn, start, end) in [
        ("a year earlier", "2023-05-01", "2023-05-31"),
        ("one year back", "2023-05-01", "2023-05-31"),
        ("what about 2 years back", "2022-05-01", "2022-05-31"),
    ] {
        let t = refine(&parser, &first, turn);
        let td = &t.query.time_dimensions[0];
        assert_eq!(
            td.date_range,
            Some(strata_engine::query::DateRangeSpec::Pair(
                start.into(),
                end.into()
            )),
            "{turn}: {:?}",
            t.query
        );
        assert_eq!(td.granularity, None, "{turn}: {:?}", t.query);
        assert!(t.unmatched.is_empty(), "{turn}: {:?}", t.unmatched);
    }
}

#[test]
fn limits_lifted_lists_sorted_by_name_and_rows_ranked_by_a_measure_shown() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "top 5 products by units sold this year");
    for turn in ["remove the limit", "show all of them again"] {
        let t = refine(&parser, &first, turn);
        assert_eq!(t.query.limit, None, "{turn}: {:?}", t.query);
        assert_eq!(t.query.order, first.query.order, "{turn}");
    }
    let t = refine(&parser, &first, "now sort them alphabetically");
    let product = t.query.dimensions[0].clone();
    assert_eq!(t.query.order, Some(vec![(product, false)]), "{:?}", t.query);

    let first = translate(&parser, "average discount by subcategory last quarter");
    let both = refine(&parser, &first, "add revenue too");
    let t = refine(&parser, &both, "rank by revenue instead");
    assert_eq!(t.query.measures, both.query.measures, "{:?}", t.query);
    let revenue = both.query.measures[1].clone();
    assert_eq!(t.query.order, Some(vec![(revenue, true)]), "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "top 3 storeCity by totalSales");
    assert_eq!(first.query.limit, Some(3));
    let t = refine(&parser, &first, "show them all");
    assert_eq!(t.query.limit, None, "{:?}", t.query);
}

#[test]
fn a_value_instead_of_another_and_every_value_again() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "monthly revenue for Germany this year");
    let t = refine(&parser, &first, "same for France instead of Germany");
    let Some(Filter::Member { member, .. }) = first.query.filters.first() else {
        panic!("{:?}", first.query)
    };
    assert_eq!(t.query.filters.len(), 1, "{:?}", t.query);
    assert_eq!(
        filter_on(&t, member),
        Some((FilterOperator::Equals, vec!["France".to_owned()])),
        "{:?}",
        t.query
    );
    let first = translate(&parser, "revenue by channel and status last week");
    assert_eq!(first.query.dimensions.len(), 2, "{:?}", first.query);
    let web = refine(&parser, &first, "only mobile");
    assert_eq!(web.query.filters.len(), 1, "{:?}", web.query);
    let t = refine(&parser, &web, "every channel again");
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.dimensions, first.query.dimensions);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales in Lyon by month");
    let t = refine(&parser, &first, "same for Paris instead of Lyon");
    assert_eq!(
        filter_on(&t, "shop_sales.storeCity"),
        Some((FilterOperator::Equals, vec!["Paris".to_owned()])),
        "{:?}",
        t.query
    );
}

#[test]
fn a_turn_taking_back_what_was_asked_replaces_it() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "monthly revenue for Germany this year");
    let t = refine(&parser, &first, "sorry, I meant number of orders");
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    assert!(t.query.measures[0].ends_with(".count"), "{:?}", t.query);
    assert_eq!(t.query.filters, first.query.filters);
    assert_eq!(t.query.time_dimensions, first.query.time_dimensions);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales in Paris by month");
    let t = refine(&parser, &first, "Sorry I meant unitsSold, not totalSales");
    assert_eq!(t.query.measures, vec!["shop_sales.unitsSold".to_owned()]);
    assert_eq!(t.query.filters, first.query.filters);
}

#[test]
fn a_figure_asked_of_the_rows_shown_joins_the_one_there() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "top 3 brands by revenue last quarter");
    let t = refine(&parser, &first, "whats the profit margin on those");
    assert_eq!(t.query.measures.len(), 2, "{:?}", t.query);
    assert_eq!(t.query.measures[0], first.query.measures[0]);
    assert!(
        t.query.measures[1].ends_with("profit_margin"),
        "{:?}",
        t.query
    );
    assert_eq!(t.query.order, first.query.order);
    assert_eq!(t.query.limit, Some(3));
}

#[test]
fn a_turn_needing_what_the_view_lacks_moves_the_query_to_its_cubes() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "revenue by age group last year");
    assert!(
        first.query.measures[0].starts_with("orders_overview."),
        "{:?}",
        first.query
    );
    let t = refine(&parser, &first, "sorry, I meant units");
    assert_eq!(t.query.measures, vec!["LineItems.units_sold".to_owned()]);
    assert_eq!(t.query.dimensions, vec!["Users.age_group".to_owned()]);
    assert_eq!(t.query.time_dimensions[0].dimension, "Orders.created_at");
    let first = translate(&parser, "profit margin by category this year");
    assert!(
        first.query.measures[0].starts_with("sales_overview."),
        "{:?}",
        first.query
    );
    let t = refine(&parser, &first, "only premium products");
    assert_eq!(t.query.segments, vec!["Products.premium".to_owned()]);
    assert_eq!(t.query.measures, vec!["LineItems.profit_margin".to_owned()]);

    // A model without views has nothing to move.
    let (_, model) = bare();
    let targets = super::view_moves::ViewTargets::for_model(&model);
    let first = translate(&parser, "revenue by channel last month");
    assert!(targets.on_cubes(&first.query).is_none());
}

#[test]
fn a_rate_added_beside_a_filtered_count_is_not_over_its_own_population() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "canceled" and "cancelld" read as "cancelled".
    let first = translate(&parser, "how many orders were cancelld last week");
    let by = refine(&parser, &first, "by payment method");
    let t = refine(&parser, &by, "add the cancelation rate too");
    assert_eq!(
        t.query.measures,
        vec![
            "Orders.cancelled_count".to_owned(),
            "Orders.cancellation_rate".to_owned()
        ],
        "{:?}",
        t.query
    );
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.dimensions, by.query.dimensions);
}

#[test]
fn exclusions_add_up_unless_instead() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "gross order value in May");
    let t = refine(&parser, &first, "and without returns?");
    let t = refine(&parser, &t, "ok and leave out the cancelled ones as well");
    assert_eq!(
        filter_on(&t, "Orders.status"),
        Some((
            FilterOperator::NotEquals,
            vec!["returned".to_owned(), "cancelled".to_owned()]
        ))
    );
}

#[test]
fn everyone_again_lifts_what_narrowed_the_people_only() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "units sold by subcategory in Beauty last month");
    let narrowed = refine(&parser, &first, "just the business ones");
    assert_eq!(
        narrowed.query.filters.len(),
        2,
        "{:?}",
        narrowed.query.filters
    );
    let t = refine(&parser, &narrowed, "everyone again, by week");
    assert_eq!(t.query.filters.len(), 1, "{:?}", t.query.filters);
    let kept = format!("{:?}", t.query.filters);
    assert!(kept.contains("Beauty"), "{kept}");
    // As a share: the rate named like the count shown.
    let first = translate(&parser, "How many returns did we get, by channel?");
    let t = refine(&parser, &first, "as a share instead");
    assert_eq!(t.query.measures, ["Orders.return_rate"]);
}

#[test]
fn same_for_last_year_and_same_for_another_counts_rate() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "How many orders were completed in May 2024?");
    let t = refine(&parser, &first, "same for last year");
    assert_eq!(
        t.query.time_dimensions[0].date_range,
        Some(DateRangeSpec::Pair(
            "2023-05-01".into(),
            "2023-05-31".into()
        ))
    );
    let first = translate(&parser, "cancellation rate by channel last month");
    let t = refine(&parser, &first, "same for returns");
    assert_eq!(t.query.measures, ["Orders.return_rate"]);
    // A count named by a participle finds its rate ("opted" in
    // `opted_in_count`, "opt" in `opt_in_rate`).
    let first = translate(&parser, "how many customers opted in, by segment");
    let t = refine(&parser, &first, "as a percentage of all customers there");
    assert_eq!(t.query.measures, ["Users.opt_in_rate"]);
    assert_eq!(t.query.dimensions, ["Users.segment"]);
}
