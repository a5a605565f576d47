//! Questions with background sentences, pivot-table specs, holidays, spans
//! of months, exclusions of counted values and spec-like chart words, on the
//! demo model and on a model with bare names.

use strata_engine::query::{DateRangeSpec, Filter, FilterOperator};

use super::fixtures::{bare, days, demo, equals, range, today, translate};
use super::*;

fn needs_clarification(parser: &OfflineParser<'_>, q: &str) {
    match parser.translate(q, today()) {
        Err(LlmError::NeedsClarification { .. }) => {}
        other => panic!("{q:?} should be asked back, got {other:?}"),
    }
}

#[test]
fn the_sentence_that_asks_is_answered_when_the_rest_is_background() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values("Products.category", vec!["Toys".into(), "Books".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "We're planning the winter sale. Last December was strong for Toys. \
         How many Toys units were sold in December 2025?",
    );
    assert!(t.query.measures[0].ends_with("units_sold"), "{:?}", t.query);
    assert!(t.query.filters.iter().any(|f| matches!(f,
        Filter::Member { member, values, .. } if member.ends_with("category") && values == &[Some("Toys".to_owned())])));
    assert_eq!(range(&t), days("2025-12-01", "2025-12-31"));

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "The regional review is on Monday. I was asked about momentum. What were total sales by store city?",
    );
    assert_eq!(t.query.measures, ["shop_sales.totalSales"]);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
}

#[test]
fn background_the_answer_would_leave_out_is_asked_about() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values("Products.category", vec!["Toys".into(), "Books".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    // A value named only in the background.
    needs_clarification(
        &parser,
        "Toys carried us last winter. Everyone is nervous. What was revenue by channel last month?",
    );
    // A period named only in the background, and an ask with none.
    needs_clarification(
        &parser,
        "We hired two analysts in March. What was revenue by channel?",
    );
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    needs_clarification(
        &parser,
        "Lyon worries me. The team is nervous. What were total sales last month?",
    );
}

#[test]
fn pivot_specs_read_as_questions() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "rows: channel, values: revenue, period: last month",
    );
    assert_eq!(t.query.measures, ["Orders.revenue"], "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["Orders.channel"]);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "rows: store city | values: total sales | sort: total sales desc",
    );
    assert_eq!(
        t.query.dimensions,
        ["shop_sales.storeCity"],
        "{:?}",
        t.query
    );
    assert_eq!(t.query.measures, ["shop_sales.totalSales"]);
    assert!(t.query.order.is_some(), "{:?}", t.query);
}

#[test]
fn holidays_and_spans_of_months_are_ranges() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "How many orders did we get on Black Friday 2025?");
    assert_eq!(range(&t), days("2025-11-28", "2025-11-28"));
    let t = translate(&parser, "daily orders over Memorial Day weekend");
    assert_eq!(range(&t), days("2024-05-25", "2024-05-27"));
    let t = translate(&parser, "revenue from Christmas Eve through New Year's Day");
    assert_eq!(range(&t), days("2023-12-24", "2024-01-01"));
    let t = translate(&parser, "Jan-Mar 2025 vs Jan-Mar 2026 revenue");
    let compared = &t.query.time_dimensions[0].compare_date_range;
    assert_eq!(
        compared.as_deref(),
        Some(
            &[
                DateRangeSpec::Pair("2025-01-01".into(), "2025-03-31".into()),
                DateRangeSpec::Pair("2026-01-01".into(), "2026-03-31".into()),
            ][..]
        ),
        "{:?}",
        t.query
    );
    let t = translate(&parser, "orders from 1 Feb till today, by week");
    assert_eq!(range(&t), days("2024-02-01", "2024-06-15"));
    let t = translate(&parser, "cancellation rate in the first two weeks of April");
    assert_eq!(range(&t), days("2024-04-01", "2024-04-14"));
    assert_eq!(t.query.limit, None);
    let t = translate(&parser, "ordering customers by age group, 2024 YTD");
    assert_eq!(range(&t), days("2024-01-01", "2024-06-15"));
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales in the first week of June");
    assert_eq!(range(&t), days("2024-06-01", "2024-06-07"));
}

