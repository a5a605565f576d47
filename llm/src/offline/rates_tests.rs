//! Rate measures for share questions, qualifier nouns that are not second
//! figures, the time dimension of the measured thing, and the average
//! behind "the most discounted".

use super::fixtures::{bare, demo, today, translate};
use super::*;

fn measures(parser: &OfflineParser<'_>, q: &str) -> Vec<String> {
    let t = parser
        .translate(q, today())
        .unwrap_or_else(|e| panic!("{q:?} not understood: {e}"));
    t.query.measures
}

#[test]
fn share_questions_use_the_rate_the_question_describes() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let cases = [
        ("what share of orders get returned?", "return_rate"),
        (
            "what percentage of customers opted in to marketing emails?",
            "opt_in_rate",
        ),
        ("gross margin % this year", "profit_margin"),
        ("cancellation percentage by channel", "cancellation_rate"),
    ];
    for (q, rate) in cases {
        let got = measures(&parser, q);
        assert_eq!(got.len(), 1, "{q:?} → {got:?}");
        assert!(got[0].ends_with(rate), "{q:?} → {got:?}");
    }
    // A share of an amount split by a dimension is the amount's distribution.
    let t = parser
        .translate("share of revenue by channel", today())
        .expect("understood");
    assert!(t.query.measures[0].ends_with("revenue"), "{:?}", t.query);
    // A share the model has no rate for is refused, not answered as a count.
    assert!(parser
        .translate("what percentage of products are blue", today())
        .is_err());
}

#[test]
fn nouns_that_qualify_another_measure_are_not_second_figures() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let cases = [
        (
            "how many unique buyers placed an order in 2023",
            "customer_count",
        ),
        ("revenue from premium products this year", "revenue"),
        (
            "average discount per order line last month",
            "average_discount",
        ),
        ("total profit across all orders", "profit"),
    ];
    for (q, measure) in cases {
        let got = measures(&parser, q);
        assert_eq!(got.len(), 1, "{q:?} → {got:?}");
        assert!(got[0].ends_with(measure), "{q:?} → {got:?}");
    }
    // Two figures asked for stay two.
    assert_eq!(
        measures(&parser, "revenue and number of orders by month").len(),
        2
    );
}

#[test]
fn the_time_of_the_measured_thing_dates_the_question() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate("top 10 customers by spend last year", today())
        .expect("understood");
    assert!(
        t.query.time_dimensions[0].dimension.ends_with("created_at"),
        "{:?}",
        t.query
    );
}

#[test]
fn negations_reach_over_a_verb() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate("orders not paid by gift card last month", today())
        .expect("understood");
    let f = format!("{:?}", t.query.filters);
    assert!(f.contains("NotEquals") && f.contains("gift_card"), "{f}");
    // A card's name before "number of" counts orders; it is no card number.
    assert!(parser
        .translate(
            "paypal compared to credit card - number of orders in Q1 2024",
            today()
        )
        .is_ok());
    assert!(parser
        .translate("list credit card numbers", today())
        .is_err());
}

#[test]
fn extremes_list_the_record_or_use_the_first_and_last_measures() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate("show me the 20 priciest products", today())
        .expect("understood");
    assert_eq!(t.query.dimensions, ["Products.name", "Products.price"]);
    assert_eq!(t.query.order, Some(vec![("Products.price".into(), true)]));
    assert_eq!(t.query.limit, Some(20));
    assert!(t.query.measures.is_empty());
    let t = parser
        .translate("what's the cheapest book we sell", today())
        .expect("understood");
    assert_eq!(t.query.order, Some(vec![("Products.price".into(), false)]));
    assert_eq!(t.query.limit, Some(1), "{:?}", t.query);
    let t = parser
        .translate("when was our first ever order?", today())
        .expect("understood");
    assert_eq!(t.query.measures, ["Orders.first_order_at"]);
    assert!(t.query.time_dimensions.is_empty(), "{:?}", t.query);
    let t = parser
        .translate("date of the first order from Germany", today())
        .expect("understood");
    assert_eq!(t.query.measures, ["Orders.first_order_at"]);
    assert!(t.query.time_dimensions.is_empty(), "{:?}", t.query);
    let t = parser
        .translate("when did the last web order come in", today())
        .expect("understood");
    assert_eq!(t.query.measures, ["Orders.last_order_at"]);
    // Without a min/max measure: the time dimension by day, sorted, one row.
    let t = parser
        .translate("earliest signup date", today())
        .expect("understood");
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.time_dimensions.len(), 1, "{:?}", t.query);
    assert_eq!(t.query.time_dimensions[0].dimension, "Users.signed_up_at");
    assert_eq!(
        t.query.time_dimensions[0].granularity,
        Some(strata_schema::Granularity::Day)
    );
    assert_eq!(
        t.query.order,
        Some(vec![("Users.signed_up_at".into(), false)])
    );
    assert_eq!(t.query.limit, Some(1));
    // "last month" is a period, not the latest record.
    let t = parser
        .translate("revenue last month", today())
        .expect("understood");
    assert!(t.query.measures[0].ends_with("revenue"));
}

