//! Insights on hand-made results: the numbers are right and every sentence
//! is grounded in its facts.

use chrono::NaiveDate;
use serde_json::{json, Value};

use super::{compute, compute_as_of, numbers_in, Insight, InsightKind};
use crate::intent::Intent;
use crate::table::{ResultColumn, ResultTable, COMPARE_DATE_RANGE};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2030, 1, 1).unwrap_or_default()
}

fn revenue() -> ResultColumn {
    ResultColumn::measure("Orders.revenue", "Revenue")
        .with_format("currency")
        .with_agg("sum")
}

fn month() -> ResultColumn {
    ResultColumn::time("Orders.created_at.month", "Created at", "month")
}

fn month_value(i: usize) -> String {
    format!("{}-{:02}-01T00:00:00.000", 2024 + i / 12, i % 12 + 1)
}

/// A monthly revenue series, values as Cube's numeric strings.
fn monthly(values: &[f64]) -> ResultTable {
    let rows = values
        .iter()
        .enumerate()
        .map(|(i, v)| json!({"Orders.created_at.month": month_value(i), "Orders.revenue": v.to_string()}))
        .collect();
    ResultTable::new(vec![month(), revenue()], rows)
}

fn by_status(values: &[(&str, f64)]) -> ResultTable {
    let rows = values
        .iter()
        .map(|(s, v)| json!({"Orders.status": s, "Orders.revenue": v}))
        .collect();
    ResultTable::new(
        vec![
            ResultColumn::dimension("Orders.status", "Status"),
            revenue(),
        ],
        rows,
    )
}

fn of_kind(insights: &[Insight], kind: InsightKind) -> Vec<Insight> {
    insights
        .iter()
        .filter(|i| i.kind == kind)
        .cloned()
        .collect()
}

fn fact_value(i: &Insight, name: &str) -> Value {
    i.fact(name).map(|f| f.value.clone()).unwrap_or(Value::Null)
}

#[test]
fn change_between_the_last_two_periods() {
    let insights = compute_as_of(Intent::Trend, &monthly(&[700.0, 800.0, 900.0]), today());
    let change = &of_kind(&insights, InsightKind::Change)[0];
    assert_eq!(
        insights[0].kind,
        InsightKind::Change,
        "trend puts change first"
    );
    assert_eq!(fact_value(change, "change_pct"), json!(12.5));
    assert_eq!(
        change.text,
        "Revenue rose by 12.5% from 2024-02 to 2024-03 ($800.00 to $900.00)."
    );
    assert!(change.is_grounded());
}

#[test]
fn a_fall_and_a_zero_base() {
    let insights = compute_as_of(Intent::Trend, &monthly(&[1000.0, 750.0]), today());
    let change = &of_kind(&insights, InsightKind::Change)[0];
    assert_eq!(fact_value(change, "change_pct"), json!(-25.0));
    assert!(change.text.contains("fell by 25%"), "{}", change.text);
    let insights = compute_as_of(Intent::Trend, &monthly(&[0.0, 50.0]), today());
    let change = &of_kind(&insights, InsightKind::Change)[0];
    assert!(change.fact("change_pct").is_none());
    assert_eq!(
        change.text,
        "Revenue went from $0.00 in 2024-01 to $50.00 in 2024-02."
    );
}

#[test]
fn incomplete_last_period_is_left_out() {
    let table = monthly(&[100.0, 200.0, 300.0, 10.0]);
    // 2024-04 has not ended on 2024-04-15.
    let as_of = NaiveDate::from_ymd_opt(2024, 4, 15).unwrap_or_default();
    let insights = compute_as_of(Intent::Trend, &table, as_of);
    let change = &of_kind(&insights, InsightKind::Change)[0];
    assert_eq!(fact_value(change, "current_period"), json!("2024-03"));
    assert_eq!(fact_value(change, "change_pct"), json!(50.0));
    assert!(change
        .text
        .ends_with("2024-04 is not complete yet and is left out."));
    assert!(change.is_grounded());
}

#[test]
fn obvious_spike_is_an_anomaly() {
    let values = [100.0, 104.0, 98.0, 101.0, 99.0, 500.0, 102.0, 97.0];
    let insights = compute_as_of(Intent::Anomaly, &monthly(&values), today());
    assert_eq!(insights[0].kind, InsightKind::Anomaly);
    let anomalies = of_kind(&insights, InsightKind::Anomaly);
    assert_eq!(anomalies.len(), 1, "{anomalies:?}");
    let a = &anomalies[0];
    assert_eq!(fact_value(a, "period"), json!("2024-06"));
    assert_eq!(fact_value(a, "value"), json!(500.0));
    assert_eq!(fact_value(a, "median"), json!(100.5));
    assert!(fact_value(a, "z_score").as_f64().unwrap_or(0.0) > 3.5);
    assert!(a
        .text
        .starts_with("Revenue was unusually high in 2024-06: $500.00 against a median of $100.50"));
    assert!(a.is_grounded());
}