#[test]
fn an_excluded_counted_value_is_left_out_of_the_plain_count() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "Ignore cancelled orders and give me the order count per channel this quarter.",
        "order count per channel this quarter, not counting cancelled orders",
    ] {
        let t = translate(&parser, q);
        assert_eq!(t.query.measures, ["Orders.count"], "{q}: {:?}", t.query);
        assert!(
            t.query.filters.contains(&Filter::Member {
                member: "Orders.status".into(),
                operator: FilterOperator::NotEquals,
                values: vec![Some("cancelled".into())],
            }),
            "{q}: {:?}",
            t.query
        );
    }
    // Not negated: the count of them.
    let t = translate(&parser, "cancelled orders per channel this quarter");
    assert_eq!(
        t.query.measures,
        ["Orders.cancelled_count"],
        "{:?}",
        t.query
    );
}

#[test]
fn spec_words_and_verbs_are_not_members() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values("Orders.channel", vec!["web".into(), "mobile".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "pie: revenue by channel, this year");
    assert_eq!(t.chart, Some(crate::ChartType::Pie), "{:?}", t.chart);
    let t = translate(&parser, "Which age group places the fewest orders?");
    assert_eq!(t.query.dimensions.len(), 1, "{:?}", t.query);
    assert!(t.query.dimensions[0].ends_with("age_group"));
    let t = translate(&parser, "web and mobile side by side: revenue last month");
    assert!(
        t.query.dimensions.iter().any(|d| d.ends_with("channel")),
        "{:?}",
        t.query
    );
    assert!(
        t.query.filters.iter().any(|f| matches!(f,
            Filter::Member { member, values, .. } if member.ends_with("channel") && values.len() == 2)),
        "{:?}",
        t.query
    );
}

#[test]
fn a_question_of_chat_before_the_spec_and_dates_settled_by_each_other() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values("Regions.name", vec!["Asia".into(), "Europe".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Are B2B sign-ups picking up? Monthly business sign-ups since the start of 2023.",
    );
    assert_eq!(range(&t), days("2023-01-01", "2024-06-15"));
    // The background names a region the answer would drop.
    needs_clarification(
        &parser,
        "How much momentum do we have in Asia right now? Weekly revenue there over the last 8 weeks.",
    );
    // "02/28/2024" puts the month first, so "12/1/2023" is December 1.
    let t = translate(
        &parser,
        "New sign-ups from 12/1/2023 to 2/28/2024, by month",
    );
    assert_eq!(range(&t), days("2023-12-01", "2024-02-28"));
    // Alone, "12/1/2023" could be either and is not read.
    assert!(parser.translate("sign-ups on 12/1/2023", today()).is_err());
    let t = translate(&parser, "Units sold by category in mid-May");
    assert_eq!(range(&t), days("2024-05-11", "2024-05-20"));
    let t = translate(
        &parser,
        "Rank all six regions by net revenue this year, lowest first.",
    );
    assert!(t.query.dimensions[0].ends_with("region"), "{:?}", t.query);
    assert_eq!(t.query.order.as_ref().map(|o| o[0].1), Some(false));
    let t = translate(
        &parser,
        "What number of orders was placed via the mobile app last month?",
    );
    assert_eq!(
        t.query.filters,
        [equals("Orders.channel", "mobile")],
        "{:?}",
        t.query
    );
}

#[test]
fn column_words_of_a_spec_sort_and_date_without_a_series() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "revenue by channel, created_at in 2024, sorted desc",
    );
    assert_eq!(t.query.dimensions, ["Orders.channel"], "{:?}", t.query);
    let td = &t.query.time_dimensions[0];
    assert_eq!(td.granularity, None, "{:?}", t.query);
    assert_eq!(range(&t), days("2024-01-01", "2024-12-31"));
    assert_eq!(
        t.query.order,
        Some(vec![("Orders.revenue".to_owned(), true)])
    );
    // "by created_at" asks for the series.
    let t = translate(&parser, "revenue by created_at in 2024");
    assert!(
        t.query.time_dimensions[0].granularity.is_some(),
        "{:?}",
        t.query
    );
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Which countries did not reach 50,000 in revenue last month?",
    );
    assert!(
        t.query.filters.iter().any(|f| matches!(f,
            Filter::Member { operator: FilterOperator::Lt, values, .. } if values == &[Some("50000".to_owned())])),
        "{:?}",
        t.query
    );
}

