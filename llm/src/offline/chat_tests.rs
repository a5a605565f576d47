//! Chat follow-ups and ranking words met in v8's voices: "same but B2B
//! only" (no negation), "and just business accounts", "on those", "the month
//! before", "split by consumer vs business", plural "which" questions, "best
//! and worst", "the first five months", "the last quarter of 2025", "payment
//! mix", "most big", "from big to small", both ends of time, and a period no
//! figure can be dated by; on the demo model and on a model with bare names.

use super::fixtures::{bare, days, demo, range, today, translate};
use super::*;
use strata_engine::query::DateRangeSpec;

fn refine(parser: &OfflineParser<'_>, first: &str, then: &str) -> Translation {
    let previous = translate(parser, first);
    parser
        .refine(&previous, then, today())
        .unwrap_or_else(|e| panic!("{then:?} after {first:?} refused: {e}"))
}

fn filters(t: &Translation) -> String {
    format!("{:?}", t.query.filters)
}

#[test]
fn chat_follow_ups_keep_what_was_asked() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "but" is no negation here.
    let t = refine(
        &parser,
        "revenue by channel last month",
        "same but B2B only",
    );
    assert!(filters(&t).contains("Equals") && filters(&t).contains("business"));
    assert!(!filters(&t).contains("NotEquals"), "{}", filters(&t));
    // A chat word before "just" still narrows.
    let t = refine(
        &parser,
        "revenue by channel last month",
        "and just business customers",
    );
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    assert!(filters(&t).contains("business"));
    // "on those": the rows already asked for.
    let t = refine(
        &parser,
        "top 3 brands by revenue last month",
        "whats the profit margin on those",
    );
    assert!(!t.query.dimensions.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.limit, Some(3));
    // "the month before": the month before the one asked.
    let t = refine(
        &parser,
        "returned orders in May 2024",
        "same for the month before",
    );
    assert_eq!(range(&t), days("2024-04-01", "2024-04-30"));
    let t = refine(
        &parser,
        "returned orders in May 2024",
        "vs the month before?",
    );
    let compared = t.query.time_dimensions[0]
        .compare_date_range
        .as_ref()
        .map(Vec::len);
    assert_eq!(compared, Some(2), "{:?}", t.query);
    // "split by consumer vs business": a row each.
    let t = refine(
        &parser,
        "new customers per month this year",
        "split by consumer vs business",
    );
    assert!(
        t.query.dimensions.iter().any(|d| d.ends_with("segment")),
        "{:?}",
        t.query
    );
    // "what % of them": the model's rate over the same rows.
    let previous = refine(
        &parser,
        "new customers per month this year",
        "split by consumer vs business",
    );
    let t = parser
        .refine(&previous, "what % of them opted in to marketing?", today())
        .unwrap_or_else(|e| panic!("refused: {e}"));
    assert_eq!(t.query.measures, vec!["Users.opt_in_rate".to_owned()]);
    assert_eq!(t.query.dimensions, previous.query.dimensions);
    // Plural "which": a few rows, not one.
    let t = refine(
        &parser,
        "returned orders last month",
        "which countries had the most of those",
    );
    assert_eq!(t.query.limit, Some(5), "{:?}", t.query);
}

#[test]
fn ranking_words_of_chat() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "best and worst performing country by net revenue");
    assert_eq!(t.query.limit, None, "{:?}", t.query);
    assert!(
        t.query.order.as_ref().is_some_and(|o| o[0].1),
        "{:?}",
        t.query
    );
    let t = translate(&parser, "which brands sold the most units last month");
    assert_eq!(t.query.limit, Some(5));
    let t = translate(&parser, "which brand sold the most units last month");
    assert_eq!(t.query.limit, Some(1));
    let t = translate(&parser, "the 10 most big orders last week");
    assert_eq!(t.query.limit, Some(10));
    assert!(t.query.measures.is_empty(), "a listing: {:?}", t.query);
    let t = translate(&parser, "payment mix last month");
    assert!(
        t.query
            .dimensions
            .iter()
            .any(|d| d.ends_with("payment_method")),
        "{:?}",
        t.query
    );
    // A share between named values is their distribution.
    let t = translate(
        &parser,
        "what share of revenue comes from business customers versus consumers",
    );
    assert!(
        t.query.dimensions.iter().any(|d| d.ends_with("segment")),
        "{:?}",
        t.query
    );
    // "lifetime" is all of time.
    let t = translate(&parser, "top 5 customers by lifetime revenue");
    assert!(t.query.time_dimensions.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.limit, Some(5));
    let t = translate(&parser, "dates of our very first and most recent orders");
    assert_eq!(t.query.measures.len(), 2, "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "total profit by store city, sort from big to small",
    );
    assert!(
        t.query.order.as_ref().is_some_and(|o| o[0].1),
        "{:?}",
        t.query
    );
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    let t = translate(&parser, "total sales by store city, highest and lowest");
    assert_eq!(t.query.limit, None);
}

