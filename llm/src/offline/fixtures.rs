//! Models the translator's unit tests share: the demo model with a few
//! sample values, and a model with bare names (no titles, synonyms or
//! formats).

use chrono::NaiveDate;
use strata_engine::query::{DateRangeSpec, Filter, FilterOperator};
use strata_schema::SemanticModel;

use super::OfflineParser;
use crate::catalog::Catalog;
use crate::translation::Translation;

/// The day the tests translate on.
pub(super) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 15).expect("date")
}

/// The demo model, with sample values for the dimensions the tests name.
pub(super) fn demo() -> (Catalog, SemanticModel) {
    let model = strata_demo::model().expect("demo model");
    let mut catalog = Catalog::from_model(&model);
    catalog.set_sample_values("Countries.name", vec!["Germany".into(), "France".into()]);
    catalog.set_sample_values("Regions.name", vec!["Europe".into(), "Africa".into()]);
    catalog.set_sample_values(
        "Orders.payment_method",
        vec!["gift_card".into(), "credit_card".into(), "paypal".into()],
    );
    catalog.set_sample_values("Users.segment", vec!["business".into(), "consumer".into()]);
    catalog.set_sample_values("Products.category", vec!["Books".into(), "Beauty".into()]);
    catalog.set_sample_values("Orders.channel", vec!["web".into(), "mobile".into()]);
    catalog.set_sample_values(
        "Orders.status",
        vec!["completed".into(), "cancelled".into(), "returned".into()],
    );
    (catalog, model)
}

/// Two sibling cubes over the same rows; only one has the share measure.
pub(super) fn siblings() -> (Catalog, SemanticModel) {
    let yaml = r#"
cubes:
  - name: sales
    sql_table: s
    dimensions:
      - {name: rowId, sql: id, type: number, primary_key: true}
      - {name: category, sql: category, type: string}
      - {name: productName, sql: product, type: string}
      - {name: customerName, sql: customer, type: string}
      - {name: discount, sql: discount, type: number}
      - {name: orderDate, sql: t, type: time}
    measures:
      - {name: count, type: count}
      - {name: totalProfit, sql: profit, type: sum}
      - {name: totalSales, sql: amount, type: sum}
      - {name: totalQuantity, sql: qty, type: sum}
  - name: big_sales
    sql_table: s
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: category, sql: category, type: string}
      - {name: discount, sql: discount, type: number}
      - {name: orderDate, sql: t, type: time}
    measures:
      - {name: totalProfit, sql: profit, type: sum}
      - {name: percentageOfTotal, sql: "100 * {totalProfit}", type: number}
      - {name: rollingCountBy2Week, type: count, rolling_window: {trailing: 2 week}}
"#;
    let (mut catalog, model) = model_from_yaml(yaml);
    catalog.set_sample_values(
        "sales.customerName",
        vec!["Customer 9".into(), "Customer 12".into()],
    );
    (catalog, model)
}

/// The model of one inline YAML file and its catalog.
pub(super) fn model_from_yaml(yaml: &str) -> (Catalog, SemanticModel) {
    let model =
        strata_schema::load_files(&[("m.yml".into(), yaml.to_owned())]).expect("test model");
    (Catalog::from_model(&model), model)
}

/// Two joined cubes named in bare camelCase and snake_case.
pub(super) fn bare() -> (Catalog, SemanticModel) {
    let yaml = r#"
cubes:
  - name: shop_sales
    sql_table: s
    joins:
      - {name: shoppers, relationship: many_to_one, sql: "{CUBE}.shopper_id = {shoppers}.id"}
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: storeCity, sql: c, type: string}
      - {name: soldAt, sql: t, type: time}
      - {name: amount, sql: amount, type: number}
      - {name: profit, sql: profit, type: number}
    measures:
      - {name: count, type: count}
      - {name: totalSales, sql: amount, type: sum}
      - {name: unitsSold, sql: qty, type: sum}
      - {name: totalProfit, sql: profit, type: sum}
  - name: shoppers
    sql_table: p
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: loyaltyTier, sql: tier, type: string}
    measures:
      - {name: count, type: count}
"#;
    let (mut catalog, model) = model_from_yaml(yaml);
    catalog.set_sample_values(
        "shop_sales.storeCity",
        vec!["Lyon".into(), "Paris".into(), "Marseille".into()],
    );
    (catalog, model)
}

/// The names of a translation's measures.
pub(super) fn measures(t: &Translation) -> Vec<&str> {
    t.query.measures.iter().map(String::as_str).collect()
}

pub(super) fn translate(parser: &OfflineParser<'_>, q: &str) -> Translation {
    parser
        .translate(q, today())
        .unwrap_or_else(|e| panic!("{q:?} not understood: {e}"))
}

/// `previous` refined by `turn`; panics with the error when it is not understood.
pub(super) fn refine(
    parser: &OfflineParser<'_>,
    previous: &Translation,
    turn: &str,
) -> Translation {
    parser
        .refine(previous, turn, today())
        .unwrap_or_else(|e| panic!("{turn:?} not understood: {e}"))
}

pub(super) fn equals(member: &str, value: &str) -> Filter {
    Filter::Member {
        member: member.into(),
        operator: FilterOperator::Equals,
        values: vec![Some(value.into())],
    }
}

pub(super) fn range(t: &Translation) -> Option<DateRangeSpec> {
    t.query
        .time_dimensions
        .iter()
        .find_map(|td| td.date_range.clone())
}

pub(super) fn days(from: &str, to: &str) -> Option<DateRangeSpec> {
    Some(DateRangeSpec::Pair(from.into(), to.into()))
}

/// The member filters of `t` as (member, operator, values).
pub(super) fn filters(t: &Translation) -> Vec<(String, FilterOperator, Vec<String>)> {
    t.query
        .filters
        .iter()
        .filter_map(|f| match f {
            Filter::Member {
                member,
                operator,
                values,
            } => Some((
                member.clone(),
                *operator,
                values.iter().flatten().cloned().collect(),
            )),
            _ => None,
        })
        .collect()
}

/// The operator and values of the filter on `member`.
pub(super) fn filter_on(
    t: &Translation,
    member: &str,
) -> Option<(strata_engine::query::FilterOperator, Vec<String>)> {
    t.query.filters.iter().find_map(|f| match f {
        strata_engine::query::Filter::Member {
            member: m,
            operator,
            values,
        } if m == member => Some((*operator, values.iter().flatten().cloned().collect())),
        _ => None,
    })
}
