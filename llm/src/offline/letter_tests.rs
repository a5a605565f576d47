//! Questions sent as letters, exclusions in other words, negated segments,
//! "MoM" over a longer range, "compare between" two periods, weekends and
//! the day before yesterday, everyday channel names and the agent of a
//! count; on the demo model and on a model with bare names.

use strata_engine::query::{DateRangeSpec, Filter, FilterOperator};

use super::fixtures::{bare, days, demo, equals, range, today, translate};
use super::*;

fn not_equals(member: &str, values: &[&str]) -> Filter {
    Filter::Member {
        member: member.into(),
        operator: FilterOperator::NotEquals,
        values: values.iter().map(|v| Some((*v).to_owned())).collect(),
    }
}

#[test]
fn a_letter_is_read_for_its_request() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let plain = translate(&parser, "net revenue by sales channel for last month");
    for letter in [
        "Hi Sam, hope you're well! For Friday's board pack I need net revenue by sales \
         channel for last month. Could you pull that together for me? Thanks, Maria",
        "Dear analytics team, our CFO is asking for net revenue by sales channel for last \
         month. Could you let me know? Kind regards, Priya",
        "Hey Chris, the supplier meeting is tomorrow and I'd like to know net revenue by \
         sales channel for last month. Thanks a lot! Ana",
        "Hi, following up on yesterday's call: could you send over net revenue by sales \
         channel for last month? Best, Michael",
        "net revenue by sales channel for last month for the board meeting",
        "For the May reconciliation: net revenue by sales channel for last month?",
        "For the P&L pack, net revenue by sales channel for last month",
    ] {
        let t = translate(&parser, letter);
        assert_eq!(t.query, plain.query, "{letter:?}");
    }
    // A word of a value ("Board Games") is not the value: "the board pack"
    // is still an occasion.
    let mut with_games = catalog.clone();
    with_games.set_sample_values("Products.subcategory", vec!["Board Games".into()]);
    let games = OfflineParser::for_model(&with_games, &model);
    let t = translate(
        &games,
        "For the board pack I need net revenue by sales channel for last month.",
    );
    assert_eq!(t.query, plain.query);
    // A sentence naming the model is never dropped, even among courtesies.
    let t = translate(
        &parser,
        "Hi team. Net revenue by sales channel for last month. Which one grew the most?",
    );
    assert_eq!(t.query.dimensions, plain.query.dimensions);
    // A letter that only asks to delete is still refused.
    assert!(parser
        .translate(
            "Hi Sam, could you delete the cancelled orders from last month? Thanks, Maria",
            today()
        )
        .is_err());

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Good morning! Ahead of the regional sync, could you tell me total sales by store city \
         last month? Many thanks, Lena",
    );
    assert_eq!(t.query.measures, vec!["shop_sales.totalSales".to_owned()]);
    assert_eq!(t.query.dimensions, vec!["shop_sales.storeCity".to_owned()]);
    assert!(t.query.filters.is_empty(), "{:?}", t.query.filters);
}

#[test]
fn exclusions_in_other_words_are_negative_filters() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "orders by payment method apart from credit_card",
        "orders by payment method, leaving out credit_card",
        "orders by payment method besides credit_card",
    ] {
        let t = translate(&parser, q);
        assert!(
            t.query.filters.iter().any(|f| *f
                == not_equals("Orders.payment_method", &["credit_card"])
                || *f == not_equals("orders_overview.payment_method", &["credit_card"])),
            "{q:?} → {:?}",
            t.query.filters
        );
    }
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales by store city apart from Paris");
    assert_eq!(
        t.query.filters,
        vec![not_equals("shop_sales.storeCity", &["Paris"])]
    );
}

#[test]
fn a_negated_segment_is_not_applied() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // The segment would answer the opposite question.
    if let Ok(t) = parser.translate("gross sales on everything that isn't premium", today()) {
        assert!(t.query.segments.is_empty(), "{:?}", t.query);
    }
    let t = translate(&parser, "gross sales on premium products");
    let premium = format!("{:?} {:?}", t.query.segments, t.query.filters);
    assert!(
        premium.contains("premium") || premium.contains("500"),
        "{premium}"
    );
}

