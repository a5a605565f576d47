//! The wording of auditors, texters and spreadsheet users (the v26 tuning
//! set's voices): claims to check, "please confirm", chat slang, clauses
//! saying everything counts, fields placed "in rows", a week named by its
//! days, and a word of time that another cube's date also answers to.

use super::fixtures::{bare, days, demo, measures, range, translate};
use super::*;

#[test]
fn a_claim_is_answered_by_the_figure_that_decides_it() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Is it correct that 2,310 orders were cancelled in May 2024?",
    );
    assert_eq!(measures(&t).len(), 1, "{:?}", t.query);
    assert!(
        t.query.filters.len() <= 1,
        "the claimed count is no filter: {:?}",
        t.query
    );
    let t = translate(
        &parser,
        "Is it correct that the average order value in March 2024 was above 120?",
    );
    assert_eq!(
        measures(&t),
        vec!["Orders.average_order_value"],
        "{:?}",
        t.query
    );
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    let t = translate(&parser, "Please confirm the total revenue for March 2024.");
    assert_eq!(measures(&t), vec!["Orders.revenue"], "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "True or false: total profit in 2023 came to 2.9 million",
    );
    assert_eq!(
        measures(&t),
        vec!["shop_sales.totalProfit"],
        "{:?}",
        t.query
    );
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
}

#[test]
fn chat_slang_around_the_ask_is_cut() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "ngl how many orders came from the app yesterday",
        "wait how many orders came from the app yesterday",
        "lowkey how many orders came from the app yesterday tbh",
    ] {
        let t = translate(&parser, q);
        assert_eq!(measures(&t), vec!["Orders.count"], "{q}: {:?}", t.query);
    }
    // Only opening a clause is "fr" slang; inside one "FR" is France's code.
    use super::courtesy::without_hedges;
    assert_eq!(
        without_hedges("fr how many customers"),
        "how many customers"
    );
    assert_eq!(without_hedges("customers in FR"), "customers in FR");
    assert_eq!(without_hedges("customers in fr"), "customers in fr");
}

#[test]
fn a_clause_saying_everything_counts_is_no_filter_and_no_split() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "gross order value, cancelled and returned orders included, for 2023",
    );
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    let t = translate(
        &parser,
        "number of customers on file, all segments included",
    );
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales in 2023, Lyon and Paris included");
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
}

#[test]
fn per_a_named_column_splits_and_a_week_of_days_is_those_days() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "order count and revenue per order status for the week 8 to 14 June 2024",
    );
    assert_eq!(
        measures(&t),
        vec!["Orders.count", "Orders.revenue"],
        "{:?}",
        t.query
    );
    assert_eq!(t.query.dimensions, vec!["Orders.status".to_owned()]);
    assert_eq!(range(&t), days("2024-06-08", "2024-06-14"), "{:?}", t.query);
}

#[test]
fn a_bare_word_of_time_takes_the_date_of_the_figure() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "day" is a synonym of the order date; the sign-ups have their own.
    let t = translate(&parser, "which day had the most signups");
    let td = &t.query.time_dimensions[0].dimension;
    assert_eq!(td, "Users.signed_up_at", "{:?}", t.query);
    let t = translate(&parser, "which day had the most orders");
    assert_eq!(t.query.time_dimensions[0].dimension, "Orders.created_at");
}

#[test]
fn fields_placed_in_rows_and_values_are_a_pivot() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "pivot with region in rows and count of customers in values",
    );
    assert_eq!(measures(&t), vec!["Users.count"], "{:?}", t.query);
    assert_eq!(t.query.dimensions, vec!["Regions.name".to_owned()]);
    let t = translate(
        &parser,
        "pivot: rows = age_group, values = count of customers",
    );
    assert_eq!(t.query.dimensions, vec!["Users.age_group".to_owned()]);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "pivot with store city in rows and total sales in values",
    );
    assert_eq!(measures(&t), vec!["shop_sales.totalSales"], "{:?}", t.query);
    assert_eq!(t.query.dimensions, vec!["shop_sales.storeCity".to_owned()]);
}

#[test]
fn spreadsheet_functions_name_their_aggregate() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "SUMIFS of revenue where country is Germany, for 2023",
    );
    assert_eq!(t.query.filters.len(), 1, "{:?}", t.query);
    assert!(measures(&t)[0].ends_with("revenue"), "{:?}", t.query);
    let t = translate(&parser, "net revenue by month, one row per month, for 2023");
    let grain = t.query.time_dimensions[0].granularity.as_ref();
    assert!(
        format!("{grain:?}").to_lowercase().contains("month"),
        "{:?}",
        t.query
    );

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "COUNTIFS shoppers by loyalty tier");
    assert_eq!(measures(&t), vec!["shoppers.count"], "{:?}", t.query);
    assert_eq!(t.query.dimensions, vec!["shoppers.loyaltyTier".to_owned()]);
}

