//! Charts that do not mislead: units on their own axes, alternatives, and
//! labels without the cube's name.

use serde_json::json;

use super::recommend;
use crate::intent::{ChartType, Intent};
use crate::table::{ResultColumn, ResultTable};
use crate::Catalog;

fn status() -> ResultColumn {
    ResultColumn::dimension("Orders.status", "Orders Status")
}

fn revenue() -> ResultColumn {
    ResultColumn::measure("Orders.revenue", "Orders Revenue")
        .with_format("currency")
        .with_agg("sum")
}

fn count() -> ResultColumn {
    ResultColumn::measure("Orders.count", "Orders Count").with_agg("count")
}

fn rate() -> ResultColumn {
    ResultColumn::measure("Orders.rate", "Orders Rate").with_format("percent")
}

fn three_units() -> ResultTable {
    let rows = ["paid", "cancelled", "refunded"]
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({"Orders.status": s, "Orders.revenue": 1000.0 * (i as f64 + 1.0),
                   "Orders.count": 10 + i, "Orders.rate": 2.5 * i as f64})
        })
        .collect();
    ResultTable::new(vec![status(), revenue(), count(), rate()], rows)
}

#[test]
fn different_units_never_share_an_axis() {
    let chart = recommend(Intent::Distribution, &three_units(), Some(ChartType::Bar));
    assert_eq!(chart.chart_type, ChartType::Bar);
    let axes = chart.option["yAxis"].as_array().expect("one axis per unit");
    assert_eq!(axes.len(), 3, "{}", chart.option);
    let series = chart.option["series"].as_array().expect("series");
    let axis_of = |i: usize| series[i]["yAxisIndex"].as_u64().unwrap_or(0);
    assert_eq!((axis_of(0), axis_of(1), axis_of(2)), (0, 1, 2));
    // Two measures of one unit share one axis.
    let mut same = three_units();
    same.columns
        .retain(|c| c.member != "Orders.rate" && c.member != "Orders.revenue");
    same.columns
        .push(ResultColumn::measure("Orders.items", "Items").with_agg("sum"));
    let chart = recommend(Intent::Distribution, &same, Some(ChartType::Bar));
    assert!(
        chart.option["yAxis"].is_object(),
        "{}",
        chart.option["yAxis"]
    );
}

#[test]
fn alternatives_list_the_types_that_fit() {
    let mut t = three_units();
    t.columns
        .retain(|c| c.member != "Orders.rate" && c.member != "Orders.count");
    let chart = recommend(Intent::Distribution, &t, None);
    assert_eq!(chart.alternatives.first(), Some(&chart.chart_type));
    for c in [ChartType::Bar, ChartType::Pie, ChartType::Table] {
        assert!(chart.alternatives.contains(&c), "{:?}", chart.alternatives);
    }
    assert!(
        !chart.alternatives.contains(&ChartType::Line),
        "no time axis"
    );
    let listing = ResultTable {
        ungrouped: true,
        ..t
    };
    let chart = recommend(Intent::Distribution, &listing, None);
    assert_eq!(chart.alternatives, [ChartType::Table]);
}

#[test]
fn titles_leave_the_cube_name_out() {
    let model = strata_demo::model().expect("demo model");
    let catalog = Catalog::from_model(&model);
    let table = ResultTable::new(
        vec![
            ResultColumn::dimension("Orders.status", "Orders Status"),
            ResultColumn::measure("Orders.count", "Orders Number of Orders"),
            ResultColumn::measure("Orders.average_order_value", "Orders Count"),
            ResultColumn::measure("Products.count", "Products Count"),
        ],
        vec![],
    )
    .with_catalog(&catalog);
    let titles: Vec<&str> = table.columns.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles[..2], ["Status", "Number of Orders"]);
    // Two columns would both read "Count": they keep their cube.
    assert_eq!(titles[2..], ["Orders Count", "Products Count"]);
}

#[test]
fn a_bottom_n_is_titled_as_the_smallest() {
    let mut t = three_units();
    t.columns
        .retain(|c| c.member != "Orders.rate" && c.member != "Orders.count");
    t.limited = true;
    t.smallest_first = true;
    let chart = recommend(Intent::TopN, &t, None);
    let title = chart.option["title"]["text"].as_str().unwrap_or_default();
    assert!(title.starts_with("Smallest 3"), "{title}");
}

#[test]
fn compared_ranges_without_a_granularity_are_bars_not_a_table() {
    use crate::table::COMPARE_DATE_RANGE;
    let range = ResultColumn::dimension(COMPARE_DATE_RANGE, "Date range");
    let rows = vec![
        json!({COMPARE_DATE_RANGE: "2024-01-01 – 2024-01-31", "Orders.count": 10}),
        json!({COMPARE_DATE_RANGE: "2024-02-01 – 2024-02-29", "Orders.count": 12}),
    ];
    let t = ResultTable::new(vec![count(), range], rows);
    let chart = recommend(Intent::Comparison, &t, None);
    assert_eq!(chart.chart_type, ChartType::Bar);
    // Long labels: horizontal bars, the ranges on the vertical axis.
    assert_eq!(
        chart.option["yAxis"]["data"],
        json!(["2024-01-01 – 2024-01-31", "2024-02-01 – 2024-02-29"])
    );
}