#[test]
fn demonyms_name_their_value() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate("revenue from German customers", today())
        .expect("understood");
    let f = format!("{:?}", t.query.filters);
    assert!(f.contains("Germany"), "{f}");
    // A demonym of nothing in the data is still asked back.
    assert!(matches!(
        parser.translate("revenue from Martian customers", today()),
        Err(LlmError::NeedsClarification { .. })
    ));
}

#[test]
fn words_that_name_a_time_dimension_or_a_sign() {
    let yaml = r#"
cubes:
  - name: sales
    sql_table: s
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: city, sql: city, type: string}
      - {name: orderDate, sql: od, type: time}
      - {name: completedDate, sql: cd, type: time}
    measures:
      - {name: count, type: count}
      - {name: totalProfit, sql: profit, type: sum}
"#;
    let (catalog, model) = super::fixtures::model_from_yaml(yaml);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate("how many orders were completed in December 2023", today())
        .expect("understood");
    assert_eq!(t.query.time_dimensions[0].dimension, "sales.completedDate");
    let t = parser
        .translate("sales count in December 2023", today())
        .expect("understood");
    assert_eq!(t.query.time_dimensions[0].dimension, "sales.orderDate");
    let t = parser
        .translate("cities with negative total profit", today())
        .expect("understood");
    assert_eq!(
        t.query.filters,
        [strata_engine::query::Filter::Member {
            member: "sales.totalProfit".into(),
            operator: strata_engine::query::FilterOperator::Lt,
            values: vec![Some("0".into())],
        }]
    );
    assert_eq!(t.query.dimensions, ["sales.city"]);
}

#[test]
fn records_are_listed_with_the_attributes_asked_for() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate("list Books products with their prices", today())
        .expect("understood");
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["Products.name", "Products.price"]);
    let t = parser
        .translate("show yesterday's orders with status and amount", today())
        .unwrap_or_else(|e| {
            panic!(
                "{e} {:?}",
                parser.translate("show yesterday's orders with status", today())
            )
        });
    assert_eq!(
        t.query.dimensions,
        ["Orders.id", "Orders.status", "Orders.total_amount"],
        "{:?}",
        t.query
    );
    let t = parser
        .translate("show all Beauty products under 25", today())
        .expect("understood");
    // Each record beside the amount the condition is on.
    assert_eq!(
        t.query.dimensions,
        ["Products.name", "Products.price"],
        "{:?}",
        t.query
    );
    // A count asked for stays a count.
    let t = parser
        .translate("how many products are in Books", today())
        .expect("understood");
    assert_eq!(t.query.measures, ["Products.count"]);
}

#[test]
fn verbs_are_not_corrected_into_member_names() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "marked" is no typo of the region synonym "market".
    let t = parser
        .translate("how many orders are currently marked as shipped", today())
        .expect("understood");
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
}

#[test]
fn yes_no_dimensions_named_without_by_are_conditions() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate(
            "how many customers have opted into the newsletter?",
            today(),
        )
        .expect("understood");
    assert_eq!(t.query.measures, ["Users.opted_in_count"], "{:?}", t.query);
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
    // Split when asked to.
    let t = parser
        .translate("customers by marketing opt-in", today())
        .expect("understood");
    assert_eq!(
        t.query.dimensions,
        ["Users.marketing_opt_in"],
        "{:?}",
        t.query
    );
}

#[test]
fn a_percent_after_a_number_is_a_condition_not_a_share() {
    let (catalog, model) = super::fixtures::siblings();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "how many sales lines had a discount above 20% in 2020?",
        "which products were sold with a discount of 50 percent or more?",
    ] {
        let t = parser
            .translate(q, today())
            .unwrap_or_else(|e| panic!("{q:?} not understood: {e}"));
        assert!(
            t.query
                .measures
                .iter()
                .all(|m| !m.ends_with("percentageOfTotal")),
            "{q:?} → {:?}",
            t.query
        );
        assert!(
            t.query.filters.iter().any(|f| matches!(f, strata_engine::query::Filter::Member { member, .. } if member.ends_with("discount"))),
            "{q:?} → {:?}",
            t.query
        );
    }
}

#[test]
fn a_figure_per_record_stands_beside_the_count_of_those_records() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "What were orders per customer last quarter?");
    assert_eq!(
        t.query.measures,
        ["Orders.count", "Orders.customer_count"],
        "{:?}",
        t.query
    );
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
    let t = translate(&parser, "net revenue per customer by region");
    assert_eq!(t.query.measures.len(), 2, "{:?}", t.query);
    assert!(t.query.measures[1].ends_with("customer_count"));
    assert_eq!(t.query.dimensions.len(), 1, "{:?}", t.query);
    assert!(!t.query.dimensions[0].contains("Users"), "{:?}", t.query);
    let t = translate(&parser, "How much profit per order did we make in Q1?");
    assert_eq!(
        t.query.measures,
        ["LineItems.profit", "LineItems.order_count"],
        "{:?}",
        t.query
    );
    // The model's own average stays the answer, and a longer name is a
    // grouping.
    let t = translate(&parser, "revenue per order by channel");
    assert_eq!(t.query.measures, ["Orders.average_order_value"]);
    let t = translate(&parser, "average order value per customer segment");
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    // No count of orders in this model: left as read.
    let t = translate(&parser, "total sales per store city");
    assert_eq!(t.query.measures, ["shop_sales.totalSales"]);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
}

