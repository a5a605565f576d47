//! Parser-level tests: whole questions through [`OfflineParser`].

use serde_json::json;

use super::*;
use crate::intent::{ChartType, Intent};

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
    let model =
        strata_schema::load_files(&[("m.yml".into(), yaml.to_owned())]).expect("bare model");
    let mut catalog = Catalog::from_model(&model);
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
        json!({
            "measures": ["shop_sales.totalSales"],
            "dimensions": ["shop_sales.sub_category"],
            "timeDimensions": [{"dimension": "shop_sales.soldAt", "dateRange": "last month"}],
            "filters": [{"member": "shop_sales.storeCity", "operator": "equals", "values": ["Paris"]}],
        })
    );
    assert_eq!(t.intent, Intent::Distribution);
    let t = parser
        .translate("weekly units sold", today())
        .expect("units");
    assert_eq!(t.query["measures"], json!(["shop_sales.unitsSold"]));
    assert_eq!(t.query["timeDimensions"][0]["granularity"], "week");
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
        for key in ["measures", "dimensions", "segments"] {
            for v in t.query[key].as_array().into_iter().flatten() {
                names.push(v.as_str().unwrap_or_default().to_owned());
            }
        }
        for f in t.query["filters"].as_array().into_iter().flatten() {
            names.push(f["member"].as_str().unwrap_or_default().to_owned());
        }
        for td in t.query["timeDimensions"].as_array().into_iter().flatten() {
            names.push(td["dimension"].as_str().unwrap_or_default().to_owned());
        }
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
        t.query["timeDimensions"][0]["compareDateRange"],
        json!(["this month", "last month"])
    );
}

#[test]
fn views_are_not_mixed_with_cubes() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let t = parser
        .translate("revenue by category in Europe", today())
        .expect("understood");
    for key in ["measures", "dimensions"] {
        for v in t.query[key].as_array().into_iter().flatten() {
            assert!(
                v.as_str().is_some_and(|s| s.starts_with("sales_overview.")),
                "{t:?}"
            );
        }
    }
    assert_eq!(t.query["filters"][0]["member"], "sales_overview.region");
}

#[test]
fn followups_modify_the_previous_query() {
    let (catalog, model) = demo();
    let parser = OfflineParser::for_model(&catalog, &model);
    let first = parser
        .translate("revenue by channel", today())
        .expect("first");
    let second = parser.refine(&first, "by week", today()).expect("by week");
    assert_eq!(second.query["timeDimensions"][0]["granularity"], "week");
    assert_eq!(second.query["dimensions"], json!(["Orders.channel"]));
    let third = parser.refine(&second, "just web", today()).expect("web");
    assert_eq!(
        third.query["filters"],
        json!([{"member": "Orders.channel", "operator": "equals", "values": ["web"]}])
    );
    let chart = parser
        .refine(&third, "as a pie chart", today())
        .expect("chart");
    assert_eq!(chart.query, third.query);
    assert_eq!(chart.chart, Some(ChartType::Pie));
    let fresh = parser
        .refine(&third, "how many customers by age group", today())
        .expect("new question");
    assert_eq!(fresh.query["measures"], json!(["Users.count"]));
    assert!(fresh.query.get("filters").is_none());
}

#[test]
fn free_functions_work_without_join_knowledge() {
    let (catalog, _) = demo();
    let t = translate(&catalog, "top 3 brands by profit", today()).expect("understood");
    assert_eq!(t.query["limit"], 3);
    assert_eq!(t.intent, Intent::TopN);
    let r = refine(&catalog, &t, "bottom 2", today()).expect("refined");
    assert_eq!(r.query["limit"], 2);
    assert_eq!(r.query["order"]["sales_overview.profit"], "asc");
}
