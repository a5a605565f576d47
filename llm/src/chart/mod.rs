//! Chart recommendation: the chart that fits a result's shape and the
//! question's intent, as a complete ECharts `option` plus chart-ready columns.
//!
//! The rules ([`recommend`]):
//!
//! * one row of one measure → a [`Number`](ChartType::Number), or a
//!   [`Gauge`](ChartType::Gauge) for a percent;
//! * a time dimension → a [`Line`](ChartType::Line) (an
//!   [`Area`](ChartType::Area) for cumulative measures), one series per
//!   measure, or per value of one splitting dimension (the 10 largest), or
//!   per date range of a `compareDateRange` comparison;
//! * one category dimension → a [`Bar`](ChartType::Bar), horizontal for many
//!   categories or long labels, sorted for top-N questions; a
//!   [`Pie`](ChartType::Pie) only for a distribution of at most 7
//!   non-negative parts of a sum or count;
//! * two measures (by a category or ungrouped) → a
//!   [`Scatter`](ChartType::Scatter);
//! * two dimensions and a measure → a [`Heatmap`](ChartType::Heatmap);
//! * no measure, an ungrouped listing, no rows or anything else → a
//!   [`Table`](ChartType::Table).
//!
//! A requested chart is honoured when it can show the data; otherwise the
//! rules pick and [`Chart::note`] says why.

mod echarts;
pub(crate) mod format;
mod frame;
#[cfg(test)]
mod honesty_tests;
mod partial;
mod recommend;
#[cfg(test)]
mod tests;

use serde::Serialize;
use serde_json::Value;

use crate::intent::{ChartType, Intent};
use crate::table::ResultTable;

pub use format::{axis_formatter, format_value};
pub use frame::MAX_SPLIT_SERIES;
pub use partial::mark_partial_period;
pub use recommend::{
    HORIZONTAL_CATEGORIES, HORIZONTAL_LABEL_CHARS, MAX_BAR_CATEGORIES, MAX_PIE_PARTS,
};

/// A recommended chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// The kind of chart.
    pub chart_type: ChartType,
    /// A complete ECharts `option`: `title`, `tooltip`, `legend` (with more
    /// than one series), `grid`, `xAxis`/`yAxis` (for axis charts), `series`
    /// and, for heatmaps, `visualMap`. Numbers and tables are drawn by the
    /// client from `columns`: their option has a title and no series.
    pub option: Value,
    /// Chart-ready columns, the same data as the option in plain form:
    /// `{"x": {"member", "title", "type", "values"} | null,
    ///   "y": {...} | null (heatmaps),
    ///   "series": [{"name", "member", "split", "format", "data": [...]}]}`.
    /// `data` is aligned with `x.values` (raw time values for time axes,
    /// labels for category axes, the first measure for scatter plots, which
    /// also carry `"labels"`; `[x index, y index, value]` cells for
    /// heatmaps). Tables add `"table": [{"member", "title", "role",
    /// "format", "values"}]`.
    pub columns: Value,
    /// Why a requested chart was not used, or what was left out.
    pub note: Option<String>,
    /// The chart types that can show this result, the chosen one first
    /// (for a type switch).
    pub alternatives: Vec<ChartType>,
}

/// The chart for `table`, answering a question of `intent`, honouring the
/// `requested` chart type when it can show the data.
pub fn recommend(intent: Intent, table: &ResultTable, requested: Option<ChartType>) -> Chart {
    let shape = recommend::Shape::of(table);
    let (chart_type, choice_note) = recommend::choose(intent, &shape, table, requested);
    let built = echarts::build(chart_type, intent, &shape, table);
    let note = match (choice_note, built.note) {
        (Some(a), Some(b)) => Some(format!("{a} {b}")),
        (a, b) => a.or(b),
    };
    Chart {
        chart_type,
        option: built.option,
        columns: built.columns,
        note,
        alternatives: recommend::alternatives(chart_type, &shape, table),
    }
}
