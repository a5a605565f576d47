//! Answers people can believe: clarification instead of a broader answer,
//! date language, measure verbs and shares, on the demo model and on a model
//! with nothing but bare names.

use strata_engine::query::DateRangeSpec;

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 15).expect("date")
}

fn demo() -> (Catalog, SemanticModel) {
    let model = strata_demo::model().expect("demo model");
    let mut catalog = Catalog::from_model(&model);
    catalog.set_sample_values(
        "Orders.channel",
        vec!["web".into(), "mobile".into(), "marketplace".into()],
    );
    catalog.set_sample_values("Regions.name", vec!["Europe".into(), "Asia".into()]);
    (catalog, model)
}

/// Bare camelCase and snake_case names: no titles, synonyms or formats.
fn bare() -> (Catalog, SemanticModel) {
    let yaml = r#"
cubes:
  - name: shop_sales
    sql_table: s
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: storeCity, sql: c, type: string}
      - {name: soldAt, sql: t, type: time}
    measures:
      - {name: count, type: count}
      - {name: totalSales, sql: amount, type: sum}
      - {name: unitsSold, sql: qty, type: sum}
"#;
    let (mut catalog, model) = super::fixtures::model_from_yaml(yaml);
    catalog.set_sample_values(
        "shop_sales.storeCity",
        vec!["Lyon".into(), "Paris".into(), "Marseille".into()],
    );
    (catalog, model)
}

fn clarification(parser: &OfflineParser<'_>, q: &str) -> crate::Clarification {
    match parser.translate(q, today()) {
        Err(LlmError::NeedsClarification { clarification, .. }) => clarification,
        other => panic!("{q:?} should ask back, got {other:?}"),
    }
}

fn range(parser: &OfflineParser<'_>, q: &str) -> (Option<DateRangeSpec>, usize) {
    let t = parser.translate(q, today()).expect("understood");
    let td = t.query.time_dimensions.first().expect("a time dimension");
    let compared = td.compare_date_range.as_ref().map_or(0, Vec::len);
    (td.date_range.clone(), compared)
}

fn pair(a: &str, b: &str) -> Option<DateRangeSpec> {
    Some(DateRangeSpec::Pair(a.into(), b.into()))
}

#[test]
fn unknown_values_are_sent_back_with_rewritten_questions() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let c = clarification(&parser, "revenue in Eurpa by month");
    assert_eq!(c.unknown, ["Eurpa"]);
    let queries: Vec<&str> = c
        .options
        .iter()
        .map(|o| o.natural_language_query.as_str())
        .collect();
    assert_eq!(queries[0], "revenue in Europe by month", "{queries:?}");
    assert!(
        c.options[0].label.starts_with("Europe"),
        "{:?}",
        c.options[0]
    );
    assert_eq!(queries.last(), Some(&"revenue in by month"));
    // A lower-case word after "in" is a value too.
    let c = clarification(&parser, "revenue in atlantis");
    assert_eq!(c.unknown, ["atlantis"]);
    // A known value, any case, is a filter.
    assert!(parser.translate("revenue in europe", today()).is_ok());
}

#[test]
fn unknown_values_on_a_bare_model() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let c = clarification(&parser, "total sales in Toulouse");
    assert_eq!(c.unknown, ["Toulouse"]);
    assert_eq!(
        c.options.last().map(|o| o.natural_language_query.as_str()),
        Some("total sales in"),
        "{c:?}"
    );
    // A near spelling is corrected to the value.
    let t = parser
        .translate("total sales in Marseile", today())
        .expect("corrected");
    assert_eq!(t.query.filters.len(), 1);
    let t = parser
        .translate("total sales in paris", today())
        .expect("a value");
    assert_eq!(t.query.filters.len(), 1);
}

