//! Parser-level tests: whole questions through [`OfflineParser`].

use serde_json::{json, Value};
use strata_engine::query::{DateRangeSpec, Filter, FilterOperator};
use strata_engine::Query;
use strata_schema::Granularity;

use super::*;
use crate::intent::{ChartType, Intent};

/// The typed query of Cube JSON.
fn query(v: Value) -> Query {
    Query::from_json(&v).expect("a valid query")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 15).expect("date")
}

fn demo() -> (Catalog, SemanticModel) {
    let model = strata_demo::model().expect("demo model");
    let mut catalog = Catalog::from_model(&model);
    for owner in ["Orders", "orders_overview", "sales_overview"] {
        catalog.set_sample_values(
            &format!("{owner}.channel"),
            vec!["web".into(), "mobile".into(), "marketplace".into()],
        );
    }
    for owner in [
        "Regions.name",
        "orders_overview.region",
        "sales_overview.region",
    ] {
        catalog.set_sample_values(owner, vec!["Europe".into(), "Asia".into()]);
    }
    (catalog, model)
}

/// A model with nothing but bare camelCase and snake_case names.
fn bare() -> (Catalog, SemanticModel) {
    let yaml = r#"
cubes:
  - name: shop_sales
    sql_table: s
    dimensions:
      - {name: id, sql: id, type: number, primary_key: true}
      - {name: sub_category, sql: sc, type: string}
      - {name: storeCity, sql: c, type: string}
      - {name: soldAt, sql: t, type: time}
    measures:
      - {name: count, type: count}
      - {name: totalSales, sql: amount, type: sum}
      - {name: unitsSold, sql: qty, type: sum}
"#;
    let (mut catalog, model) = super::fixtures::model_from_yaml(yaml);
    catalog.set_sample_values("shop_sales.storeCity", vec!["Lyon".into(), "Paris".into()]);
    (catalog, model)
}

#[test]
fn bare_names_and_business_words() {
    let (catalog, model) = bare();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate("revenue by sub category in Paris last month", today())
        .expect("understood");
    assert_eq!(
        t.query,
        query(json!({
            "measures": ["shop_sales.totalSales"],
            "dimensions": ["shop_sales.sub_category"],
            "timeDimensions": [{"dimension": "shop_sales.soldAt", "dateRange": "last month"}],
            "filters": [{"member": "shop_sales.storeCity", "operator": "equals", "values": ["Paris"]}],
        }))
    );
    assert_eq!(t.intent, Intent::Distribution);
    let t = parser
        .translate("weekly units sold", today())
        .expect("units");
    assert_eq!(t.query.measures, ["shop_sales.unitsSold"]);
    assert_eq!(
        t.query.time_dimensions[0].granularity,
        Some(Granularity::Week)
    );
    assert_eq!(t.intent, Intent::Trend);
}

#[test]
fn unknown_questions_say_what_was_not_understood() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    for q in [
        "what's the weather tomorrow",
        "revenue per employee",
        "forecast revenue",
    ] {
        match parser.translate(q, today()) {
            Err(LlmError::NotUnderstood(msg)) => {
                assert!(msg.contains("You can ask about"), "{msg}");
                assert!(msg.contains("Revenue"), "lists members: {msg}");
            }
            other => panic!("{q:?} should not be understood, got {other:?}"),
        }
    }
    let Err(LlmError::NotUnderstood(msg)) = parser.translate("revenue per employee", today())
    else {
        panic!("not understood")
    };
    assert!(msg.contains("\"employee\""), "{msg}");
}

#[test]
fn every_member_comes_from_the_catalog() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let questions = [
        "top 5 products by revenue",
        "revenue this month vs last month as a bar chart",
        "orders over $100 in Europe by channel",
        "unusual spikes in cancellations",
    ];
    for q in questions {
        let t = parser.translate(q, today()).expect(q);
        let mut names: Vec<String> = Vec::new();
        t.query.member_names(&mut |n| names.push(n.to_owned()));
        assert!(!names.is_empty(), "{q}");
        for n in names {
            assert!(catalog.contains(&n), "{q}: {n} is not in the catalog");
        }
    }
    let t = parser
        .translate("revenue this month vs last month as a bar chart", today())
        .expect("comparison");
    assert_eq!(t.intent, Intent::Comparison);
    assert_eq!(t.chart, Some(ChartType::Bar));
    assert_eq!(
        t.query.time_dimensions[0].compare_date_range,
        Some(vec![
            DateRangeSpec::Relative("this month".into()),
            DateRangeSpec::Relative("last month".into())
        ])
    );
}

#[test]
fn views_are_not_mixed_with_cubes() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate("revenue by category in Europe", today())
        .expect("understood");
    for v in t.query.measures.iter().chain(&t.query.dimensions) {
        assert!(v.starts_with("sales_overview."), "{t:?}");
    }
    assert!(
        matches!(&t.query.filters[0], Filter::Member { member, .. } if member == "sales_overview.region"),
        "{t:?}"
    );
}

#[test]
fn followups_modify_the_previous_query() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = parser
        .translate("revenue by channel", today())
        .expect("first");
    let second = parser.refine(&first, "by week", today()).expect("by week");
    assert_eq!(
        second.query.time_dimensions[0].granularity,
        Some(Granularity::Week)
    );
    assert_eq!(second.query.dimensions, ["Orders.channel"]);
    let third = parser.refine(&second, "just web", today()).expect("web");
    assert_eq!(
        third.query.filters,
        [Filter::Member {
            member: "Orders.channel".into(),
            operator: FilterOperator::Equals,
            values: vec![Some("web".into())],
        }]
    );
    let chart = parser
        .refine(&third, "as a pie chart", today())
        .expect("chart");
    assert_eq!(chart.query, third.query);
    assert_eq!(chart.chart, Some(ChartType::Pie));
    let fresh = parser
        .refine(&third, "how many customers by age group", today())
        .expect("new question");
    assert_eq!(fresh.query.measures, ["Users.count"]);
    assert!(fresh.query.filters.is_empty());
}

#[test]
fn free_functions_work_without_join_knowledge() {
    let (catalog, _) = demo();
    let t = translate(&catalog, "top 3 brands by profit", today()).expect("understood");
    assert_eq!(t.query.limit, Some(3));
    assert_eq!(t.intent, Intent::TopN);
    let r = refine(&catalog, &t, "bottom 2", today()).expect("refined");
    assert_eq!(r.query.limit, Some(2));
    assert_eq!(
        r.query.order,
        Some(vec![("sales_overview.profit".to_owned(), false)])
    );
}
