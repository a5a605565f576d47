//! Chart recommendation checked structurally on many result shapes.

use serde_json::{json, Value};

use super::{recommend, Chart};
use crate::intent::{ChartType, Intent};
use crate::table::{ResultColumn, ResultTable, COMPARE_DATE_RANGE};

fn revenue() -> ResultColumn {
    ResultColumn::measure("Orders.revenue", "Orders Revenue")
        .with_format("currency")
        .with_agg("sum")
}

fn count() -> ResultColumn {
    ResultColumn::measure("Orders.count", "Orders Count").with_agg("count")
}

fn month() -> ResultColumn {
    ResultColumn::time("Orders.created_at.month", "Orders Created at", "month")
}

fn status() -> ResultColumn {
    ResultColumn::dimension("Orders.status", "Orders Status")
}

fn month_value(i: usize) -> String {
    format!("{}-{:02}-01T00:00:00.000", 2024 + i / 12, i % 12 + 1)
}

/// `n` months of revenue (as Cube's numeric strings) and counts.
fn monthly(n: usize) -> ResultTable {
    let rows = (0..n)
        .map(|i| {
            json!({"Orders.created_at.month": month_value(i),
                   "Orders.revenue": format!("{}.50", 1000 + 10 * i), "Orders.count": 10 + i})
        })
        .collect();
    ResultTable::new(vec![month(), revenue(), count()], rows)
}

/// Categories `Cat 0`.. with revenue `values`.
fn by_category(values: &[f64]) -> ResultTable {
    let rows = values
        .iter()
        .enumerate()
        .map(|(i, v)| json!({"Orders.status": format!("Cat {i}"), "Orders.revenue": v}))
        .collect();
    ResultTable::new(vec![status(), revenue()], rows)
}

fn only(table: &ResultTable, members: &[&str]) -> ResultTable {
    let mut t = table.clone();
    t.columns.retain(|c| members.contains(&c.member.as_str()));
    t
}

