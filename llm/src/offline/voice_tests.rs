//! Dictated, chat and title phrasing: spoken numbers, days of one month,
//! open ranges from a day or a week, groups named by their numbers, filler
//! words, verbs after "we", percent measures and counts that only say whose
//! figure it is; on the demo model and on a model with bare names.

use strata_engine::query::{Filter, FilterOperator};

use super::fixtures::{bare, days, demo, range, today, translate};
use super::*;

#[test]
fn spoken_numbers_and_days_read_as_dates() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let cases = [
        (
            "uh which country brought in the most revenue in the first half of twenty twenty three",
            ("2023-01-01", "2023-06-30"),
        ),
        (
            "how many orders did we get per day between march third and april twenty first",
            ("2024-03-03", "2024-04-21"),
        ),
        (
            "Daily orders and revenue — 2nd to 15th June",
            ("2024-06-02", "2024-06-15"),
        ),
        ("orders since 1 May", ("2024-05-01", "2024-06-15")),
        ("weekly revenue since wk 10", ("2024-03-04", "2024-06-15")),
        (
            "cancelled orders since the start of the year",
            ("2024-01-01", "2024-06-15"),
        ),
    ];
    for (q, (from, to)) in cases {
        let t = translate(&parser, q);
        assert_eq!(range(&t), days(from, to), "{q:?} → {:?}", t.query);
    }
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "total sales in q four twenty twenty three");
    assert_eq!(range(&t), days("2023-10-01", "2023-12-31"), "{:?}", t.query);
}

#[test]
fn filler_of_speech_and_chat_is_not_a_condition() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "okay so um how many orders came thru paypal last month",
        "pivot: revenue by channel x country for 2023",
        "How does Germany stack up against France on revenue this year?",
        "Could you do me a bar chart of orders by status for the last calendar month?",
    ] {
        let t = parser
            .translate(q, today())
            .unwrap_or_else(|e| panic!("{q:?} refused: {e}"));
        assert!(!t.query.measures.is_empty(), "{q:?} → {:?}", t.query);
    }
    // "did we book": a verb, not the Books category.
    let t = translate(
        &parser,
        "How many completed orders did we book between 20 November 2023 and 10 January?",
    );
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.measures, ["Orders.completed_count"]);
    // "the last calendar month" is the last month, not the latest order.
    let t = translate(&parser, "orders by status for the last calendar month");
    assert_eq!(t.query.measures, ["Orders.count"], "{:?}", t.query);
    assert_eq!(range(&t), days("2024-05-01", "2024-05-31"));
}

#[test]
fn a_group_named_by_its_numbers_and_a_percent_measure() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values("Users.age_group", vec!["18-24".into(), "65+".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "revenue from the 18-24s by channel");
    let age = Filter::Member {
        member: "orders_overview.age_group".into(),
        operator: FilterOperator::Equals,
        values: vec![Some("18-24".into())],
    };
    let cube_age = Filter::Member {
        member: "Users.age_group".into(),
        operator: FilterOperator::Equals,
        values: vec![Some("18-24".into())],
    };
    assert!(
        t.query.filters.contains(&age) || t.query.filters.contains(&cube_age),
        "{:?}",
        t.query
    );
    // "%" next to a measure in percent is that measure's unit.
    let t = translate(
        &parser,
        "Average discount % by channel over the last 6 months",
    );
    assert!(
        t.query.measures[0].ends_with("average_discount"),
        "{:?}",
        t.query
    );
}

#[test]
fn a_count_that_only_says_whose_figure_it_is_is_no_second_figure() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "count distinct customers who placed orders, grouped by channel, last 30 days",
    );
    assert_eq!(t.query.measures, ["Orders.customer_count"], "{:?}", t.query);
    // Joined figures stay two.
    let t = translate(&parser, "revenue and number of orders by channel");
    assert_eq!(t.query.measures.len(), 2, "{:?}", t.query);
    let t = translate(&parser, "how many people have signed up from Germany");
    assert_eq!(t.query.measures, ["Users.count"], "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "units sold to shoppers by store city");
    assert_eq!(t.query.measures, ["shop_sales.unitsSold"], "{:?}", t.query);
    let t = translate(&parser, "total sales and count of shop sales by store city");
    assert_eq!(t.query.measures.len(), 2, "{:?}", t.query);
}