#[test]
fn flat_series_has_no_anomaly_and_does_not_crash() {
    let flat = monthly(&[42.0; 8]);
    let insights = compute_as_of(Intent::Anomaly, &flat, today());
    let anomalies = of_kind(&insights, InsightKind::Anomaly);
    assert_eq!(anomalies.len(), 1);
    assert_eq!(
        anomalies[0].text,
        "No unusual Revenue values across 8 periods (no robust z-score beyond 3.5)."
    );
    assert!(anomalies[0].is_grounded());
    let change = &of_kind(&insights, InsightKind::Change)[0];
    assert!(change.text.contains("was unchanged"));
    // Not asked about anomalies: nothing to say.
    let insights = compute_as_of(Intent::Trend, &flat, today());
    assert!(of_kind(&insights, InsightKind::Anomaly).is_empty());
}

#[test]
fn zero_mad_spike_is_still_found() {
    let insights = compute_as_of(
        Intent::Anomaly,
        &monthly(&[10.0, 10.0, 10.0, 10.0, 10.0, 50.0]),
        today(),
    );
    let a = of_kind(&insights, InsightKind::Anomaly);
    assert_eq!(a.len(), 1);
    assert_eq!(fact_value(&a[0], "period"), json!("2024-06"));
}

#[test]
fn top_and_bottom_contributors_with_shares() {
    let t = by_status(&[
        ("b", 30.0),
        ("a", 50.0),
        ("e", 5.0),
        ("c", 10.0),
        ("d", 5.0),
    ]);
    let insights = compute_as_of(Intent::TopN, &t, today());
    assert_eq!(insights[0].kind, InsightKind::Top);
    let top = &insights[0];
    assert_eq!(
        top.text,
        "Largest Status by Revenue: a ($50.00, 50% of the total), b ($30.00, 30% of the total), c ($10.00, 10% of the total)."
    );
    let bottom = &of_kind(&insights, InsightKind::Bottom)[0];
    assert_eq!(fact_value(bottom, "bottom_1_share_pct"), json!(5.0));
    assert_eq!(
        bottom
            .facts
            .iter()
            .filter(|f| f.name.ends_with("_value"))
            .count(),
        2
    );
    let total = &of_kind(&insights, InsightKind::Total)[0];
    assert_eq!(total.text, "Total Revenue: $100.00 across 5 Status values.");
}

#[test]
fn no_total_or_share_for_averages() {
    let avg = ResultColumn::measure("Orders.avg_value", "Average value").with_agg("avg");
    let rows = vec![
        json!({"Orders.status": "a", "Orders.avg_value": "10"}),
        json!({"Orders.status": "b", "Orders.avg_value": "30"}),
        json!({"Orders.status": "c", "Orders.avg_value": "20"}),
    ];
    let t = ResultTable::new(
        vec![ResultColumn::dimension("Orders.status", "Status"), avg],
        rows,
    );
    let insights = compute_as_of(Intent::Distribution, &t, today());
    assert!(of_kind(&insights, InsightKind::Total).is_empty());
    let top = &of_kind(&insights, InsightKind::Top)[0];
    assert_eq!(top.text, "Largest Status by Average value: b (30), c (20).");
    assert!(top.facts.iter().all(|f| !f.name.contains("share")));
}

#[test]
fn averages_split_by_a_dimension_are_not_summed_per_period() {
    let avg = ResultColumn::measure("Orders.avg_value", "Average value").with_agg("avg");
    let mut rows = Vec::new();
    for i in 0..3 {
        for s in ["a", "b"] {
            rows.push(json!({"Orders.created_at.month": month_value(i), "Orders.status": s, "Orders.avg_value": 10 + i}));
        }
    }
    let t = ResultTable::new(
        vec![
            month(),
            ResultColumn::dimension("Orders.status", "Status"),
            avg,
        ],
        rows,
    );
    let insights = compute_as_of(Intent::Trend, &t, today());
    assert!(of_kind(&insights, InsightKind::Change).is_empty());
}

#[test]
fn single_value_and_totals_over_time() {
    let t = ResultTable::new(vec![revenue()], vec![json!({"Orders.revenue": "1234.5"})]);
    let insights = compute(Intent::Metric, &t);
    assert_eq!(insights.len(), 1);
    assert_eq!(insights[0].text, "Revenue is $1,234.50.");
    let insights = compute_as_of(Intent::Metric, &monthly(&[1.0, 2.0, 3.5]), today());
    assert_eq!(insights[0].kind, InsightKind::Total);
    assert_eq!(
        insights[0].text,
        "Total Revenue: $6.50 over 3 periods, 2024-01 to 2024-03."
    );
}