#[test]
fn periods_of_chat() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let cases = [
        (
            "total sales for the first five months of this year",
            ("2024-01-01", "2024-05-31"),
        ),
        (
            "total sales in the last quarter of 2023",
            ("2023-10-01", "2023-12-31"),
        ),
    ];
    for (q, (from, to)) in cases {
        let t = translate(&parser, q);
        assert_eq!(range(&t), days(from, to), "{q:?} → {:?}", t.query);
    }
    // "for last quarter", with no year, is the quarter before this one.
    let t = translate(&parser, "total sales for last quarter");
    assert_eq!(
        range(&t),
        Some(DateRangeSpec::Relative("last quarter".into()))
    );
}

#[test]
fn a_period_no_figure_can_be_dated_by_is_refused() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    // Shoppers have no date: the period would be dropped.
    let refused = parser.translate("number of shoppers by loyalty tier last month", today());
    let message = refused
        .map(|t| format!("{:?}", t.query))
        .unwrap_err()
        .to_string();
    assert!(message.contains("date"), "{message}");
    // Sales have one.
    let t = translate(&parser, "total sales by loyalty tier last month");
    assert!(range(&t).is_some(), "{:?}", t.query);
}

#[test]
fn verbs_of_chat_name_their_figure() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    // The most money lost: the lowest profit first, no sign filter.
    let t = translate(&parser, "which store city lost the most money");
    assert_eq!(
        t.query.order,
        Some(vec![("shop_sales.totalProfit".to_owned(), false)])
    );
    assert!(t.query.filters.is_empty(), "{:?}", t.query.filters);
    // "what did we make": money.
    let t = translate(&parser, "what did we make in Lyon last month");
    assert_eq!(t.query.measures, vec!["shop_sales.totalSales".to_owned()]);
    // A closing "place" after "did" is the verb, not a location.
    let t = translate(&parser, "how many sales did Lyon place");
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);

    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how many orders did we make last month");
    assert_eq!(t.query.measures, vec!["Orders.count".to_owned()]);
    let t = translate(
        &parser,
        "number of orders for each status, for all the time",
    );
    assert!(t.query.time_dimensions.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.measures, vec!["Orders.count".to_owned()]);
}

/// The granularity of the first time dimension.
fn series_of(t: &Translation) -> Option<strata_schema::Granularity> {
    t.query
        .time_dimensions
        .first()
        .and_then(|td| td.granularity)
}

#[test]
fn a_condition_on_a_total_needs_rows() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // The grand total of products is no condition on each order.
    let refused = parser
        .translate(
            "how many orders had more than 5 different products in them",
            today(),
        )
        .map(|t| format!("{:?}", t.query))
        .unwrap_err()
        .to_string();
    assert!(refused.contains("condition on a total"), "{refused}");
    // Grouped, the condition applies to each row.
    let t = translate(&parser, "customers with more than 5 orders");
    assert!(!t.query.dimensions.is_empty(), "{:?}", t.query);
    assert!(!t.query.filters.is_empty(), "{:?}", t.query);
    // Rows named as a plural unit of time make a series of that unit.
    let t = translate(
        &parser,
        "which months of 2023 came in under 400k in revenue",
    );
    assert_eq!(
        series_of(&t),
        Some(strata_schema::Granularity::Month),
        "{:?}",
        t.query
    );
    // Rows named by a dimension's synonym group by it; the noun is no count.
    let t = translate(&parser, "Customers who placed more than 10 orders in 2023");
    assert_eq!(t.query.dimensions, ["Users.name"], "{:?}", t.query);
    assert_eq!(t.query.measures, ["Orders.count"], "{:?}", t.query);
    let (catalog, model) = super::fixtures::bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "days last month with total sales above 5000");
    assert_eq!(
        series_of(&t),
        Some(strata_schema::Granularity::Day),
        "{:?}",
        t.query
    );
}