#[test]
fn months_sharing_a_year_are_one_range() {
    for (catalog, model) in [demo(), bare()] {
        let parser = OfflineParser::for_model(&catalog, &model);
        assert_eq!(
            range(&parser, "total sales in January and February 2024"),
            (pair("2024-01-01", "2024-02-29"), 0)
        );
        assert_eq!(
            range(&parser, "compare total sales in January and February 2024"),
            (None, 2)
        );
        assert_eq!(
            range(&parser, "total sales from January to March 2024"),
            (pair("2024-01-01", "2024-03-31"), 0)
        );
        assert_eq!(
            range(&parser, "total sales in H1 2024"),
            (pair("2024-01-01", "2024-06-30"), 0)
        );
        assert_eq!(
            range(&parser, "total sales in week 12 of 2024"),
            (pair("2024-03-18", "2024-03-24"), 0)
        );
        assert_eq!(
            range(&parser, "total sales over the last 3 full months"),
            (pair("2024-03-01", "2024-05-31"), 0)
        );
    }
}

#[test]
fn shares_use_a_percent_measure_a_distribution_or_are_refused() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser.translate("cancellation rate by channel", today());
    let t = t.unwrap_or_else(|e| panic!("a rate measure: {e}"));
    assert_eq!(t.query.measures, ["Orders.cancellation_rate"]);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    match parser.translate("what is the return rate in Paris", today()) {
        Err(LlmError::NotUnderstood(m)) => assert!(m.contains("\"rate\""), "{m}"),
        other => panic!("no rate measure: must refuse, got {other:?}"),
    }
    // The share of one value with no share measure: the distribution over
    // its dimension, where the value's part of the whole shows.
    let t = parser
        .translate("what percentage of total sales came from Paris", today())
        .unwrap_or_else(|e| panic!("a distribution: {e}"));
    assert_eq!(t.query.measures, ["shop_sales.totalSales"]);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    // The share of an amount by a group is its distribution.
    let t = parser
        .translate("percentage of total sales by store city", today())
        .unwrap_or_else(|e| panic!("a distribution: {e}"));
    assert_eq!(t.query.measures, ["shop_sales.totalSales"]);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
}

#[test]
fn verbs_name_their_measure() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate("how many were sold by store city", today())
        .expect("understood");
    assert_eq!(t.query.measures, ["shop_sales.unitsSold"]);
    let t = parser
        .translate("what did we earn by store city", today())
        .expect("understood");
    assert_eq!(t.query.measures, ["shop_sales.totalSales"]);
    // A named measure wins; the verb adds no second one.
    let t = parser
        .translate("total sales sold in Paris", today())
        .expect("understood");
    assert_eq!(t.query.measures, ["shop_sales.totalSales"]);
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate("how many orders were sold last month", today())
        .expect("understood");
    assert_eq!(t.query.measures, ["Orders.count"]);
}

fn json(parser: &OfflineParser<'_>, q: &str) -> serde_json::Value {
    let t = parser
        .translate(q, today())
        .unwrap_or_else(|e| panic!("{q:?}: {e}"));
    serde_json::to_value(&t.query).expect("serializes")
}

#[test]
fn superlatives_over_a_dimension_order_and_limit() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let q = json(&parser, "least popular payment method");
    assert_eq!(
        q["measures"],
        serde_json::json!(["Orders.count"]),
        "its own cube's count"
    );
    assert_eq!(q["order"], serde_json::json!({"Orders.count": "asc"}));
    assert_eq!(q["limit"], 1);
    let q = json(&parser, "best-selling product");
    assert_eq!(
        q["dimensions"],
        serde_json::json!(["sales_overview.product"])
    );
    assert_eq!(
        q["measures"],
        serde_json::json!(["sales_overview.units_sold"])
    );
    assert_eq!(q["limit"], 1);
    // A plural with no number: a few, five.
    assert_eq!(json(&parser, "best-selling products")["limit"], 5);
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let q = json(&parser, "best selling store city");
    assert_eq!(q["measures"], serde_json::json!(["shop_sales.unitsSold"]));
    assert_eq!(q["dimensions"], serde_json::json!(["shop_sales.storeCity"]));
    assert_eq!(q["limit"], 1);
}