#[test]
fn compared_date_ranges_give_a_change() {
    let range = ResultColumn::dimension(COMPARE_DATE_RANGE, "Date range");
    let rows = vec![
        json!({"Orders.revenue": "200", COMPARE_DATE_RANGE: "2024-02-01 – 2024-02-29"}),
        json!({"Orders.revenue": "160", COMPARE_DATE_RANGE: "2024-01-01 – 2024-01-31"}),
    ];
    let t = ResultTable::new(vec![revenue(), range], rows);
    let insights = compute_as_of(Intent::Comparison, &t, today());
    assert_eq!(insights[0].kind, InsightKind::Change);
    assert_eq!(fact_value(&insights[0], "change_pct"), json!(25.0));
    assert_eq!(
        fact_value(&insights[0], "previous_period"),
        json!("2024-01-01 – 2024-01-31")
    );
    assert!(insights[0].is_grounded());
}

#[test]
fn empty_result_has_no_insights() {
    assert!(compute(Intent::Trend, &monthly(&[])).is_empty());
}

#[test]
fn every_generated_insight_is_grounded() {
    let mut split_rows = Vec::new();
    for i in 0..9 {
        for (s, k) in [("web", 3.0), ("store", 1.0), ("phone 2", 0.5)] {
            let v = if i == 6 && s == "web" {
                9000.0
            } else {
                100.0 * k + i as f64 * 1.25
            };
            split_rows.push(json!({"Orders.created_at.month": month_value(i), "Orders.channel": s, "Orders.revenue": v}));
        }
    }
    let split = ResultTable::new(
        vec![
            month(),
            ResultColumn::dimension("Orders.channel", "Channel 2"),
            revenue(),
        ],
        split_rows,
    );
    let tables = [
        monthly(&[100.0, 104.0, 98.0, 101.0, 99.0, 500.0, 102.0, 97.0]),
        monthly(&[3.0, 3.0, 3.0, 3.0, 3.0]),
        monthly(&[1234.5678, 0.0, -50.25]),
        by_status(&[("2024 plan", 12.0), ("b", 1.0), ("c", 1e7)]),
        split,
    ];
    let mut count = 0;
    for t in &tables {
        for intent in [Intent::Metric, Intent::Trend, Intent::Anomaly, Intent::TopN] {
            for i in compute_as_of(intent, t, today()) {
                assert!(i.is_grounded(), "not grounded: {} / {:?}", i.text, i.facts);
                count += 1;
            }
        }
    }
    assert!(count > 20, "{count}");
}

#[test]
fn invented_numbers_are_rejected() {
    let insights = compute_as_of(Intent::Trend, &monthly(&[800.0, 900.0]), today());
    let change = &of_kind(&insights, InsightKind::Change)[0];
    assert_eq!(
        change.fact("change_pct").map(|f| f.formatted.as_str()),
        Some("+12.5%")
    );
    assert!(!change.grounds("Revenue grew 42% last month."));
    assert!(!change.grounds("Revenue grew 12.5% to $950.00."));
    assert!(change.grounds("Revenue grew 12.5% in 2024-02, reaching $900.00."));
    assert_eq!(numbers_in("Revenue grew 42% last month."), vec!["42%"]);
}

#[test]
fn shares_of_limited_rows_are_of_the_rows_shown() {
    let mut t = by_status(&[("paid", 60.0), ("cancelled", 30.0), ("refunded", 10.0)]);
    let all = compute_as_of(Intent::Distribution, &t, today());
    let top = &of_kind(&all, InsightKind::Top)[0];
    assert!(top.text.contains("of the total"), "{}", top.text);
    t.limited = true;
    let shown = compute_as_of(Intent::TopN, &t, today());
    let top = &of_kind(&shown, InsightKind::Top)[0];
    assert!(top.text.contains("of the rows shown"), "{}", top.text);
    assert!(!top.text.contains("of the total"), "{}", top.text);
    let total = &of_kind(&shown, InsightKind::Total)[0];
    assert!(total.text.contains("of the rows shown"), "{}", total.text);
    assert!(
        of_kind(&shown, InsightKind::Bottom).is_empty(),
        "the smallest of some rows are not the smallest"
    );
}

#[test]
fn a_bottom_n_is_reported_as_the_smallest() {
    let mut t = by_status(&[("refunded", 10.0), ("cancelled", 30.0), ("paid", 60.0)]);
    t.limited = true;
    t.smallest_first = true;
    let insights = compute_as_of(Intent::TopN, &t, today());
    assert!(
        of_kind(&insights, InsightKind::Top).is_empty(),
        "{insights:?}"
    );
    let bottom = &of_kind(&insights, InsightKind::Bottom)[0];
    assert!(bottom.text.starts_with("Smallest"), "{}", bottom.text);
    assert_eq!(
        bottom.fact("bottom_1").map(|f| f.formatted.as_str()),
        Some("refunded")
    );
}

#[test]
fn the_current_period_is_partial_not_a_drop() {
    let t = monthly(&[100.0, 110.0, 120.0, 5.0]);
    // 2024-04 has not ended on April 10th.
    let today = NaiveDate::from_ymd_opt(2024, 4, 10).unwrap_or_default();
    let insights = compute_as_of(Intent::Trend, &t, today);
    let change = &of_kind(&insights, InsightKind::Change)[0];
    assert!(change.fact("partial_period").is_some(), "{change:?}");
    assert!(!change.text.contains("-95"), "{}", change.text);
}
