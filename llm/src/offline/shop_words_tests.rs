//! Shop-floor words and numbers: losses said as "underwater" or "in the
//! red", "P&L", a margin the model has no measure for, both ends of
//! "between $100 and $500", the date of the first sale, "place" as a verb,
//! numbers the answer would not use, the role noun of "which country was
//! our weakest market", "cost" as a verb, "which of my cities", the things
//! "we carry" and "out of stock"; on the demo model and on a model with
//! bare names.

use strata_engine::query::FilterOperator;

use super::fixtures::{bare, demo, filters, measures, range, refine, today, translate};
use super::*;

#[test]
fn losses_in_other_words_are_a_profit_below_zero() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    for question in [
        "which storeCity is in the red?",
        "storeCity values that are underwater on totalProfit",
    ] {
        let t = translate(&parser, question);
        assert_eq!(t.query.dimensions, vec!["shop_sales.storeCity".to_owned()]);
        assert_eq!(
            filters(&t),
            vec![(
                "shop_sales.totalProfit".to_owned(),
                FilterOperator::Lt,
                vec!["0".to_owned()]
            )],
            "{question}"
        );
    }
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "which brands were loss makers last quarter");
    assert!(
        filters(&t)
            .iter()
            .any(|(m, op, v)| m.ends_with("profit") && *op == FilterOperator::Lt && v == &["0"]),
        "{:?}",
        t.query
    );
}

#[test]
fn p_and_l_is_the_profit_and_a_margin_the_model_lacks_is_profit_beside_sales() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "P&L by storeCity");
    assert_eq!(t.query.measures, vec!["shop_sales.totalProfit".to_owned()]);
    let t = translate(&parser, "profit margin by storeCity");
    assert_eq!(
        t.query.measures,
        vec![
            "shop_sales.totalProfit".to_owned(),
            "shop_sales.totalSales".to_owned()
        ]
    );
    // Where the model has a margin, it is the margin.
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "profit margin by category last year");
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    assert!(t.query.measures[0].ends_with("profit_margin"));
}

#[test]
fn a_range_with_currency_signs_keeps_both_ends_on_the_total_after_it() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "storeCity with between $100 and $500 in totalSales",
    );
    assert_eq!(
        filters(&t),
        vec![
            (
                "shop_sales.totalSales".to_owned(),
                FilterOperator::Gte,
                vec!["100".to_owned()]
            ),
            (
                "shop_sales.totalSales".to_owned(),
                FilterOperator::Lte,
                vec!["500".to_owned()]
            ),
        ],
        "{:?}",
        t.query
    );
}

#[test]
fn when_the_first_sale_happened_is_a_date_and_place_after_did_a_verb() {
    // An amount named after "first" is still a date when "when" asks.
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "When did the first sale happen?");
    assert_eq!(t.query.measures, vec!["Orders.first_order_at".to_owned()]);
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "How many orders did business customers place in 2023?",
    );
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
}

#[test]
fn a_number_the_answer_would_not_use_is_asked_about() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for (question, number) in [
        (
            "List our 10 newest customers with their country and sign-up date",
            "10",
        ),
        ("revenue by channel 77 last month", "77"),
    ] {
        match parser.translate(question, today()) {
            Err(LlmError::NeedsClarification { message, .. }) => {
                assert!(message.contains(number), "{question}: {message}")
            }
            Ok(t) => {
                let carried = serde_json::to_string(&t.query).unwrap_or_default();
                assert!(carried.contains(number), "{question}: {:?}", t.query);
            }
            Err(e) => panic!("{question}: {e}"),
        }
    }
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let refused = parser.translate("totalSales by storeCity 77", today());
    assert!(
        matches!(&refused, Err(LlmError::NeedsClarification { message, .. }) if message.contains("77")),
        "{refused:?}"
    );
    // Numbers the reading takes stay answered.
    for question in [
        "top 3 storeCity by totalSales",
        "totalSales in 2023 by month",
        "storeCity with more than 250 in totalSales",
    ] {
        assert!(parser.translate(question, today()).is_ok(), "{question}");
    }
}

