//! Which chart fits a result: the rules from the result's shape and the
//! question's intent, and whether a requested chart can show the data.

use crate::intent::{ChartType, Intent};
use crate::table::{ResultColumn, ResultTable, COMPARE_DATE_RANGE};

/// Most parts a pie chart shows.
pub const MAX_PIE_PARTS: usize = 7;
/// Most categories a bar chart shows; more become a table.
pub const MAX_BAR_CATEGORIES: usize = 50;
/// More categories than this make bars horizontal.
pub const HORIZONTAL_CATEGORIES: usize = 10;
/// Labels longer than this (in characters) make bars horizontal.
pub const HORIZONTAL_LABEL_CHARS: usize = 16;

/// The columns of a result, by what they can be on a chart.
#[derive(Debug, Clone)]
pub(crate) struct Shape<'a> {
    /// Row count.
    pub rows: usize,
    /// Measure columns.
    pub measures: Vec<&'a ResultColumn>,
    /// Category dimensions (not the compare column).
    pub dims: Vec<&'a ResultColumn>,
    /// The time column (the first, when several).
    pub time: Option<&'a ResultColumn>,
    /// The `compareDateRange` column of a comparison.
    pub compare: Option<&'a ResultColumn>,
    /// Ungrouped listing.
    pub ungrouped: bool,
}

impl<'a> Shape<'a> {
    /// The shape of `table`. Extra time columns count as dimensions.
    pub fn of(table: &'a ResultTable) -> Shape<'a> {
        let times = table.times();
        let mut dims: Vec<&ResultColumn> = table
            .dimensions()
            .into_iter()
            .filter(|d| d.member != COMPARE_DATE_RANGE)
            .collect();
        dims.extend(times.iter().skip(1));
        Shape {
            rows: table.rows.len(),
            measures: table.measures(),
            dims,
            time: times.first().copied(),
            compare: table.column(COMPARE_DATE_RANGE),
            ungrouped: table.ungrouped,
        }
    }

    /// The single column that categories come from (a dimension, else the
    /// time column), when there is exactly one.
    pub fn single_axis(&self) -> Option<&'a ResultColumn> {
        match (self.dims.as_slice(), self.time) {
            ([d], None) => Some(d),
            ([], Some(t)) => Some(t),
            _ => None,
        }
    }

    /// Dimensions and time together.
    pub fn axes(&self) -> Vec<&'a ResultColumn> {
        self.time
            .into_iter()
            .chain(self.dims.iter().copied())
            .collect()
    }
}

/// Distinct labels of a column.
pub(crate) fn distinct(table: &ResultTable, column: &ResultColumn) -> Vec<String> {
    let mut seen = Vec::new();
    for l in table.labels(column) {
        if !seen.contains(&l) {
            seen.push(l);
        }
    }
    seen
}

/// Why `chart` cannot show the result, or `Ok` when it can.
pub(crate) fn check(
    chart: ChartType,
    shape: &Shape<'_>,
    table: &ResultTable,
) -> Result<(), String> {
    let name = chart.as_str();
    if chart == ChartType::Table {
        return Ok(());
    }
    if shape.rows == 0 {
        return Err("the query returned no rows".to_owned());
    }
    if shape.measures.is_empty() {
        return Err(format!(
            "a {name} chart needs a measure, and the result has none"
        ));
    }
    match chart {
        ChartType::Number | ChartType::Gauge => {
            if shape.rows == 1 && shape.measures.len() == 1 {
                Ok(())
            } else {
                Err(format!(
                    "a {name} shows one value, and the result has {} rows of {} measures",
                    shape.rows,
                    shape.measures.len()
                ))
            }
        }
        ChartType::Line | ChartType::Area => match shape.time {
            None => Err(format!("a {name} chart needs a time dimension")),
            Some(_)
                if shape.dims.len() > 1 || (shape.compare.is_some() && !shape.dims.is_empty()) =>
            {
                Err(format!("a {name} chart can split by one dimension only"))
            }
            Some(_) => Ok(()),
        },
        ChartType::Bar => {
            let axes = shape.axes();
            if axes.is_empty() {
                // Compared date ranges without a granularity: a bar each.
                return if shape.rows == 1 || shape.compare.is_some() {
                    Ok(())
                } else {
                    Err("a bar chart needs a dimension to group by".to_owned())
                };
            }
            if axes.len() > 2 {
                return Err("a bar chart can show at most two dimensions".to_owned());
            }
            let n = distinct(table, axes[0]).len();
            if n > MAX_BAR_CATEGORIES {
                return Err(format!("{n} categories are too many for a bar chart"));
            }
            Ok(())
        }
        ChartType::Pie => check_pie(shape, table),
        ChartType::Scatter => {
            if shape.measures.len() < 2 {
                Err("a scatter plot needs two measures".to_owned())
            } else if shape.axes().len() > 1 {
                Err("a scatter plot can label points by one dimension only".to_owned())
            } else {
                Ok(())
            }
        }
        ChartType::Heatmap => {
            if shape.axes().len() == 2 && shape.compare.is_none() {
                Ok(())
            } else {
                Err("a heatmap needs exactly two dimensions".to_owned())
            }
        }
        ChartType::Table => Ok(()),
    }
}