#[test]
fn the_largest_records_are_listed_by_their_amount() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let q = json(&parser, "the 10 largest orders");
    // The key makes each row one record: no `ungrouped` needed.
    assert!(q.get("ungrouped").is_none(), "{q}");
    assert_eq!(q["limit"], 10);
    assert!(q.get("measures").is_none(), "no count asked for: {q}");
    assert_eq!(
        q["dimensions"],
        serde_json::json!(["Orders.id", "Orders.total_amount"])
    );
    assert_eq!(
        q["order"],
        serde_json::json!({"Orders.total_amount": "desc"})
    );
    let q = json(&parser, "the 5 smallest orders last month");
    assert_eq!(
        q["order"],
        serde_json::json!({"Orders.total_amount": "asc"})
    );
    assert_eq!(q["limit"], 5);
    // "the biggest single order": one; the line amount, not the unit price.
    assert_eq!(json(&parser, "the biggest single order")["limit"], 1);
    let q = json(&parser, "5 largest order lines");
    assert_eq!(
        q["order"],
        serde_json::json!({"LineItems.amount": "desc"}),
        "{q}"
    );
    // "the most orders" is a count, not a listing.
    let q = json(&parser, "which channel has the most orders");
    assert_eq!(q["measures"], serde_json::json!(["Orders.count"]));
}

/// A grouping or value the question names is never left out of the answer:
/// the question is asked back instead.
#[test]
fn a_named_grouping_or_value_is_not_left_out() {
    use crate::offline::dropped::left_out;
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let q = "revenue by channel in Europe";
    let t = parser.translate(q, today()).expect("answered");
    let analysis = parser.reader().analyze(&catalog, q, today());
    assert_eq!(left_out(&catalog, &analysis, &t), None);
    // The same reading with the grouping and the value dropped.
    let mut broader = t.clone();
    broader.query.dimensions.clear();
    assert_eq!(
        left_out(&catalog, &analysis, &broader).as_deref(),
        Some("channel")
    );
    broader.query.dimensions = t.query.dimensions.clone();
    broader.query.filters.clear();
    assert_eq!(
        left_out(&catalog, &analysis, &broader).as_deref(),
        Some("Europe")
    );
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let q = "total sales in Paris";
    let t = parser.translate(q, today()).expect("answered");
    let analysis = parser.reader().analyze(&catalog, q, today());
    assert_eq!(left_out(&catalog, &analysis, &t), None);
    let mut broader = t.clone();
    broader.query.filters.clear();
    assert_eq!(
        left_out(&catalog, &analysis, &broader).as_deref(),
        Some("Paris")
    );
}

/// A ranking keeps what it ranks, and an amount is not made a grouping
/// unless asked for: otherwise the question is asked back.
#[test]
fn a_ranking_keeps_its_subject_and_amounts_are_not_groupings() {
    use crate::offline::dropped::{groups_by_an_amount, ranks_nothing};
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let q = "which channel had the most orders";
    let t = parser.translate(q, today()).expect("answered");
    let analysis = parser.reader().analyze(&catalog, q, today());
    assert_eq!(ranks_nothing(&analysis, &t), None);
    let mut total = t.clone();
    total.query.dimensions.clear();
    assert_eq!(ranks_nothing(&analysis, &total).as_deref(), Some("most"));
    let mut by_amount = t.clone();
    by_amount
        .query
        .dimensions
        .push("Orders.total_amount".into());
    assert!(groups_by_an_amount(&catalog, &analysis, &by_amount).is_some());
    // Asked for: "by order total" groups by it.
    let q = "number of orders by order total";
    let analysis = parser.reader().analyze(&catalog, q, today());
    let mut asked = t.clone();
    asked.query.dimensions = vec!["Orders.total_amount".into()];
    assert_eq!(groups_by_an_amount(&catalog, &analysis, &asked), None);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let q = "which store city sold the most units";
    let t = parser.translate(q, today()).expect("answered");
    let analysis = parser.reader().analyze(&catalog, q, today());
    assert_eq!(ranks_nothing(&analysis, &t), None);
    let mut total = t.clone();
    total.query.dimensions.clear();
    assert!(ranks_nothing(&analysis, &total).is_some());
}

/// A follow-up that would rank one total is asked back too.
#[test]
fn a_followup_that_ranks_nothing_is_asked_back() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let previous = parser
        .translate("revenue by channel last month", today())
        .expect("answered");
    let ranked = parser
        .refine(&previous, "top 3", today())
        .expect("a ranking of channels");
    assert_eq!(ranked.query.limit, Some(3));
    let total = parser
        .translate("revenue last month", today())
        .expect("answered");
    match parser.refine(&total, "top 3", today()) {
        Err(LlmError::NeedsClarification { .. }) => {}
        other => panic!("ranking one total must ask back, got {other:?}"),
    }
}