#[test]
fn what_is_in_an_order_lists_its_lines() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "what was in order 3107?");
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    assert_eq!(
        t.query.dimensions,
        vec![
            "LineItems.product_id".to_owned(),
            "LineItems.quantity".to_owned(),
            "LineItems.unit_price".to_owned()
        ]
    );
    assert_eq!(
        filters(&t),
        vec![(
            "LineItems.order_id".to_owned(),
            FilterOperator::Equals,
            vec!["3107".to_owned()]
        )]
    );
    // A figure asked of the order stays that figure.
    let t = translate(&parser, "what's the revenue in order 3107?");
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
}

#[test]
fn distinct_things_are_counted_once_and_having_conditions_a_total() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "count distinct customers by channel last month");
    assert_eq!(t.query.measures, vec!["Orders.customer_count".to_owned()]);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "storeCity, sum(profit) group by storeCity having sum(profit) > 200",
    );
    assert_eq!(
        filters(&t),
        vec![(
            "shop_sales.totalProfit".to_owned(),
            FilterOperator::Gt,
            vec!["200".to_owned()]
        )],
        "{:?}",
        t.query
    );
}

#[test]
fn the_newest_of_a_segment_keeps_it_and_in_total_conditions_the_total() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "When did our most recent business customer sign up?",
    );
    assert_eq!(t.query.segments, vec!["Users.business".to_owned()]);
    assert_eq!(t.query.limit, Some(1));

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Which storeCity had profit of more than 1000 in total?",
    );
    assert_eq!(
        filters(&t),
        vec![(
            "shop_sales.totalProfit".to_owned(),
            FilterOperator::Gt,
            vec!["1000".to_owned()]
        )],
        "{:?}",
        t.query
    );
}

#[test]
fn everyday_names_of_channels_statuses_and_regions() {
    let (mut catalog, model) = demo();
    catalog.set_sample_values(
        "Orders.status",
        ["processing", "shipped", "completed"]
            .map(String::from)
            .to_vec(),
    );
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "how many orders came in through the phone app last month?",
    );
    assert!(filters(&t)
        .iter()
        .any(|(m, _, v)| m.ends_with("channel") && v == &["mobile"]));
    let t = translate(
        &parser,
        "how many orders are still being packed or on their way?",
    );
    assert!(
        filters(&t)
            .iter()
            .any(|(m, _, v)| m.ends_with("status") && v == &["processing", "shipped"]),
        "{:?}",
        t.query
    );
    let t = translate(
        &parser,
        "which part of the world made us the most money last year?",
    );
    assert!(t.query.dimensions[0].ends_with("region"), "{:?}", t.query);
    let t = translate(&parser, "what do people pay with the most?");
    assert!(
        t.query.dimensions[0].ends_with("payment_method"),
        "{:?}",
        t.query
    );
    assert!(t.query.measures[0].ends_with(".count"), "{:?}", t.query);
    let t = translate(&parser, "how many people said yes to getting our emails?");
    assert_eq!(t.query.measures, ["Users.opted_in_count"]);
}

#[test]
fn the_table_of_the_data_is_no_value_and_a_split_asked_for_stays() {
    let yaml = r#"
cubes:
  - name: sales
    sql_table: s
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: subCategory, sql: sc, type: string}
      - {name: productName, sql: pn, type: string}
    measures:
      - {name: count, type: count}
      - {name: totalSales, sql: amount, type: sum}
      - {name: totalQuantity, sql: qty, type: sum}
  - name: customers
    sql_table: c
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
    measures:
      - {name: count, type: count}
