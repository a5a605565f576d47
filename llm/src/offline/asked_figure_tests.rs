//! Which figure is asked for when other words name figures too: a yes/no
//! question before the request, a ranking verb beside the measure named
//! after "by", a distinct count whose title only mentions the thing, a price
//! per unit, member phrases that stop at a comma, the count "how many"
//! asks for, a figure named beside a share, values listed to explain a
//! split, and distinct values listed rather than counted.

use super::fixtures::{bare, demo, measures, today, translate};
use super::*;

fn order(t: &Translation) -> Vec<&str> {
    t.query
        .order
        .iter()
        .flatten()
        .map(|(m, _)| m.as_str())
        .collect()
}

#[test]
fn the_request_after_a_yes_no_question_is_what_is_asked() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // Read whole, "customers" and "cancel" would add two counts.
    let t = translate(
        &parser,
        "Do older customers cancel more? Cancellation rate for each age group please",
    );
    assert_eq!(measures(&t).len(), 1, "{:?}", t.query);
    assert!(
        measures(&t)[0].ends_with("cancellation_rate"),
        "{:?}",
        t.query
    );
    // The question's period is not a third range beside the two compared.
    let t = translate(
        &parser,
        "Are we discounting more this year? Avg discount YTD vs the same period last year",
    );
    let compared = t.query.time_dimensions[0]
        .compare_date_range
        .as_ref()
        .map(Vec::len);
    assert_eq!(compared, Some(2), "{:?}", t.query);
    // What the question names and the request leaves out keeps the whole
    // text: Beauty and May still narrow the revenue.
    let t = translate(
        &parser,
        "Did we sell more Beauty products in May? Show revenue by week",
    );
    assert_eq!(t.query.filters.len(), 1, "{:?}", t.query);
    assert!(
        t.query.time_dimensions[0].date_range.is_some(),
        "{:?}",
        t.query
    );

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Are shoppers buying more? units sold by store city please",
    );
    assert_eq!(measures(&t), vec!["shop_sales.unitsSold"], "{:?}", t.query);
}

#[test]
fn a_ranking_verb_gives_way_to_the_measure_named_after_by() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "top selling brands by profit");
    assert_eq!(measures(&t).len(), 1, "{:?}", t.query);
    assert!(measures(&t)[0].ends_with("profit"), "{:?}", t.query);
    assert_eq!(order(&t), measures(&t));
    // Without "by", selling still ranks by the units sold.
    let t = translate(&parser, "best-selling products last month");
    assert!(measures(&t)[0].ends_with("units_sold"), "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "best selling store cities by total profit");
    assert_eq!(
        measures(&t),
        vec!["shop_sales.totalProfit"],
        "{:?}",
        t.query
    );
    assert_eq!(order(&t), vec!["shop_sales.totalProfit"]);
}

#[test]
fn a_distinct_count_is_chosen_by_what_it_counts_not_by_a_modifier() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // `Users.country_count` is titled "Number of Customer Countries": it
    // counts countries, not customers.
    let t = translate(&parser, "how many different customers signed up last month");
    assert_eq!(measures(&t), vec!["Users.count"], "{:?}", t.query);
    // A distinct count named after the thing is chosen.
    let t = translate(&parser, "how many distinct customers ordered last month");
    assert_eq!(measures(&t), vec!["Orders.customer_count"], "{:?}", t.query);
}

#[test]
fn a_price_per_unit_is_the_unit_price_not_a_split_by_quantity() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "average selling price per unit by brand");
    assert_eq!(
        measures(&t),
        vec!["LineItems.average_unit_price"],
        "{:?}",
        t.query
    );
    assert_eq!(t.query.dimensions, vec!["Products.brand".to_owned()]);

    // "per" still splits by what follows when it is no unit of a price.
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "units sold per store city");
    assert_eq!(t.query.dimensions, vec!["shop_sales.storeCity".to_owned()]);
}