/// A grouping whose rows each hold one value, and a segment the answer
/// leaves out, are asked back.
#[test]
fn one_value_per_row_and_a_dropped_segment_are_asked_back() {
    use crate::offline::dropped::{left_out, trivial_grouping};
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate("which channel had the most orders", today())
        .expect("answered");
    assert_eq!(trivial_grouping(&catalog, &t, false), None);
    // Ranked and filtered to one channel: one row, nothing ranked.
    let mut one = t.clone();
    one.query.filters = vec![strata_engine::query::Filter::Member {
        member: "Orders.channel".into(),
        operator: strata_engine::query::FilterOperator::Equals,
        values: vec![Some("web".into())],
    }];
    assert!(trivial_grouping(&catalog, &one, false).is_some());
    // A follow-up may narrow its grouping to one value.
    assert_eq!(trivial_grouping(&catalog, &one, true), None);
    // Customers counted by email: one each.
    let mut by_email = parser
        .translate("how many customers", today())
        .expect("answered");
    by_email.query.dimensions = vec!["Users.email".into()];
    assert!(trivial_grouping(&catalog, &by_email, true).is_some());

    let q = "how many premium products";
    let t = parser.translate(q, today()).expect("answered");
    assert_eq!(t.query.segments, ["Products.premium"]);
    let analysis = parser.reader().analyze(&catalog, q, today());
    assert_eq!(left_out(&catalog, &analysis, &t), None, "{:?}", t.query);
    let mut broader = t.clone();
    broader.query.segments.clear();
    broader.query.filters.clear();
    assert!(
        left_out(&catalog, &analysis, &broader).is_some(),
        "{:?}",
        t.query
    );
}

/// "list" asks for rows: one total is asked back; "list price" and "the
/// customer list" are no such ask. "by units" after a ranking sorts, so an
/// amount grouping there is asked back.
#[test]
fn a_listing_has_rows_and_a_ranking_sorts_by_its_amount() {
    use crate::offline::dropped::{groups_by_an_amount, list_without_rows};
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let total = parser
        .translate("how many regions", today())
        .expect("answered");
    for (q, asks) in [
        ("list all our regions", true),
        ("can you list the regions", true),
        ("average list price", false),
        ("how many customers are in the customer list", false),
    ] {
        let analysis = parser.reader().analyze(&catalog, q, today());
        assert_eq!(list_without_rows(&analysis, &total).is_some(), asks, "{q}");
    }
    let q = "top 5 categories by units";
    let analysis = parser.reader().analyze(&catalog, q, today());
    let mut t = parser
        .translate("units sold by category", today())
        .expect("answered");
    t.query.dimensions.push("LineItems.quantity".into());
    assert!(groups_by_an_amount(&catalog, &analysis, &t).is_some());
}

/// "by category and month" asks for a series: without one it is asked back.
#[test]
fn a_grouping_by_a_calendar_unit_is_not_left_out() {
    use crate::offline::dropped::left_out;
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let q = "orders by month this year";
    let t = parser.translate(q, today()).expect("answered");
    let analysis = parser.reader().analyze(&catalog, q, today());
    assert_eq!(left_out(&catalog, &analysis, &t), None, "{:?}", t.query);
    let mut total = t.clone();
    total.query.time_dimensions[0].granularity = None;
    assert_eq!(
        left_out(&catalog, &analysis, &total).as_deref(),
        Some("month")
    );
    // The month closing a by-list is a series too.
    let t = translate_ok(&parser, "orders by channel and month this year");
    assert_eq!(t.query.dimensions, ["Orders.channel"]);
    assert!(
        t.query.time_dimensions[0].granularity.is_some(),
        "{:?}",
        t.query
    );
}

fn translate_ok(parser: &OfflineParser<'_>, q: &str) -> Translation {
    parser
        .translate(q, today())
        .unwrap_or_else(|e| panic!("{q:?}: {e}"))
}