#[test]
fn the_share_of_one_value_is_read_off_its_distribution() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values("Products.category", vec!["Clothing".into(), "Books".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "What share of the units we sold in 2025 were Clothing?",
    );
    assert!(t.query.measures[0].ends_with("units_sold"), "{:?}", t.query);
    assert!(t.query.dimensions[0].ends_with("category"), "{:?}", t.query);
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    // A rate the model has answers it.
    let t = translate(
        &parser,
        "What fraction of our orders ended up cancelled last year?",
    );
    assert_eq!(
        t.query.measures,
        ["Orders.cancellation_rate"],
        "{:?}",
        t.query
    );
    let t = translate(
        &parser,
        "What part of our revenue comes from each sales channel?",
    );
    assert_eq!(t.query.dimensions, ["Orders.channel"], "{:?}", t.query);
}

#[test]
fn growth_between_compared_periods_is_no_series() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Q1 2024 against Q1 2023: how much did the number of ordering customers grow?",
    );
    let td = &t.query.time_dimensions[0];
    assert_eq!(td.granularity, None, "{:?}", t.query);
    assert_eq!(td.compare_date_range.as_ref().map(Vec::len), Some(2));
    // A trend over the compared periods is a series.
    let t = translate(&parser, "revenue trend in 2024 vs 2023");
    assert!(
        t.query.time_dimensions[0].granularity.is_some(),
        "{:?}",
        t.query
    );
}

#[test]
fn a_rate_the_model_lacks_is_refused_not_swapped_for_another() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let err = parser
        .translate(
            "What was the open rate on the newsletter we sent out last Tuesday?",
            today(),
        )
        .expect_err("no open rate in the model");
    assert!(err.to_string().contains("open rate"), "{err}");
    for q in ["return rate by channel", "opt-in rate by age group"] {
        assert!(parser.translate(q, today()).is_ok(), "{q}");
    }
}

#[test]
fn a_rate_is_not_filtered_to_what_it_measures() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "What's our newsletter opt-in rate?");
    assert!(
        t.query.measures[0].ends_with("opt_in_rate"),
        "{:?}",
        t.query
    );
    assert!(t.query.filters.is_empty(), "{:?}", t.query.filters);
    // A condition on something else stays.
    let t = translate(&parser, "opt-in rate of business customers");
    assert_eq!(
        t.query.filters.len() + t.query.segments.len(),
        1,
        "{:?}",
        t.query
    );
}

#[test]
fn proportion_is_a_share_word_and_its_population_no_second_count() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "proportion" was corrected to "promotion" and the count answered.
    assert_eq!(
        measures(&parser, "proportion of orders cancelled by channel"),
        ["Orders.cancellation_rate"]
    );
    for q in [
        "which channel has the highest share of cancelled orders",
        "Which region has the biggest share of returned orders?",
    ] {
        let got = measures(&parser, q);
        assert_eq!(got.len(), 1, "{q}: {got:?}");
        assert!(got[0].ends_with("_rate"), "{q}: {got:?}");
    }
    // A count named on its own stays beside the rate.
    assert_eq!(
        measures(&parser, "cancellation rate and number of orders by channel").len(),
        2
    );
}

#[test]
fn the_most_discounted_thing_is_ranked_by_its_average_discount() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for (q, desc) in [
        ("most heavily discounted category YTD", true),
        ("which brand was least discounted last month", false),
    ] {
        let t = translate(&parser, q);
        assert_eq!(t.query.measures.len(), 1, "{q}: {:?}", t.query);
        assert!(
            t.query.measures[0].ends_with("average_discount"),
            "{q}: {:?}",
            t.query
        );
        assert!(t.query.segments.is_empty(), "{q}: {:?}", t.query);
        assert_eq!(t.query.order.clone().unwrap_or_default()[0].1, desc, "{q}");
        assert_eq!(t.query.limit, Some(1), "{q}");
    }
    let (catalog, model) = super::fixtures::model_from_yaml(
        r#"
cubes:
  - name: lines
    sql_table: l
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: subCategory, sql: sub, type: string}
    measures:
      - {name: count, type: count}
      - {name: avgDiscount, sql: discount, type: avg}
"#,
    );
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "which subCategory is the most heavily discounted");
    assert_eq!(t.query.measures, ["lines.avgDiscount"], "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["lines.subCategory"]);
}