#[test]
fn a_question_back_without_options_has_no_empty_choice() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in ["wibble", "SUMIFS", "I'll do the minus myself"] {
        if let Err(e) = parser.translate(q, super::fixtures::today()) {
            assert!(!e.to_string().contains("Choose: ."), "{q}: {e}");
        }
    }
}

#[test]
fn a_measure_swapped_for_one_its_word_begins_replaces_it() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "profit by region for Q4 2023");
    let t = super::fixtures::refine(&parser, &first, "Swap profit for profit margin.");
    assert_eq!(measures(&t).len(), 1, "{:?}", t.query);
    assert!(measures(&t)[0].ends_with("profit_margin"), "{:?}", t.query);
    // The ranking's direction stays with the new measure.
    let first = translate(
        &parser,
        "units sold per subcategory last quarter, bottom 10",
    );
    let t = super::fixtures::refine(
        &parser,
        &first,
        "Same ranking on profit margin instead of units.",
    );
    let order = t.query.order.clone().unwrap_or_default();
    assert_eq!(order.len(), 1, "{:?}", t.query);
    assert!(order[0].0.ends_with("profit_margin"), "{:?}", t.query);
    assert!(!order[0].1, "descending: {:?}", t.query);
}

#[test]
fn the_last_days_of_a_month_and_back_to_the_start_of_a_year() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "orders in the last seven days of May 2024");
    assert_eq!(range(&t), days("2024-05-25", "2024-05-31"), "{:?}", t.query);
    let first = translate(&parser, "revenue by category, 2024 so far");
    let t = super::fixtures::refine(
        &parser,
        &first,
        "Extend the window back to the start of 2023.",
    );
    assert_eq!(range(&t), days("2023-01-01", "2024-06-15"), "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales for the last two weeks of 2023");
    assert_eq!(range(&t), days("2023-12-18", "2023-12-31"), "{:?}", t.query);
}

#[test]
fn dataframe_operations_read_as_a_question() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "df where storeCity == 'Lyon', groupby storeCity, totalSales.sum()",
    );
    assert_eq!(measures(&t), vec!["shop_sales.totalSales"], "{:?}", t.query);
    assert_eq!(t.query.dimensions, vec!["shop_sales.storeCity".to_owned()]);
    assert_eq!(t.query.filters.len(), 1, "{:?}", t.query);
    let t = translate(&parser, "nlargest 2 storeCity by totalProfit");
    assert_eq!(t.query.limit, Some(2), "{:?}", t.query);

    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "resample('M') on created_at and sum the revenue, 2023",
    );
    let grain = t.query.time_dimensions[0].granularity.as_ref();
    assert!(
        format!("{grain:?}").to_lowercase().contains("month"),
        "{:?}",
        t.query
    );
}

#[test]
fn a_data_scientist_swaps_measures_and_widens_windows() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let refine = super::fixtures::refine;
    let first = translate(&parser, "orders by country since March 2024");
    let t = refine(
        &parser,
        &first,
        "Swap the measure to sign-ups over the same window.",
    );
    assert_eq!(measures(&t), vec!["Users.count"], "{:?}", t.query);
    // The sign-ups are dated by their sign-up day.
    assert_eq!(t.query.time_dimensions[0].dimension, "Users.signed_up_at");
    let first = translate(&parser, "revenue by week in 2023");
    let t = refine(&parser, &first, "Monthly grain please.");
    let grain = t.query.time_dimensions[0].granularity.as_ref();
    assert!(
        format!("{grain:?}").to_lowercase().contains("month"),
        "{:?}",
        t.query
    );
    let first = translate(&parser, "revenue by country for January 2024");
    let t = refine(&parser, &first, "Widen the window to the whole first half.");
    assert_eq!(range(&t), days("2024-01-01", "2024-06-30"), "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "total sales by store city");
    let t = refine(&parser, &first, "Swap to units sold.");
    assert_eq!(measures(&t), vec!["shop_sales.unitsSold"], "{:?}", t.query);
}

#[test]
fn the_grain_of_a_named_event_is_the_grain_of_the_figure() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "opt-in rate by sign-up month in 2023");
    assert_eq!(measures(&t), vec!["Users.opt_in_rate"], "{:?}", t.query);
    let grain = t.query.time_dimensions[0].granularity.as_ref();
    assert!(
        format!("{grain:?}").to_lowercase().contains("month"),
        "{:?}",
        t.query
    );
    let t = translate(&parser, "revenue by order month in 2023");
    assert_eq!(measures(&t), vec!["Orders.revenue"], "{:?}", t.query);
}

#[test]
fn what_a_question_is_for_and_who_did_it_are_no_figures() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "For my piece on the shop's 2023, what did net revenue come to over the year?",
    );
    assert_eq!(measures(&t), vec!["Orders.revenue"], "{:?}", t.query);
    let t = translate(
        &parser,
        "What proportion of last year's orders were sent back by the customers who received them?",
    );
    assert_eq!(measures(&t), vec!["Orders.return_rate"], "{:?}", t.query);
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
}