/// An amount the question names is never answered by a date alone.
#[test]
fn an_amount_is_not_answered_by_its_latest_date() {
    use crate::offline::dropped::left_out;
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let q = "what was the profit in Europe in December";
    let t = parser.translate(q, today()).expect("answered");
    let analysis = parser.reader().analyze(&catalog, q, today());
    assert_eq!(left_out(&catalog, &analysis, &t), None, "{:?}", t.query);
    let mut dates = t.clone();
    let td = dates.query.time_dimensions[0].dimension.clone();
    dates.query.measures.clear();
    dates.query.order = Some(vec![(td, true)]);
    dates.query.limit = Some(1);
    assert_eq!(
        left_out(&catalog, &analysis, &dates).as_deref(),
        Some("profit")
    );
}

#[test]
fn a_period_no_figure_can_be_dated_by_is_refused_in_plain_words() {
    // Products have no date: "last month" cannot apply, and the answer for
    // all time would be another question.
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    match parser.translate("how many products last month", today()) {
        Err(LlmError::NotUnderstood(m)) => {
            assert!(m.contains("name a figure that has one"), "{m}");
            assert!(!m.contains("  "), "no run of spaces: {m}");
        }
        other => panic!("no dated figure: must refuse, got {other:?}"),
    }
}

/// "Which 5 products have the highest list price": the records, listed with
/// the column and ordered by it, never a limit on rows in no order.
#[test]
fn records_ranked_by_a_column_are_listed_with_it() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let q = json(&parser, "Which 5 products have the highest list price?");
    assert!(q.get("measures").is_none(), "{q}");
    assert_eq!(
        q["dimensions"],
        serde_json::json!(["Products.name", "Products.price"])
    );
    assert_eq!(q["order"], serde_json::json!({"Products.price": "desc"}));
    assert_eq!(q["limit"], 5);
    // Over categories the lowest price is a figure per category, ranked.
    let q = json(&parser, "Which 3 categories have the lowest list price?");
    assert_eq!(q["order"], serde_json::json!({"Products.min_price": "asc"}));

    let yaml = r#"
cubes:
  - name: parcels
    sql_table: p
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: name, sql: n, type: string}
      - {name: weight, sql: w, type: number}
    measures:
      - {name: count, type: count}
      - {name: maxWeight, sql: w, type: max}
"#;
    let (catalog, model) = super::fixtures::model_from_yaml(yaml);
    let parser = OfflineParser::for_model(&catalog, &model);
    let q = json(&parser, "Which 3 parcels have the max weight?");
    assert_eq!(
        q["dimensions"],
        serde_json::json!(["parcels.name", "parcels.weight"]),
        "{q}"
    );
    assert_eq!(q["order"], serde_json::json!({"parcels.weight": "desc"}));
}

/// "the cheapest list price of each brand": the lowest price per brand,
/// never the one cheapest product with the grouping dropped.
#[test]
fn the_cheapest_price_of_each_group_is_a_minimum_per_group() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let q = json(&parser, "Cheapest list price of each brand?");
    assert_eq!(
        q["measures"],
        serde_json::json!(["Products.min_price"]),
        "{q}"
    );
    assert_eq!(q["dimensions"], serde_json::json!(["Products.brand"]));
    assert!(q.get("limit").is_none(), "{q}");
    // The products themselves, per category, are not a price per category.
    assert!(parser
        .translate("the cheapest product in each category", today())
        .is_err());

    let yaml = r#"
cubes:
  - name: gadgets
    sql_table: g
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: name, sql: n, type: string}
      - {name: maker, sql: m, type: string}
      - {name: unitPrice, sql: p, type: number, format: currency}
    measures:
      - {name: count, type: count}
      - {name: minUnitPrice, sql: p, type: min}
"#;
    let (catalog, model) = super::fixtures::model_from_yaml(yaml);
    let parser = OfflineParser::for_model(&catalog, &model);
    // Bare names carry no price word the superlative can take: asked
    // about, or answered per maker, never one gadget.
    if let Ok(t) = parser.translate("cheapest unit price per maker", today()) {
        assert_eq!(t.query.dimensions, ["gadgets.maker"], "{:?}", t.query);
        assert_eq!(t.query.limit, None, "{:?}", t.query);
    }
}