fn series_types(c: &Chart) -> Vec<String> {
    c.option["series"]
        .as_array()
        .map(|s| {
            s.iter()
                .map(|s| s["type"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn axis_types(c: &Chart, axis: &str) -> Vec<String> {
    match &c.option[axis] {
        Value::Array(a) => a
            .iter()
            .map(|a| a["type"].as_str().unwrap_or("").to_owned())
            .collect(),
        Value::Object(o) => vec![o["type"].as_str().unwrap_or("").to_owned()],
        _ => vec![],
    }
}

/// Asserts chart type, series count and types, and axis types; and the
/// parts every option has.
fn check(c: &Chart, chart: ChartType, series: &[&str], x: &[&str], y: &[&str]) {
    assert_eq!(c.chart_type, chart, "chart type; note: {:?}", c.note);
    assert_eq!(series_types(c), series, "series of {}", c.option);
    assert_eq!(axis_types(c, "xAxis"), x, "xAxis of {}", c.option);
    assert_eq!(axis_types(c, "yAxis"), y, "yAxis of {}", c.option);
    assert!(c.option["title"]["text"].is_string());
    assert!(c.option["tooltip"].is_object());
    assert!(c.option["series"].is_array());
    for s in c.option["series"].as_array().into_iter().flatten() {
        assert!(s["name"].is_string() && s["data"].is_array(), "series {s}");
    }
    if series.len() > 1 {
        assert_eq!(
            c.option["legend"]["data"].as_array().map(Vec::len),
            Some(series.len())
        );
    }
}

#[test]
fn single_number() {
    let t = ResultTable::new(vec![revenue()], vec![json!({"Orders.revenue": "1234.5"})]);
    let c = recommend(Intent::Metric, &t, None);
    check(&c, ChartType::Number, &[], &[], &[]);
    assert_eq!(c.option["title"]["text"], "$1,234.50");
    assert_eq!(c.columns["series"][0]["data"], json!([1234.5]));
}

#[test]
fn percent_gauge() {
    let rate =
        ResultColumn::measure("Orders.completion_rate", "Completion Rate").with_format("percent");
    let t = ResultTable::new(vec![rate], vec![json!({"Orders.completion_rate": 62.5})]);
    let c = recommend(Intent::Metric, &t, None);
    check(&c, ChartType::Gauge, &["gauge"], &[], &[]);
    assert_eq!(c.option["series"][0]["max"], json!(100.0));
    assert_eq!(c.option["series"][0]["detail"]["formatter"], "{value}%");
}

#[test]
fn time_series_one_measure() {
    let t = only(&monthly(12), &["Orders.created_at.month", "Orders.revenue"]);
    let c = recommend(Intent::Trend, &t, None);
    check(&c, ChartType::Line, &["line"], &["time"], &["value"]);
    assert_eq!(c.option["yAxis"]["axisLabel"]["formatter"], "${value}");
    assert_eq!(
        c.option["series"][0]["data"][0],
        json!(["2024-01-01T00:00:00.000", 1000.5])
    );
    assert!(c.option.get("legend").is_none());
    assert_eq!(c.columns["x"]["type"], "time");
    assert_eq!(
        c.columns["series"][0]["data"].as_array().map(Vec::len),
        Some(12)
    );
}

#[test]
fn time_series_two_measures_get_two_axes() {
    let c = recommend(Intent::Trend, &monthly(6), None);
    check(
        &c,
        ChartType::Line,
        &["line", "line"],
        &["time"],
        &["value", "value"],
    );
    assert_eq!(c.option["series"][1]["yAxisIndex"], 1);
    assert_eq!(c.option["yAxis"][0]["axisLabel"]["formatter"], "${value}");
}

#[test]
fn time_series_split_by_dimension() {
    let mut rows = Vec::new();
    for i in 0..4 {
        for s in ["completed", "shipped", "returned"] {
            rows.push(json!({"Orders.created_at.month": month_value(i), "Orders.status": s, "Orders.count": i + 1}));
        }
    }
    // One status is missing in the last month: a gap, not a shift.
    rows.pop();
    let t = ResultTable::new(vec![month(), status(), count()], rows);
    let c = recommend(Intent::Trend, &t, None);
    check(
        &c,
        ChartType::Line,
        &["line", "line", "line"],
        &["time"],
        &["value"],
    );
    let returned = c.option["series"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "returned"))
        .cloned();
    assert_eq!(returned.map(|s| s["data"][3][1].clone()), Some(Value::Null));
    assert!(c.note.is_none());
}

#[test]
fn split_with_many_values_is_capped() {
    let mut rows = Vec::new();
    for i in 0..3 {
        for s in 0..14 {
            rows.push(json!({"Orders.created_at.month": month_value(i), "Orders.status": format!("s{s}"), "Orders.count": s}));
        }
    }
    let t = ResultTable::new(vec![month(), status(), count()], rows);
    let c = recommend(Intent::Trend, &t, None);
    check(&c, ChartType::Line, &["line"; 10], &["time"], &["value"]);
    assert_eq!(c.option["series"][0]["name"], "s13");
    assert_eq!(
        c.note.as_deref(),
        Some("Showing the 10 largest of 14 Orders Status values.")
    );
}

#[test]
fn category_bar() {
    let c = recommend(Intent::Metric, &by_category(&[5.0, 3.0, 9.0, 1.0]), None);
    check(&c, ChartType::Bar, &["bar"], &["category"], &["value"]);
    assert_eq!(
        c.option["xAxis"]["data"],
        json!(["Cat 0", "Cat 1", "Cat 2", "Cat 3"])
    );
    assert_eq!(c.option["series"][0]["data"], json!([5.0, 3.0, 9.0, 1.0]));
}

#[test]
fn top_n_bar_is_sorted() {
    let c = recommend(Intent::TopN, &by_category(&[5.0, 3.0, 9.0, 1.0]), None);
    check(&c, ChartType::Bar, &["bar"], &["category"], &["value"]);
    assert_eq!(
        c.option["xAxis"]["data"],
        json!(["Cat 2", "Cat 0", "Cat 1", "Cat 3"])
    );
    assert_eq!(c.option["series"][0]["data"], json!([9.0, 5.0, 3.0, 1.0]));
    // Already ordered (a "bottom 3"): the order is kept.
    let c = recommend(Intent::TopN, &by_category(&[1.0, 2.0, 3.0]), None);
    assert_eq!(c.option["series"][0]["data"], json!([1.0, 2.0, 3.0]));
}

#[test]
fn many_categories_make_a_horizontal_bar() {
    let values: Vec<f64> = (0..20).map(f64::from).collect();
    let c = recommend(Intent::Metric, &by_category(&values), None);
    check(&c, ChartType::Bar, &["bar"], &["value"], &["category"]);
    assert_eq!(c.option["yAxis"]["inverse"], true);
    assert_eq!(c.option["xAxis"]["axisLabel"]["formatter"], "${value}");
}

#[test]
fn long_labels_make_a_horizontal_bar() {
    let rows = vec![
        json!({"Orders.status": "A very long category label indeed", "Orders.revenue": 1}),
        json!({"Orders.status": "short", "Orders.revenue": 2}),
    ];
    let c = recommend(
        Intent::Metric,
        &ResultTable::new(vec![status(), revenue()], rows),
        None,
    );
    check(&c, ChartType::Bar, &["bar"], &["value"], &["category"]);
}

#[test]
fn pie_with_four_parts() {
    let c = recommend(
        Intent::Distribution,
        &by_category(&[5.0, 3.0, 9.0, 1.0]),
        None,
    );
    check(&c, ChartType::Pie, &["pie"], &[], &[]);
    assert_eq!(
        c.option["series"][0]["data"][2],
        json!({"name": "Cat 2", "value": 9.0})
    );
    assert_eq!(c.option["legend"]["data"].as_array().map(Vec::len), Some(4));
    assert_eq!(c.option["tooltip"]["trigger"], "item");
}

#[test]
fn requested_pie_with_twenty_parts_is_a_bar() {
    let values: Vec<f64> = (1..=20).map(f64::from).collect();
    let c = recommend(
        Intent::Distribution,
        &by_category(&values),
        Some(ChartType::Pie),
    );
    check(&c, ChartType::Bar, &["bar"], &["value"], &["category"]);
    let note = c.note.unwrap_or_default();
    assert!(
        note.contains("at most 7 parts") && note.contains("20"),
        "{note}"
    );
}

#[test]
fn requested_pie_with_negative_values_is_a_bar() {
    let c = recommend(
        Intent::Metric,
        &by_category(&[5.0, -3.0, 9.0]),
        Some(ChartType::Pie),
    );
    check(&c, ChartType::Bar, &["bar"], &["category"], &["value"]);
    assert!(c.note.unwrap_or_default().contains("negative"));
}

#[test]
fn requested_pie_of_an_average_is_a_bar() {
    let avg = ResultColumn::measure("Orders.avg_value", "Average Value").with_agg("avg");
    let rows = vec![
        json!({"Orders.status": "a", "Orders.avg_value": 3}),
        json!({"Orders.status": "b", "Orders.avg_value": 4}),
    ];
    let c = recommend(
        Intent::Distribution,
        &ResultTable::new(vec![status(), avg], rows),
        Some(ChartType::Pie),
    );
    check(&c, ChartType::Bar, &["bar"], &["category"], &["value"]);
    assert!(c.note.unwrap_or_default().contains("not a sum or a count"));
}

#[test]
fn distribution_over_many_parts_is_a_bar() {
    let values: Vec<f64> = (1..=9).map(f64::from).collect();
    let c = recommend(Intent::Distribution, &by_category(&values), None);
    check(&c, ChartType::Bar, &["bar"], &["category"], &["value"]);
    assert!(c.note.is_none());
}

#[test]
fn scatter_of_two_measures_by_category() {
    let rows = (0..8)
        .map(|i| json!({"Orders.status": format!("c{i}"), "Orders.revenue": format!("{}", 100 * i), "Orders.count": i}))
        .collect();
    let t = ResultTable::new(vec![status(), revenue(), count()], rows);
    let c = recommend(Intent::Metric, &t, None);
    check(&c, ChartType::Scatter, &["scatter"], &["value"], &["value"]);
    assert_eq!(
        c.option["series"][0]["data"][3],
        json!({"name": "c3", "value": [300.0, 3.0]})
    );
    assert_eq!(c.option["xAxis"]["axisLabel"]["formatter"], "${value}");
    assert_eq!(c.columns["labels"][3], "c3");
    // A top-N of two measures stays a grouped bar.
    let c = recommend(Intent::TopN, &t, None);
    check(
        &c,
        ChartType::Bar,
        &["bar", "bar"],
        &["category"],
        &["value", "value"],
    );
}

#[test]
fn heatmap_of_two_dimensions() {
    let region = ResultColumn::dimension("Users.region", "Users Region");
    let mut rows = Vec::new();
    for s in ["a", "b", "c"] {
        for r in ["north", "south"] {
            rows.push(json!({"Orders.status": s, "Users.region": r, "Orders.count": 7}));
        }
    }
    let t = ResultTable::new(vec![status(), region, count()], rows);
    let c = recommend(Intent::Distribution, &t, None);
    check(
        &c,
        ChartType::Heatmap,
        &["heatmap"],
        &["category"],
        &["category"],
    );
    assert_eq!(c.option["visualMap"]["max"], json!(7.0));
    assert_eq!(
        c.option["series"][0]["data"].as_array().map(Vec::len),
        Some(6)
    );
    assert_eq!(c.option["yAxis"]["data"], json!(["north", "south"]));
    // The same data as bars: one series per region.
    let c = recommend(Intent::Distribution, &t, Some(ChartType::Bar));
    check(
        &c,
        ChartType::Bar,
        &["bar", "bar"],
        &["category"],
        &["value"],
    );
    assert!(c.note.is_none());
}

#[test]
fn no_measure_is_a_table() {
    let rows = vec![json!({"Orders.status": "a"}), json!({"Orders.status": "b"})];
    let c = recommend(
        Intent::Metric,
        &ResultTable::new(vec![status()], rows),
        None,
    );
    check(&c, ChartType::Table, &[], &[], &[]);
    assert_eq!(c.columns["table"][0]["values"], json!(["a", "b"]));
    let c = recommend(
        Intent::Metric,
        &ResultTable::new(vec![status()], vec![]),
        Some(ChartType::Bar),
    );
    check(&c, ChartType::Table, &[], &[], &[]);
    assert!(c.note.is_some());
}

#[test]
fn ungrouped_listing_is_a_table() {
    let id = ResultColumn::dimension("Orders.id", "Orders Id").with_type("number");
    let rows = (0..30)
        .map(|i| json!({"Orders.id": i, "Orders.status": "a", "Orders.revenue": i}))
        .collect();
    let mut t = ResultTable::new(vec![id, status(), revenue()], rows);
    t.ungrouped = true;
    let c = recommend(Intent::Metric, &t, None);
    check(&c, ChartType::Table, &[], &[], &[]);
    assert_eq!(c.columns["table"].as_array().map(Vec::len), Some(3));
}

#[test]
fn requested_line_on_categories_is_a_bar() {
    let c = recommend(
        Intent::Metric,
        &by_category(&[1.0, 2.0, 4.0]),
        Some(ChartType::Line),
    );
    check(&c, ChartType::Bar, &["bar"], &["category"], &["value"]);
    let note = c.note.unwrap_or_default();
    assert!(
        note.contains("needs a time dimension") && note.contains("bar chart"),
        "{note}"
    );
}

#[test]
fn requested_area_on_a_time_series() {
    let t = only(&monthly(5), &["Orders.created_at.month", "Orders.count"]);
    let c = recommend(Intent::Trend, &t, Some(ChartType::Area));
    check(&c, ChartType::Area, &["line"], &["time"], &["value"]);
    assert!(c.option["series"][0]["areaStyle"].is_object());
    assert!(c.note.is_none());
}

#[test]
fn cumulative_measure_is_an_area() {
    let m = ResultColumn::measure("Orders.cumulative_revenue", "Cumulative Revenue")
        .with_agg("running_total");
    let rows = (0..4).map(|i| json!({"Orders.created_at.month": month_value(i), "Orders.cumulative_revenue": i * 10})).collect();
    let c = recommend(
        Intent::Trend,
        &ResultTable::new(vec![month(), m], rows),
        None,
    );
    check(&c, ChartType::Area, &["line"], &["time"], &["value"]);
}

#[test]
fn requested_bar_on_a_time_series_uses_period_labels() {
    let t = only(&monthly(3), &["Orders.created_at.month", "Orders.count"]);
    let c = recommend(Intent::Trend, &t, Some(ChartType::Bar));
    check(&c, ChartType::Bar, &["bar"], &["category"], &["value"]);
    assert_eq!(
        c.option["xAxis"]["data"],
        json!(["2024-01", "2024-02", "2024-03"])
    );
}

#[test]
fn empty_result_is_a_table_with_a_note() {
    let t = ResultTable::new(vec![month(), revenue()], vec![]);
    let c = recommend(Intent::Trend, &t, None);
    check(&c, ChartType::Table, &[], &[], &[]);
    assert_eq!(c.note.as_deref(), Some("The query returned no rows."));
    let c = recommend(Intent::Trend, &t, Some(ChartType::Line));
    check(&c, ChartType::Table, &[], &[], &[]);
    assert!(c.note.unwrap_or_default().contains("no rows"));
}

#[test]
fn compare_date_ranges_are_aligned_series() {
    let range = ResultColumn::dimension(COMPARE_DATE_RANGE, "Date range");
    let mut rows = Vec::new();
    for (r, start) in [
        ("2024-01-01 – 2024-03-31", 0),
        ("2024-04-01 – 2024-06-30", 3),
    ] {
        for i in 0..3 {
            rows.push(json!({"Orders.created_at.month": month_value(start + i), COMPARE_DATE_RANGE: r, "Orders.count": i + start}));
        }
    }
    let t = ResultTable::new(vec![month(), count(), range], rows);
    let c = recommend(Intent::Comparison, &t, None);
    check(
        &c,
        ChartType::Line,
        &["line", "line"],
        &["category"],
        &["value"],
    );
    assert_eq!(c.option["series"][0]["name"], "2024-01-01 – 2024-03-31");
    assert_eq!(c.option["series"][1]["data"], json!([3.0, 4.0, 5.0]));
}

#[test]
fn one_row_of_several_measures_is_a_bar_of_measures() {
    let t = ResultTable::new(
        vec![count(), revenue()],
        vec![json!({"Orders.count": "12", "Orders.revenue": "99.5"})],
    );
    let c = recommend(Intent::Metric, &t, None);
    check(&c, ChartType::Bar, &["bar"], &["category"], &["value"]);
    assert_eq!(
        c.option["xAxis"]["data"],
        json!(["Orders Count", "Orders Revenue"])
    );
    assert_eq!(c.option["series"][0]["data"], json!([12.0, 99.5]));
}

#[test]
fn three_dimensions_are_a_table() {
    let a = ResultColumn::dimension("A.a", "A");
    let b = ResultColumn::dimension("B.b", "B");
    let rows = vec![json!({"A.a": "x", "B.b": "y", "Orders.status": "z", "Orders.count": 1})];
    let t = ResultTable::new(vec![a, b, status(), count()], rows);
    let c = recommend(Intent::Metric, &t, None);
    check(&c, ChartType::Table, &[], &[], &[]);
}

#[test]
fn time_by_dimension_heatmap_when_requested() {
    let mut rows = Vec::new();
    for i in 0..3 {
        for s in ["a", "b"] {
            rows.push(json!({"Orders.created_at.month": month_value(i), "Orders.status": s, "Orders.count": i}));
        }
    }
    let t = ResultTable::new(vec![month(), status(), count()], rows);
    let c = recommend(Intent::Trend, &t, Some(ChartType::Heatmap));
    check(
        &c,
        ChartType::Heatmap,
        &["heatmap"],
        &["category"],
        &["category"],
    );
    assert_eq!(
        c.option["xAxis"]["data"],
        json!(["2024-01", "2024-02", "2024-03"])
    );
}

#[test]
fn options_serialize_without_non_finite_numbers() {
    let rows = vec![
        json!({"Orders.status": "a", "Orders.revenue": "NaN"}),
        json!({"Orders.status": "b", "Orders.revenue": 2}),
    ];
    let c = recommend(
        Intent::Metric,
        &ResultTable::new(vec![status(), revenue()], rows),
        None,
    );
    check(&c, ChartType::Bar, &["bar"], &["category"], &["value"]);
    assert_eq!(c.option["series"][0]["data"], json!([null, 2.0]));
    assert!(serde_json::to_string(&c).is_ok());
}

#[test]
fn alternatives_follow_the_shape() {
    let names = |t: &ResultTable| -> Vec<&'static str> {
        let mut n: Vec<&str> = recommend(Intent::Metric, t, None)
            .alternatives
            .into_iter()
            .map(ChartType::as_str)
            .collect();
        n.sort_unstable();
        n
    };
    assert_eq!(
        names(&only(
            &monthly(12),
            &["Orders.created_at.month", "Orders.revenue"]
        )),
        ["area", "bar", "line", "table"]
    );
    assert_eq!(
        names(&by_category(&[5.0, 3.0, 2.0])),
        ["bar", "pie", "table"]
    );
    let many: Vec<f64> = (1..=9).map(f64::from).collect();
    assert!(
        !names(&by_category(&many)).contains(&"pie"),
        "9 parts are too many"
    );
    assert_eq!(names(&ResultTable::new(vec![revenue()], vec![])), ["table"]);
}