"#;
    let (mut catalog, model) = super::fixtures::model_from_yaml(yaml);
    catalog.set_sample_values("sales.subCategory", vec!["Tables".into(), "Chairs".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how many customers are in the table");
    assert_eq!(t.query.measures, ["customers.count"], "{:?}", t.query);
    assert!(t.query.filters.is_empty());
    // The value itself is still a value.
    let t = translate(&parser, "total sales of Tables");
    assert!(filters(&t).iter().any(|(_, _, v)| v == &["Tables"]));
    // "for every product with Pro in the name": the split stays.
    let t = translate(
        &parser,
        "total sales and total quantity for every product with Pro in the name",
    );
    assert_eq!(t.query.dimensions, ["sales.productName"], "{:?}", t.query);
    let t = translate(&parser, "total sales of products with Pro in the name");
    assert!(t.query.dimensions.is_empty(), "{:?}", t.query);
}

#[test]
fn the_noun_after_a_superlative_is_the_role_of_the_thing_asked_about() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for (question, grouping) in [
        (
            "which country was our weakest market last quarter in terms of revenue?",
            "country",
        ),
        ("which category was our best seller last month?", "category"),
    ] {
        let t = translate(&parser, question);
        assert_eq!(t.query.dimensions.len(), 1, "{question}: {:?}", t.query);
        assert!(
            t.query.dimensions[0].ends_with(grouping),
            "{question}: {:?}",
            t.query
        );
        assert_eq!(t.query.limit, Some(1), "{question}: {:?}", t.query);
    }
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "which loyaltyTier was the best storeCity by totalSales?",
    );
    assert_eq!(
        t.query.dimensions,
        ["shoppers.loyaltyTier"],
        "{:?}",
        t.query
    );
    assert_eq!(t.query.measures, ["shop_sales.totalSales"]);
    // "has the lowest profit" asks for the figure: it stays the measure.
    let t = translate(&parser, "which storeCity has the lowest profit?");
    assert_eq!(
        t.query.dimensions,
        ["shop_sales.storeCity"],
        "{:?}",
        t.query
    );
    assert_eq!(
        t.query.measures,
        ["shop_sales.totalProfit"],
        "{:?}",
        t.query
    );
}

#[test]
fn cost_as_a_verb_restates_the_amount_named() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Discounts last quarter vs the quarter before - how much did they cost us?",
    );
    assert_eq!(t.query.measures.len(), 1, "{:?}", t.query);
    assert!(
        t.query.measures[0].ends_with("discount_amount"),
        "{:?}",
        t.query
    );
    // As a noun beside another figure, cost is a measure of its own.
    let t = translate(&parser, "revenue and cost by category");
    assert_eq!(t.query.measures.len(), 2, "{:?}", t.query);
}

#[test]
fn which_of_a_plural_asks_for_one_of_them() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for question in [
        "which of our brands sold the most units",
        "which of the countries had the most returns",
    ] {
        let t = translate(&parser, question);
        assert_eq!(t.query.dimensions.len(), 1, "{question}: {:?}", t.query);
        assert_eq!(t.query.limit, Some(1), "{question}: {:?}", t.query);
    }
    // "which brands" asks for a few.
    let t = translate(&parser, "which brands sold the most units");
    assert!(t.query.limit.is_some_and(|n| n > 1), "{:?}", t.query);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "which of my storeCity values had the most totalSales",
    );
    assert_eq!(
        t.query.dimensions,
        ["shop_sales.storeCity"],
        "{:?}",
        t.query
    );
    assert_eq!(t.query.limit, Some(1), "{:?}", t.query);
}

#[test]
fn things_we_carry_of_a_kind_are_listed_and_out_of_stock_is_asked_about() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "List the brands we carry in Beauty.");
    assert_eq!(t.query.dimensions, ["Products.brand"], "{:?}", t.query);
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    // The model knows nothing of stock levels.
    assert!(parser
        .translate("how many products are out of stock", today())
        .is_err());
    let (mut catalog, model) = super::fixtures::model_from_yaml(
        r#"
cubes:
  - name: items
    sql_table: i
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: subCategory, sql: sub, type: string}
      - {name: productName, sql: name, type: string}
    measures:
      - {name: count, type: count}
"#,
    );
    catalog.set_sample_values("items.subCategory", vec!["Phones".into(), "Chairs".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    for question in ["Which phones do we carry?", "what chairs are there"] {
        let t = translate(&parser, question);
        assert_eq!(
            t.query.dimensions,
            ["items.productName"],
            "{question}: {:?}",
            t.query
        );
        assert!(t.query.measures.is_empty(), "{question}: {:?}", t.query);
    }
    // A count asked for stays a count.
    let t = translate(&parser, "how many phones do we carry");
    assert_eq!(t.query.measures, ["items.count"], "{:?}", t.query);
}

#[test]
fn values_asked_in_name_order_are_listed_not_counted() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "table: brands we carry in Beauty, A-Z");
    assert_eq!(t.query.dimensions, ["Products.brand"], "{:?}", t.query);
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    assert_eq!(
        t.query.order,
        Some(vec![("Products.brand".to_owned(), false)])
    );
    // "How many" asks for the count.
    let t = translate(&parser, "how many brands in Beauty, alphabetically");
    assert_eq!(t.query.measures, ["Products.brand_count"], "{:?}", t.query);
    let (catalog, model) = super::fixtures::model_from_yaml(
        r#"
cubes:
  - name: items
    sql_table: i
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: maker, sql: maker, type: string}
    measures:
      - {name: makerCount, sql: maker, type: count_distinct}