#[test]
fn whose_figure_and_what_went_out_are_not_second_figures() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values(
        "Orders.status",
        vec!["shipped".into(), "cancelled".into(), "returned".into()],
    );
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "How many orders were paid by gift card by business customers in 2023?",
    );
    assert_eq!(t.query.measures, ["Orders.count"], "{:?}", t.query);
    assert!(
        t.query
            .filters
            .contains(&equals("Users.segment", "business")),
        "{:?}",
        t.query
    );
    let t = translate(
        &parser,
        "What volume of units was shipped in Books during Q1?",
    );
    assert!(t.query.measures[0].ends_with("units_sold"), "{:?}", t.query);
    assert!(
        !t.query.filters.iter().any(|f| matches!(f,
            Filter::Member { member, .. } if member.ends_with("status"))),
        "{:?}",
        t.query
    );
    // Orders that shipped are still the status.
    let t = translate(&parser, "how many orders shipped last month");
    assert!(
        format!("{:?}", t.query).contains("shipped"),
        "{:?}",
        t.query
    );
    let t = translate(
        &parser,
        "Without counting returns, how many orders did the web shop get in April?",
    );
    assert_eq!(t.query.measures, ["Orders.count"], "{:?}", t.query);
    assert!(t.query.filters.contains(&Filter::Member {
        member: "Orders.status".into(),
        operator: FilterOperator::NotEquals,
        values: vec![Some("returned".into())],
    }));
}

#[test]
fn both_ends_of_a_figure_and_what_a_counted_group_did() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Lowest and highest list price per subcategory in Books",
    );
    assert_eq!(
        t.query.measures,
        ["Products.min_price", "Products.max_price"],
        "{:?}",
        t.query
    );
    assert_eq!((t.query.order.as_ref(), t.query.limit), (None, None));
    // One end is still one end.
    let t = translate(&parser, "highest list price by category");
    assert_eq!(t.query.measures, ["Products.max_price"], "{:?}", t.query);

    let t = translate(
        &parser,
        "which payment method do business customers use the most?",
    );
    assert_eq!(t.query.measures, ["Orders.count"], "{:?}", t.query);
    assert!(t
        .query
        .filters
        .contains(&equals("Users.segment", "business")));
    // Customers grouped by their own country are still counted.
    let t = translate(&parser, "business customers by country");
    assert_eq!(t.query.measures, ["Users.business_count"], "{:?}", t.query);
}

#[test]
fn catalogue_words_list_what_there_is() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "What categories are in the catalogue?");
    assert_eq!(t.query.dimensions, ["Products.category"], "{:?}", t.query);
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    let t = translate(&parser, "Which subcategories sit under Books?");
    assert_eq!(
        t.query.dimensions,
        ["Products.subcategory"],
        "{:?}",
        t.query
    );
    assert_eq!(t.query.filters, [equals("Products.category", "Books")]);
}

#[test]
fn when_a_customer_last_ordered_is_their_orders_latest_moment() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "When did customer 1042 last place an order?");
    assert_eq!(t.query.measures, ["Orders.last_order_at"], "{:?}", t.query);
    assert!(t.query.time_dimensions.is_empty(), "{:?}", t.query);
    // Their own date stays theirs.
    let t = translate(&parser, "When did our most recent customer sign up?");
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.time_dimensions[0].dimension, "Users.signed_up_at");
}

#[test]
fn trajectory_words_only_say_a_trend_is_wanted() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Show me the ramp in web orders, month by month since January.",
    );
    assert_eq!(t.query.measures, ["Orders.count"], "{:?}", t.query);
    assert_eq!(t.query.filters, [equals("Orders.channel", "web")]);
    let t = translate(
        &parser,
        "New sign-ups this month against last month - is the trajectory pointing up?",
    );
    let td = &t.query.time_dimensions[0];
    assert_eq!(
        td.compare_date_range.as_ref().map(Vec::len),
        Some(2),
        "{:?}",
        t.query
    );
}
