//! Half-SQL requests: rows counted where a condition holds, "count
//! distinct" of a column the model counts no other way, identifiers typed
//! as one word ("orderId"), "order by 2 desc", "at weekly grain", "best
//! seller", rows shown where a column meets a condition, who bought, the
//! year-ago measure; on a model with bare names and on the demo model.

use super::fixtures::{bare, demo, today, translate};
use super::*;

#[test]
fn rows_counted_where_a_condition_holds_are_the_rows_of_its_cube() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "count rows where amount between 10 and 20");
    assert_eq!(t.query.measures, ["shop_sales.count"], "{:?}", t.query);
    assert_eq!(t.query.filters.len(), 2, "{:?}", t.query);
}

#[test]
fn a_distinct_count_the_model_lacks_is_asked_about_not_split() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let asked = parser.translate("count distinct storeCity in 2024", today());
    assert!(
        matches!(asked, Err(LlmError::NeedsClarification { .. })),
        "{asked:?}"
    );
}

#[test]
fn identifiers_typed_as_one_word_and_sql_order_words_are_read() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "sum(totalSales) group by storecity order by 2 desc",
    );
    assert_eq!(
        t.query.dimensions,
        ["shop_sales.storeCity"],
        "{:?}",
        t.query
    );
    assert_eq!(
        t.query.order.as_ref().and_then(|o| o.first()).map(|o| o.1),
        Some(true),
        "{:?}",
        t.query
    );
    let t = translate(&parser, "weekly count at weekly grain in 2024");
    assert_eq!(t.query.measures, ["shop_sales.count"], "{:?}", t.query);
}

#[test]
fn the_best_seller_is_the_best_selling_product() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "whats our best seller?");
    assert_eq!(t.query.limit, Some(1), "{:?}", t.query);
    assert!(
        t.query.dimensions.iter().any(|d| d.ends_with("product")),
        "{:?}",
        t.query
    );
}

#[test]
fn rows_counted_or_summarised_are_the_cube_s_rows() {
    let yaml = r#"
cubes:
  - name: sales
    sql_table: s
    dimensions:
      - {name: rowId, sql: id, type: number, primary_key: true}
      - {name: city, sql: c, type: string}
      - {name: profit, sql: p, type: number}
      - {name: sales, sql: amount, type: number}
    measures:
      - {name: count, type: count}
      - {name: totalProfit, sql: p, type: sum}
      - {name: avgDiscount, sql: d, type: avg}
"#;
    let (mut catalog, model) = super::fixtures::model_from_yaml(yaml);
    catalog.set_sample_values("sales.city", vec!["Columbus".into(), "Detroit".into()]);
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "How many rows have a negative profit?");
    assert_eq!(t.query.measures, ["sales.count"], "{:?}", t.query);
    let t = translate(
        &parser,
        "What's avgDiscount in Columbus on lines where sales is between 100 and 500?",
    );
    assert_eq!(t.query.measures, ["sales.avgDiscount"], "{:?}", t.query);
    // Rows asked for alone are a listing, which is asked about, not counted.
    assert!(parser
        .translate("rows with negative profit", today())
        .is_err());
}

#[test]
fn rows_shown_where_a_column_meets_a_condition_are_listed_by_their_key() {
    let (catalog, model) = super::fixtures::siblings();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "show sales lines where discount was more than 0.2");
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    assert_eq!(
        t.query.dimensions,
        ["sales.rowId", "sales.discount"],
        "{:?}",
        t.query
    );
    // Without "where", the same words count the lines.
    let t = translate(&parser, "how many sales lines had a discount over 0.2");
    assert_eq!(t.query.measures, ["sales.count"], "{:?}", t.query);
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "show the line items where the discount is above 0.3",
    );
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    assert_eq!(
        t.query.dimensions.first().map(String::as_str),
        Some("LineItems.id"),
        "{:?}",
        t.query
    );
}

#[test]
fn who_bought_a_product_lists_the_buyers() {
    let (catalog, model) = super::fixtures::siblings();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "who bought anything in 2020?");
    assert!(t.query.measures.is_empty(), "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["sales.customerName"], "{:?}", t.query);
    // "the most" over a count of rows is not read as a count of buyers.
    let most = parser.translate("who bought the most in 2020?", today());
    assert!(
        most.as_ref().map_or(true, |t| !t
            .query
            .dimensions
            .contains(&"sales.customerName".to_owned())
            || !t.query.measures.contains(&"sales.count".to_owned())),
        "{most:?}"
    );
}

#[test]
fn the_figure_a_year_earlier_is_the_models_year_ago_measure() {
    let (catalog, model) = super::fixtures::model_from_yaml(
        r#"
cubes:
  - name: books
    sql_table: b
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: bookedAt, sql: t, type: time}
    measures:
      - {name: totalProfit, sql: profit, type: sum}
      - {name: totalProfitYearAgo, sql: profit_year_ago, type: sum}
"#,
    );
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "totalProfit by month in 2020 next to the totalProfit a year earlier",
    );
    assert_eq!(
        t.query.measures,
        ["books.totalProfit", "books.totalProfitYearAgo"],
        "{:?}",
        t.query
    );
    let td = &t.query.time_dimensions[0];
    assert_eq!(
        td.granularity,
        Some(strata_schema::Granularity::Month),
        "{:?}",
        t.query
    );
    let t = translate(&parser, "totalProfit a year earlier, by quarter of 2020");
    assert_eq!(
        t.query.measures,
        ["books.totalProfitYearAgo"],
        "{:?}",
        t.query
    );
    // Two periods compared stay two periods of the figure.
    let t = translate(
        &parser,
        "how did totalProfit in 2020 compare with the year before",
    );
    assert_eq!(t.query.measures, ["books.totalProfit"], "{:?}", t.query);
}

#[test]
fn the_name_of_a_column_that_is_no_name_is_the_column() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "totalSales per storeCity, sorted alphabetically by storeCity name",
    );
    assert_eq!(
        t.query.dimensions,
        ["shop_sales.storeCity"],
        "{:?}",
        t.query
    );
    assert_eq!(
        t.query.order,
        Some(vec![("shop_sales.storeCity".to_owned(), false)])
    );
}