"#,
    );
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "makerCount values, Z to A");
    assert_eq!(t.query.dimensions, ["items.maker"], "{:?}", t.query);
    assert_eq!(t.query.order, Some(vec![("items.maker".to_owned(), true)]));
}

#[test]
fn a_warehouse_planners_words_are_units_sold_and_size_bands() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "Units picked per category last week",
        "Units out the door per category last week",
    ] {
        let t = translate(&parser, q);
        assert_eq!(t.query.measures.len(), 1, "{q}: {:?}", t.query);
        assert!(
            t.query.measures[0].ends_with(".units_sold"),
            "{q}: {:?}",
            t.query
        );
        assert!(t.query.filters.is_empty(), "{q}: {:?}", t.query);
    }
    let t = translate(&parser, "orders by order size band last quarter");
    assert!(
        t.query
            .dimensions
            .iter()
            .any(|d| d.ends_with(".order_size")),
        "{:?}",
        t.query
    );
}

#[test]
fn a_non_native_speakers_false_friends_are_read_as_meant() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "How many commands were cancelled in the first trimester?",
    );
    assert_eq!(measures(&t), ["Orders.count"]);
    assert_eq!(
        filters(&t),
        [(
            "Orders.status".to_owned(),
            FilterOperator::Equals,
            vec!["cancelled".to_owned()]
        )]
    );
    let quarter = translate(
        &parser,
        "How many orders were cancelled in the first quarter?",
    );
    assert!(range(&t).is_some());
    assert_eq!(range(&t), range(&quarter));
    let t = translate(
        &parser,
        "Please give me for each country the billing of last month.",
    );
    assert_eq!(measures(&t), ["orders_overview.revenue"]);
    let t = translate(&parser, "What was the benefit per category in the 2025?");
    assert_eq!(measures(&t), ["sales_overview.profit"]);
    let t = translate(
        &parser,
        "Give me please the returns quota of each region for the Q1.",
    );
    assert_eq!(measures(&t), ["orders_overview.return_rate"]);
    // "since two weeks": the last two weeks, nothing left over.
    let t = translate(&parser, "Show me the orders per day since two weeks.");
    assert_eq!(measures(&t), ["Orders.count"]);
    assert!(range(&t).is_some());
    // "discounted most heavily" after the verb: the average discount.
    let t = translate(
        &parser,
        "Which subcategory was discounted most heavily in Q2?",
    );
    assert_eq!(measures(&t), ["sales_overview.average_discount"]);
    // "clients" are customers: one count, not customers beside opt-ins.
    let t = translate(&parser, "How many clients have opted in?");
    assert_eq!(measures(&t), ["Users.opted_in_count"]);
}

#[test]
fn the_number_of_records_for_every_value_is_a_count_split_by_it() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "I need the number of orders for every status");
    assert_eq!(measures(&t), ["Orders.count"]);
    assert_eq!(t.query.dimensions, ["Orders.status"]);
    // "make me a pie" shows a chart; it earns nothing.
    let t = translate(&parser, "make me a pie with the orders per channel");
    assert_eq!(measures(&t), ["Orders.count"]);
    assert_eq!(t.chart, Some(crate::intent::ChartType::Pie));
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "the number of shop sales for every store city");
    assert_eq!(measures(&t), ["shop_sales.count"]);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
}

#[test]
fn in_place_of_swaps_the_figure_shown() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = translate(&parser, "discount amount for each subcategory this year");
    let t = refine(
        &parser,
        &first,
        "the average discount in place of the amount",
    );
    assert_eq!(measures(&t), ["sales_overview.average_discount"]);
    assert_eq!(t.query.dimensions, first.query.dimensions);
    let biggest = refine(&parser, &t, "only the 3 biggest");
    assert_eq!(biggest.query.limit, Some(3));
    let first = refine(&parser, &t, "only the 3 first");
    assert_eq!(first.query.limit, Some(3));
}