#[test]
fn phrasing_of_averages_and_membership() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "the deepest discounts on average": the highest average discount.
    let t = translate(
        &parser,
        "which category gets the deepest discounts on average",
    );
    assert!(
        t.query
            .measures
            .iter()
            .any(|m| m.ends_with("average_discount")),
        "{:?}",
        t.query
    );
    assert!(
        t.query.order.as_ref().is_some_and(|o| o[0].1),
        "{:?}",
        t.query
    );
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "in terms of sales" names the figure.
    let t = translate(&parser, "Lyon vs Paris in terms of total sales");
    assert_eq!(t.query.measures, vec!["shop_sales.totalSales".to_owned()]);
    assert_eq!(t.query.dimensions, vec!["shop_sales.storeCity".to_owned()]);
    // "which store cities fall under the gold tier": in it.
    let mut tiers = catalog.clone();
    tiers.set_sample_values("shoppers.loyaltyTier", vec!["gold".into(), "silver".into()]);
    let parser = OfflineParser::for_model(&tiers, &model);
    let t = translate(&parser, "which loyalty tiers fall under gold");
    assert!(
        format!("{:?}", t.query.filters).contains("gold"),
        "{:?}",
        t.query
    );
}

#[test]
fn amounts_per_record_and_people_counted_once() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // An amount per order is the model's average per order.
    let t = translate(
        &parser,
        "how much do people usually spend per order when they pay with paypal",
    );
    assert_eq!(
        t.query.measures,
        vec!["Orders.average_order_value".to_owned()]
    );
    // "when they pay" joins a clause: no date series.
    assert!(t.query.time_dimensions.is_empty(), "{:?}", t.query);
    let t = translate(&parser, "revenue per order by channel");
    assert_eq!(
        t.query.measures,
        vec!["Orders.average_order_value".to_owned()]
    );
    // Without "per", the amount itself.
    let t = translate(&parser, "revenue by channel");
    assert_eq!(t.query.measures, vec!["Orders.revenue".to_owned()]);
    // "different people who bought": customers who ordered, counted once.
    let t = translate(
        &parser,
        "how many different people bought something this year",
    );
    assert_eq!(t.query.measures, vec!["Orders.customer_count".to_owned()]);
    // "when" opening a question still asks for a date.
    let t = translate(&parser, "when was our first order");
    assert_eq!(t.query.measures, vec!["Orders.first_order_at".to_owned()]);
}

#[test]
fn the_scope_of_an_exclusion_is_no_grouping() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    // Grouped by tier; "all store cities" only scopes the exclusion.
    let t = translate(
        &parser,
        "total sales per loyalty tier for all store cities apart from Paris",
    );
    assert_eq!(t.query.dimensions, vec!["shoppers.loyaltyTier".to_owned()]);
    assert!(format!("{:?}", t.query.filters).contains("Paris"));
    // Nothing else grouped: the cities stay the rows.
    let t = translate(&parser, "total sales for all store cities except Paris");
    assert_eq!(t.query.dimensions, vec!["shop_sales.storeCity".to_owned()]);
}

#[test]
fn records_over_time_rank_the_unit_named() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for (q, measure, unit, desc) in [
        (
            "Our biggest sign-up month ever?",
            "Users.count",
            "month",
            true,
        ),
        (
            "What was the busiest week ever for orders?",
            "Orders.count",
            "week",
            true,
        ),
        (
            "Lowest revenue day in the last 30 days?",
            "Orders.revenue",
            "day",
            false,
        ),
        (
            "quietest day over the winter for new sign-ups",
            "Users.count",
            "day",
            false,
        ),
    ] {
        let t = translate(&parser, q);
        assert_eq!(t.query.measures, [measure], "{q}: {:?}", t.query);
        let td = &t.query.time_dimensions[0];
        let g = td.granularity.map(|g| format!("{g:?}").to_lowercase());
        assert_eq!(g.as_deref(), Some(unit), "{q}: {:?}", t.query);
        assert_eq!(t.query.order, Some(vec![(measure.to_owned(), desc)]), "{q}");
        assert_eq!(t.query.limit, Some(1), "{q}: {:?}", t.query);
        // The time of the measure's own cube ("sign-ups" by sign-up date).
        let owner = measure.split('.').next().unwrap_or_default();
        assert!(td.dimension.starts_with(owner), "{q}: {:?}", t.query);
    }
}