fn check_pie(shape: &Shape<'_>, table: &ResultTable) -> Result<(), String> {
    let (Some(axis), [measure]) = (shape.single_axis(), shape.measures.as_slice()) else {
        return Err("a pie chart needs one measure split by one dimension".to_owned());
    };
    if measure.agg_type.is_some() && !measure.is_additive() {
        return Err(format!(
            "{} is not a sum or a count, so its parts do not make a whole",
            measure.title
        ));
    }
    let parts = distinct(table, axis).len();
    if parts > MAX_PIE_PARTS {
        return Err(format!(
            "a pie chart shows at most {MAX_PIE_PARTS} parts, and the result has {parts}"
        ));
    }
    let values: Vec<f64> = table
        .numbers(&measure.member)
        .into_iter()
        .flatten()
        .collect();
    if values.iter().any(|v| *v < 0.0) {
        return Err(format!(
            "{} has negative values, which a pie cannot show",
            measure.title
        ));
    }
    if values.iter().sum::<f64>() <= 0.0 {
        return Err(format!("{} adds up to nothing", measure.title));
    }
    Ok(())
}

/// True for measures that accumulate over time (drawn as areas).
fn is_cumulative(m: &ResultColumn) -> bool {
    let name = m.member.to_ascii_lowercase();
    m.agg_type.as_deref() == Some("running_total")
        || ["cumulative", "running", "to_date", "todate"]
            .iter()
            .any(|w| name.contains(w))
}

/// The chart the rules pick for a result.
pub(crate) fn auto(intent: Intent, shape: &Shape<'_>, table: &ResultTable) -> ChartType {
    let ok = |c: ChartType| check(c, shape, table).is_ok();
    if shape.rows == 0 || shape.measures.is_empty() || shape.ungrouped {
        return ChartType::Table;
    }
    if shape.rows == 1 && shape.measures.len() == 1 && shape.dims.is_empty() {
        return if shape.measures[0].is_percent() {
            ChartType::Gauge
        } else {
            ChartType::Number
        };
    }
    if shape.time.is_some() {
        if ok(ChartType::Line) {
            let cumulative = shape.measures.iter().all(|m| is_cumulative(m));
            return if cumulative && shape.compare.is_none() {
                ChartType::Area
            } else {
                ChartType::Line
            };
        }
        return ChartType::Table;
    }
    match shape.dims.len() {
        0 if shape.rows == 1 || shape.compare.is_some() => ChartType::Bar,
        0 if shape.measures.len() == 2 => ChartType::Scatter,
        1 => {
            let m = shape.measures.len();
            let scatter_wanted =
                intent != Intent::TopN && (intent == Intent::Distribution || shape.rows >= 6);
            if m == 2 && scatter_wanted {
                ChartType::Scatter
            } else if m == 1 && intent == Intent::Distribution && ok(ChartType::Pie) {
                ChartType::Pie
            } else if ok(ChartType::Bar) {
                ChartType::Bar
            } else {
                ChartType::Table
            }
        }
        2 if shape.measures.len() == 1 => ChartType::Heatmap,
        _ => ChartType::Table,
    }
}

/// Every chart type, in the order alternatives are offered.
const ALL: [ChartType; 9] = [
    ChartType::Bar,
    ChartType::Line,
    ChartType::Area,
    ChartType::Pie,
    ChartType::Scatter,
    ChartType::Heatmap,
    ChartType::Number,
    ChartType::Gauge,
    ChartType::Table,
];

/// The chart types that can show the result: `chosen` first, then the
/// others [`check`] accepts (a table always fits). An ungrouped listing is
/// only a table.
pub(crate) fn alternatives(
    chosen: ChartType,
    shape: &Shape<'_>,
    table: &ResultTable,
) -> Vec<ChartType> {
    let mut out = vec![chosen];
    if shape.ungrouped {
        out.push(ChartType::Table);
        out.dedup();
        return out;
    }
    for c in ALL {
        if !out.contains(&c) && check(c, shape, table).is_ok() {
            out.push(c);
        }
    }
    out
}

/// The chart to draw and, when a requested chart could not be used, why.
pub(crate) fn choose(
    intent: Intent,
    shape: &Shape<'_>,
    table: &ResultTable,
    requested: Option<ChartType>,
) -> (ChartType, Option<String>) {
    let picked = auto(intent, shape, table);
    let empty_note = (shape.rows == 0).then(|| "The query returned no rows.".to_owned());
    match requested {
        None => (picked, empty_note),
        Some(r) if r == picked => (picked, empty_note),
        Some(r) => match check(r, shape, table) {
            Ok(()) => (r, None),
            Err(why) => {
                let note = format!(
                    "A {} chart was asked for, but {why}; showing a {} instead.",
                    r.as_str(),
                    describe(picked)
                );
                (picked, Some(note))
            }
        },
    }
}

fn describe(chart: ChartType) -> &'static str {
    match chart {
        ChartType::Number => "single number",
        ChartType::Gauge => "gauge",
        ChartType::Line => "line chart",
        ChartType::Area => "area chart",
        ChartType::Bar => "bar chart",
        ChartType::Pie => "pie chart",
        ChartType::Scatter => "scatter plot",
        ChartType::Heatmap => "heatmap",
        ChartType::Table => "table",
    }
}