#[test]
fn a_period_takes_the_relative_year_after_it() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "How many orders did we take in the first quarter of last year?",
    );
    assert_eq!(range(&t), days("2023-01-01", "2023-03-31"), "{:?}", t.query);
    let t = translate(&parser, "gross order value since October of last year");
    assert_eq!(range(&t), days("2023-10-01", "2024-06-15"), "{:?}", t.query);
    let t = translate(
        &parser,
        "How did Germany do in Q1 this year compared with Q1 last year on revenue?",
    );
    let compared = t.query.time_dimensions[0]
        .compare_date_range
        .clone()
        .expect("a comparison");
    assert_eq!(compared.len(), 2, "{:?}", t.query);
    assert_eq!(Some(compared[1].clone()), days("2023-01-01", "2023-03-31"));
    // A span of months written with a dash is one range.
    let t = translate(&parser, "Returns by payment method — Oct–Dec 2023");
    assert_eq!(range(&t), days("2023-10-01", "2023-12-31"), "{:?}", t.query);
    // "the week of" a day is the ISO week holding it.
    let t = translate(&parser, "daily orders for the week of Dec 14 2023");
    assert_eq!(range(&t), days("2023-12-11", "2023-12-17"), "{:?}", t.query);
}

#[test]
fn spreadsheet_conditions_losses_and_listings() {
    let (catalog, model) = super::fixtures::siblings();
    let parser = OfflineParser::for_model(&catalog, &model);
    // Comparison symbols are conditions.
    let t = translate(&parser, "count where discount >= 0.5");
    let gte = Filter::Member {
        member: "sales.discount".into(),
        operator: FilterOperator::Gte,
        values: vec![Some("0.5".into())],
    };
    assert!(t.query.filters.contains(&gte), "{:?}", t.query);
    // Losing money is a negative profit: of each row when rows are counted;
    // with no profit column, the total's sign would say nothing of the rows.
    let refused = parser
        .translate("how many sales lost money?", today())
        .map(|t| format!("{:?}", t.query))
        .unwrap_err()
        .to_string();
    assert!(refused.contains("condition on a total"), "{refused}");
    let lt = Filter::Member {
        member: "sales.totalProfit".into(),
        operator: FilterOperator::Lt,
        values: vec![Some("0".into())],
    };
    let t = translate(&parser, "which products lost money overall?");
    assert!(t.query.filters.contains(&lt), "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["sales.productName"]);
    // "which month ... the highest": one month.
    let t = translate(&parser, "which month of 2020 had the highest profit?");
    assert_eq!(t.query.limit, Some(1), "{:?}", t.query);
    assert!(t.query.time_dimensions[0].granularity.is_some());
    // "which customers bought something in ...": who, not how much.
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "which store cities sold something to shoppers?");
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
}

#[test]
fn a_specific_count_qualifies_the_plain_one_and_which_five_groups() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "How many opted-in sign-ups have we had from Germany since last October?",
    );
    assert_eq!(t.query.measures, ["Users.opted_in_count"], "{:?}", t.query);
    let t = translate(
        &parser,
        "Which five countries brought in the most revenue last year, please?",
    );
    assert_eq!(t.query.dimensions.len(), 1, "{:?}", t.query);
    assert!(t.query.dimensions[0].ends_with("country"), "{:?}", t.query);
    assert_eq!(t.query.limit, Some(5));
}

#[test]
fn chat_words_for_periods_ranks_and_returns() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Rank our sales channels by number of orders in Q2");
    assert_eq!(t.query.dimensions, ["Orders.channel"], "{:?}", t.query);
    assert_eq!(
        t.query.order,
        Some(vec![("Orders.count".to_owned(), true)]),
        "{:?}",
        t.query
    );
    let t = translate(
        &parser,
        "how many orders got sent back over the past fortnight?",
    );
    assert_eq!(
        range(&t),
        Some(strata_engine::query::DateRangeSpec::Relative(
            "last 14 days".into()
        )),
        "{:?}",
        t.query
    );
    let returned = Filter::Member {
        member: "Orders.status".into(),
        operator: FilterOperator::Equals,
        values: vec![Some("returned".into())],
    };
    assert!(
        t.query.filters.contains(&returned) || t.query.measures == ["Orders.returned_count"],
        "{:?}",
        t.query
    );
    let t = translate(&parser, "Profit margin by category for FY2023");
    assert_eq!(range(&t), days("2023-01-01", "2023-12-31"), "{:?}", t.query);
    // The same month named twice: this one against last year's.
    for q in [
        "May revenue vs May last year",
        "revenue in May vs May last year",
    ] {
        let t = translate(&parser, q);
        let compared = t.query.time_dimensions[0]
            .compare_date_range
            .clone()
            .unwrap_or_else(|| panic!("{q:?} → {:?}", t.query));
        assert_eq!(
            compared,
            [
                strata_engine::query::DateRangeSpec::Pair("2024-05-01".into(), "2024-05-31".into()),
                strata_engine::query::DateRangeSpec::Pair("2023-05-01".into(), "2023-05-31".into()),
            ],
            "{q:?}"
        );
    }
    // "May I see ...": a verb.
    let t = translate(&parser, "may I see revenue by channel");
    assert!(t.query.time_dimensions.is_empty(), "{:?}", t.query);
}