#[test]
fn a_numeric_range_keeps_both_ends() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Orders between 100 and 200 by channel");
    let ends: Vec<String> = t.query.filters.iter().map(|f| format!("{f:?}")).collect();
    assert_eq!(ends.len(), 2, "{:?}", t.query);
    assert!(
        ends[0].contains("Gte") && ends[0].contains("100"),
        "{ends:?}"
    );
    assert!(
        ends[1].contains("Lte") && ends[1].contains("200"),
        "{ends:?}"
    );
}

#[test]
fn exclusions_after_the_value_and_behind_a_verb() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "orders this month that didn't come through mobile",
        "orders this month, mobile excluded",
    ] {
        let t = translate(&parser, q);
        let not_mobile = t.query.filters.iter().any(|f| {
            matches!(f, strata_engine::query::Filter::Member {
                operator: strata_engine::query::FilterOperator::NotEquals,
                values,
                ..
            } if values == &[Some("mobile".to_owned())])
        });
        assert!(not_mobile, "{q}: {:?}", t.query);
    }
}

#[test]
fn a_condition_on_an_amount_names_what_is_counted() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Orders of 250 or more from Germany, by month, in 2023",
    );
    assert_eq!(t.query.measures, ["Orders.count"], "{:?}", t.query);
}

#[test]
fn a_series_in_time_order_by_words() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for (q, desc) in [
        (
            "Daily order counts for the last two weeks, newest first",
            true,
        ),
        ("Monthly revenue across 2023 in chronological order", false),
    ] {
        let t = translate(&parser, q);
        assert_eq!(t.query.measures.len(), 1, "{q}: {:?}", t.query);
        assert_eq!(
            t.query.order,
            Some(vec![("Orders.created_at".to_owned(), desc)]),
            "{q}"
        );
    }
    // A half without a year after one with it shares the year.
    let (catalog, model) = super::fixtures::bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales, H1 2023 against H2");
    let compared = t.query.time_dimensions[0].compare_date_range.clone();
    assert_eq!(
        compared,
        Some(vec![
            strata_engine::query::DateRangeSpec::Pair("2023-01-01".into(), "2023-06-30".into()),
            strata_engine::query::DateRangeSpec::Pair("2023-07-01".into(), "2023-12-31".into()),
        ])
    );
}

#[test]
fn possessives_after_each_misspelt_months_and_how_much_without_an_amount() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "What share of revenue does each of our categories bring?",
    );
    assert!(!t.query.dimensions.is_empty(), "{:?}", t.query);
    let t = translate(&parser, "units sold for Beauty in Decmber");
    assert_eq!(
        super::fixtures::range(&t),
        super::fixtures::days("2023-12-01", "2023-12-31"),
        "{:?}",
        t.query
    );
    let asked = parser.translate(
        "Books: which products did they purchase and how much did each come to?",
        today(),
    );
    let asked = asked
        .map(|t| format!("{:?}", t.query))
        .unwrap_err()
        .to_string();
    assert!(asked.contains("asks for an amount"), "{asked}");
}

#[test]
fn a_negation_reaches_every_value_of_its_list() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "revenue excluding returned and cancelled orders");
    let f = format!("{:?}", t.query.filters);
    assert!(!f.contains("Equals, values: [Some(\"cancelled\")]"), "{f}");
    assert!(f.contains("NotEquals") && f.contains("cancelled"), "{f}");
    let t = translate(
        &parser,
        "revenue excluding web and anything paid with a gift card",
    );
    let f = format!("{:?}", t.query.filters);
    assert_eq!(f.matches("NotEquals").count(), 2, "{f}");
    // A place after the list is no longer in it.
    let t = translate(&parser, "orders excluding web, and in Germany");
    let f = format!("{:?}", t.query.filters);
    assert_eq!(f.matches("NotEquals").count(), 1, "{f}");
}