#[test]
fn period_over_period_over_a_longer_range_is_a_series() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "orders MoM this yr");
    let td = &t.query.time_dimensions[0];
    assert_eq!(td.granularity.map(|g| g.as_str()), Some("month"));
    assert!(td.compare_date_range.is_none(), "{td:?}");
    // Alone, it still compares with the period before.
    let t = translate(&parser, "revenue MoM");
    assert!(t.query.time_dimensions[0].compare_date_range.is_some());

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales WoW this quarter");
    assert_eq!(
        t.query.time_dimensions[0].granularity.map(|g| g.as_str()),
        Some("week")
    );
}

#[test]
fn compare_between_two_periods_compares_them() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how did orders compare between April and May");
    let compared = t.query.time_dimensions[0]
        .compare_date_range
        .as_ref()
        .map(Vec::len);
    assert_eq!(compared, Some(2), "{:?}", t.query);
    // Without a comparison word it is one range.
    let t = translate(&parser, "orders between April and May");
    assert_eq!(range(&t), days("2024-04-01", "2024-05-31"));
    // A period right after the year's last one stays in its own year.
    let t = translate(&parser, "orders in Q1 vs Q4 of last year");
    let compared = t.query.time_dimensions[0]
        .compare_date_range
        .clone()
        .unwrap_or_default();
    assert_eq!(
        compared,
        vec![
            DateRangeSpec::Pair("2024-01-01".into(), "2024-03-31".into()),
            DateRangeSpec::Pair("2023-10-01".into(), "2023-12-31".into()),
        ]
    );
}

#[test]
fn weekends_and_the_day_before_yesterday_are_days() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    // Today is Saturday 2024-06-15.
    let cases = [
        (
            "total sales the day before yesterday",
            ("2024-06-13", "2024-06-13"),
        ),
        ("total sales last weekend", ("2024-06-08", "2024-06-09")),
        (
            "what did Lyon bring in over the weekend just gone",
            ("2024-06-08", "2024-06-09"),
        ),
        (
            "total sales this year until now",
            ("2024-01-01", "2024-06-15"),
        ),
        ("total sales in year 2023", ("2023-01-01", "2023-12-31")),
    ];
    for (q, (from, to)) in cases {
        let t = translate(&parser, q);
        assert_eq!(range(&t), days(from, to), "{q:?} → {:?}", t.query);
    }
}

#[test]
fn everyday_names_of_channels_and_codes() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values(
        "Orders.channel",
        vec!["web".into(), "mobile".into(), "marketplace".into()],
    );
    catalog.set_sample_values("Countries.iso_code", vec!["US".into(), "DE".into()]);
    catalog.set_sample_values(
        "Countries.name",
        vec!["United States".into(), "Germany".into()],
    );
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "revenue from app orders last month");
    assert!(
        t.query
            .filters
            .contains(&equals("Orders.channel", "mobile"))
            || t.query
                .filters
                .contains(&equals("orders_overview.channel", "mobile")),
        "{:?}",
        t.query.filters
    );
    // "US" is a code and the initials of a name: the name, which views carry.
    let t = translate(&parser, "revenue from US customers");
    let named = format!("{:?}", t.query.filters);
    assert!(named.contains("United States"), "{named}");
}

#[test]
fn who_placed_the_orders_qualifies_them() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "orders placed by business customers",
        "what share of orders placed by business customers get cancelled",
        "how many orders business customers placed last month",
    ] {
        let t = translate(&parser, q);
        assert_eq!(t.query.measures.len(), 1, "{q:?} → {:?}", t.query);
        let filters = format!("{:?}", t.query.filters);
        assert!(filters.contains("business"), "{q:?} → {filters}");
    }
    // A count named after a value cannot be grouped by: after "by" it says
    // whose figure it is.
    let t = translate(
        &parser,
        "revenue from paypal payments by business customers",
    );
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
    let filters = format!("{:?}", t.query.filters);
    assert!(
        filters.contains("business") && filters.contains("paypal"),
        "{filters}"
    );
    // "and" joins two figures: both stay.
    let t = translate(&parser, "revenue and customers who ordered last month");
    assert_eq!(t.query.measures.len(), 2, "{:?}", t.query);
}