#[test]
fn no_member_phrase_runs_past_a_comma() {
    let tokens = super::text::tokenize("exclude returned, count 1,000 orders");
    let ends: Vec<bool> = tokens.iter().map(|t| t.clause_end).collect();
    assert_eq!(ends, vec![false, true, false, false, false], "{tokens:?}");

    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "returned, count" is no `returned_count`.
    let t = translate(
        &parser,
        "filter on mobile, exclude cancelled + returned, count orders by status for last month",
    );
    assert_eq!(measures(&t), vec!["Orders.count"], "{:?}", t.query);
    // Values listed with commas are still each a count.
    let t = translate(
        &parser,
        "cancelled, returned and completed orders last month",
    );
    assert_eq!(measures(&t).len(), 3, "{:?}", t.query);
}

#[test]
fn of_two_unjoined_counts_how_many_names_the_one_counted() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // The customer is who; the orders are what is counted.
    for q in [
        "customer 37: how many orders in 2023",
        "how many orders did customer 37 place in 2023",
    ] {
        let t = translate(&parser, q);
        assert_eq!(measures(&t), vec!["Orders.count"], "{q}: {:?}", t.query);
    }
}

#[test]
fn a_figure_joined_to_a_share_stays_beside_the_rate() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "number of customers and % opted in by age group");
    assert_eq!(measures(&t), ["Users.count", "Users.opt_in_rate"]);
    // The population of the share is no figure of its own.
    let t = translate(&parser, "what % of customers opted in by age group");
    assert_eq!(measures(&t), ["Users.opt_in_rate"]);
}

#[test]
fn values_listed_after_a_split_explain_it_and_restricted_ones_filter_it() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "orders by channel (web, mobile)");
    assert_eq!(t.query.dimensions, ["Orders.channel"]);
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    let t = translate(&parser, "orders by channel (web and mobile only)");
    assert_eq!(t.query.dimensions, ["Orders.channel"]);
    assert_eq!(t.query.filters.len(), 1, "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "totalSales by storeCity (Lyon / Paris)");
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
    assert!(t.query.filters.is_empty(), "{:?}", t.query);
    let t = translate(&parser, "totalSales by storeCity, Lyon and Paris only");
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
    assert_eq!(t.query.filters.len(), 1, "{:?}", t.query);
}

#[test]
fn distinct_values_are_listed_unless_counted() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "unique storeCity values");
    assert!(measures(&t).is_empty(), "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["shop_sales.storeCity"]);
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how many distinct customers ordered");
    assert_eq!(measures(&t).len(), 1, "{:?}", t.query);
}

/// Sales lines whose amount column is named like the records' noun.
fn sales_lines() -> (crate::catalog::Catalog, strata_schema::SemanticModel) {
    super::fixtures::model_from_yaml(
        r#"
cubes:
  - name: lines
    sql_table: l
    dimensions:
      - {name: rowId, sql: id, type: number, primary_key: true}
      - {name: city, sql: city, type: string}
      - {name: sales, sql: sales, type: number}
      - {name: profit, sql: profit, type: number}
    measures:
      - {name: count, type: count}
      - {name: totalSales, sql: sales, type: sum}
      - {name: totalProfit, sql: profit, type: sum}
"#,
    )
}

#[test]
fn the_single_largest_record_is_listed_with_what_is_asked_of_it() {
    let (catalog, model) = sales_lines();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "In which city was the single largest sale made?");
    assert!(measures(&t).is_empty(), "{:?}", t.query);
    let mut dims = t.query.dimensions.clone();
    dims.sort();
    assert_eq!(dims, ["lines.city", "lines.rowId", "lines.sales"]);
    assert_eq!(order(&t), ["lines.sales"]);
    assert_eq!(t.query.limit, Some(1));
    // Not one record: the cities ranked by their total.
    let t = translate(&parser, "the cities with the largest sales");
    assert_eq!(measures(&t), ["lines.totalSales"]);
    // "no sales line" names the records, not sales of zero.
    let t = translate(&parser, "is it true that no sales line lost money");
    assert!(
        !t.query
            .filters
            .iter()
            .any(|f| format!("{f:?}").contains("lines.sales")),
        "{:?}",
        t.query
    );
}

