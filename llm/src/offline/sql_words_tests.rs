//! Half-SQL requests: rows counted where a condition holds, "count
//! distinct" of a column the model counts no other way, identifiers typed
//! as one word ("orderId"), "order by 2 desc", "at weekly grain", "best
//! seller"; on a model with bare names and on the demo model.

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