#[test]
fn a_shared_synonym_names_the_plainly_titled_measure() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "turnover by country last year");
    assert!(t.query.measures[0].ends_with(".revenue"), "{:?}", t.query);
    assert!(
        t.query.measures[0].starts_with("Orders") || t.query.measures[0].starts_with("orders_"),
        "{:?}",
        t.query
    );
    // With a product dimension only the product revenue answers.
    let t = translate(&parser, "turnover by category last year");
    assert!(
        t.query.measures[0].starts_with("LineItems") || t.query.measures[0].starts_with("sales_"),
        "{:?}",
        t.query
    );
    let yaml = r#"
cubes:
  - name: orders
    sql_table: o
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: city, sql: city, type: string}
    measures:
      - {name: gross, sql: line_amount, type: sum, title: Line Item Amount, meta: {synonyms: [takings]}}
      - {name: net, sql: amount, type: sum, title: Amount, meta: {synonyms: [takings]}}
"#;
    let (catalog, model) = super::fixtures::model_from_yaml(yaml);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "takings by city");
    assert_eq!(t.query.measures, ["orders.net"], "{:?}", t.query);
}

#[test]
fn what_is_bought_is_counted_in_orders() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Which channel do people buy through the most?");
    assert!(t.query.measures[0].ends_with(".count"), "{:?}", t.query);
    assert!(t.query.dimensions[0].ends_with("channel"), "{:?}", t.query);
    let t = translate(&parser, "which products sold the most units last month");
    assert!(t.query.measures[0].ends_with("units_sold"), "{:?}", t.query);
    let t = translate(&parser, "how many people signed up last month");
    assert_eq!(t.query.measures, ["Users.count"], "{:?}", t.query);

    let (catalog, model) = super::fixtures::siblings();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "which customer bought the most in 2020?");
    assert_eq!(t.query.measures, ["sales.count"], "{:?}", t.query);
}

#[test]
fn a_plural_is_never_corrected_into_a_keyword_through_its_stem() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "tablets" is not "table": a word no data holds is asked back, not
    // dropped into a chart request.
    assert!(parser
        .translate(
            "how are tablets doing? like how many have we sold since january",
            today()
        )
        .is_err());
    // A member word is still reached through the stem ("subcatgories").
    let t = translate(&parser, "revenue by subcatgories");
    assert!(
        t.query.dimensions[0].ends_with("subcategory"),
        "{:?}",
        t.query
    );
}

/// A non-native speaker's literal words: "has become the most" (got),
/// "what makes the AOV" (what is), "articles" (items), "our customer base"
/// (the customers).
#[test]
fn literal_words_of_a_non_native_speaker() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Which country has become the most returns this year?",
    );
    assert!(
        t.query.measures[0].ends_with(".returned_count"),
        "{:?}",
        t.query
    );
    assert_eq!(t.query.limit, Some(1));
    let t = translate(
        &parser,
        "What makes the AOV of the web in the actual quarter?",
    );
    assert!(
        t.query.measures[0].ends_with(".average_order_value"),
        "{:?}",
        t.query
    );
    assert!(t.query.dimensions.is_empty());
    let t = translate(
        &parser,
        "how much orders with more than 5 articles last month",
    );
    assert!(
        format!("{:?}", t.query.filters).contains("item_count"),
        "{:?}",
        t.query
    );

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Which store city has become the most units sold?");
    assert_eq!(t.query.measures, ["shop_sales.unitsSold"]);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
    assert_eq!(t.query.limit, Some(1));
}

/// "more than one" is a count above 1, not "one" left out of the answer.
#[test]
fn more_than_one_is_a_count_above_one() {
    let above_one = |t: &Translation| {
        t.query.filters.iter().any(|f| {
            matches!(f, Filter::Member { operator: FilterOperator::Gt, values, .. }
                if values == &[Some("1".to_owned())])
        })
    };
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "Which customers have more than one order?");
    assert!(above_one(&t), "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "store cities with more than one sale");
    assert_eq!(
        t.query.dimensions,
        ["shop_sales.storeCity"],
        "{:?}",
        t.query
    );
    assert!(above_one(&t), "{:?}", t.query);
}