#[test]
fn an_amount_named_among_a_records_columns_is_a_column() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "For order 48213, state the status and the order total.",
    );
    assert!(measures(&t).is_empty(), "{:?}", t.query);
    assert!(
        t.query
            .dimensions
            .contains(&"Orders.total_amount".to_owned()),
        "{:?}",
        t.query
    );
    assert!(t.unmatched.is_empty(), "{:?}", t.unmatched);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "list the shop sales in Lyon with storeCity and amount",
    );
    assert!(measures(&t).is_empty(), "{:?}", t.query);
    assert!(
        t.query.dimensions.contains(&"shop_sales.amount".to_owned()),
        "{:?}",
        t.query
    );
}

#[test]
fn a_count_of_one_named_record_is_asked_about_and_customers_who_order_are_whose() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // Users.count filtered to one customer id is 1, whatever was asked.
    assert!(parser
        .translate("what did customer 12 buy", today())
        .is_err());
    // A condition beside the key is what the count decides.
    let t = translate(&parser, "is order 1207 cancelled");
    assert_eq!(measures(&t), ["Orders.count"]);
    // Whose orders: the customers' segment is a filter, not a second count.
    let t = translate(
        &parser,
        "which channel do business customers order from the most",
    );
    assert_eq!(measures(&t).len(), 1, "{:?}", t.query);
    assert!(measures(&t)[0].ends_with(".count"), "{:?}", t.query);
    assert_eq!(t.query.filters.len(), 1, "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    assert!(parser
        .translate("count of shoppers with id 12", today())
        .is_err());
}

#[test]
fn a_name_quoted_whole_is_not_answered_in_parts() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "Germany" and "France" are values, but the quote names one thing.
    assert!(parser
        .translate("revenue for 'Germany France Ltd' last month", today())
        .is_err());
    // Quoted whole values, single quoted words and code stay answered.
    let t = translate(&parser, "revenue for 'Germany' vs 'France' last month");
    assert_eq!(t.query.filters.len(), 1, "{:?}", t.query);

    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    assert!(parser
        .translate("totalSales for \"Lyon Paris Imports\"", today())
        .is_err());
    let t = translate(&parser, "totalSales where storeCity is 'Lyon'");
    assert_eq!(t.query.filters.len(), 1, "{:?}", t.query);
}

#[test]
fn a_condition_asked_both_ways_is_split_or_asked_about() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(&parser, "how many customers in Germany opted in vs not");
    assert_eq!(measures(&t), ["Users.count"]);
    assert_eq!(t.query.dimensions, ["Users.marketing_opt_in"]);
    // A segment has no other side to show: asked about, not answered.
    assert!(parser
        .translate("how many order lines were discounted or not", today())
        .is_err());

    let (catalog, model) = model_from_yaml_with_segment();
    let parser = OfflineParser::for_model(&catalog, &model);
    assert!(parser
        .translate("count of big sales or not", today())
        .is_err());
    assert!(parser.translate("count of big sales", today()).is_ok());
}

/// A cube with a segment and no column to split it by.
fn model_from_yaml_with_segment() -> (crate::catalog::Catalog, strata_schema::SemanticModel) {
    super::fixtures::model_from_yaml(
        r#"
cubes:
  - name: sales
    sql_table: s
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: amount, sql: amount, type: number}
    measures:
      - {name: count, type: count}
    segments:
      - {name: big, sql: "{CUBE}.amount > 100"}
"#,
    )
}

#[test]
fn one_figure_read_from_two_words_is_asked_about() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    // "cancelled" is no second count of customers: the answer would have
    // listed the same figure twice and lost the status.
    let asked = parser.translate(
        "How many different customers cancelled an order in Q1?",
        today(),
    );
    match asked {
        Err(e) => assert!(e.to_string().contains("two words"), "{e}"),
        Ok(t) => assert!(
            {
                let m = measures(&t);
                let mut unique = m.clone();
                unique.dedup();
                m == unique
            },
            "{:?}",
            t.query
        ),
    }
}

#[test]
fn worse_than_compares_the_values_named_without_ranking() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = translate(
        &parser,
        "Is the mobile cancellation rate really worse than the web's?",
    );
    assert_eq!(t.query.limit, None, "{:?}", t.query);
    assert!(t.query.order.is_none(), "{:?}", t.query);
    assert_eq!(t.query.dimensions, ["Orders.channel"], "{:?}", t.query);
}
