//! What a question asks for, which shapes both the query and the chart.

use serde::{Deserialize, Serialize};

/// The kind of analysis a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Intent {
    /// One or a few numbers: "how many users", "total revenue".
    Metric,
    /// A measure over time: "growth over time", "revenue by month".
    Trend,
    /// Two periods side by side: "this month vs last month" (`compareDateRange`).
    Comparison,
    /// Unusual points in a time series: "any anomalies in orders".
    Anomaly,
    /// How a measure splits across a dimension: "revenue by channel".
    Distribution,
    /// The largest or smallest few: "top 5 products by revenue".
    TopN,
}

impl Intent {
    /// The name used in API responses (`"trend"`, `"top_n"`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Metric => "metric",
            Intent::Trend => "trend",
            Intent::Comparison => "comparison",
            Intent::Anomaly => "anomaly",
            Intent::Distribution => "distribution",
            Intent::TopN => "top_n",
        }
    }
}

/// A chart kind, as recommended or as asked for ("as a bar chart").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChartType {
    /// A single big number.
    Number,
    /// A gauge for one value against a scale.
    Gauge,
    /// Lines over time.
    Line,
    /// Filled lines over time.
    Area,
    /// Bars per category.
    Bar,
    /// Parts of a whole.
    Pie,
    /// Two measures against each other.
    Scatter,
    /// Two dimensions and a measure as colour.
    Heatmap,
    /// Plain rows and columns.
    Table,
}

impl ChartType {
    /// The name used in API responses (`"line"`, `"bar"`...).
    pub fn as_str(self) -> &'static str {
        match self {
            ChartType::Number => "number",
            ChartType::Gauge => "gauge",
            ChartType::Line => "line",
            ChartType::Area => "area",
            ChartType::Bar => "bar",
            ChartType::Pie => "pie",
            ChartType::Scatter => "scatter",
            ChartType::Heatmap => "heatmap",
            ChartType::Table => "table",
        }
    }
}
