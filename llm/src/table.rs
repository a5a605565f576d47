//! A query result as charts and insights read it: typed columns and Cube rows.
//!
//! [`ResultTable`] is built from an engine [`LoadResult`] (columns from the
//! annotation, rows from `rows_json()`), from the several results of a
//! `compareDateRange` query, or by hand. Values stay as Cube sends them
//! (numbers may be strings such as `"123.45"`); the accessors parse them.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::{Map, Value};
use strata_engine::LoadResult;

use crate::catalog::Catalog;

/// Name of the column [`ResultTable::from_compare`] adds to tell the date
/// ranges of a `compareDateRange` query apart.
pub const COMPARE_DATE_RANGE: &str = "compareDateRange";

/// What a column is in the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    /// A measure (aggregated value).
    Measure,
    /// A dimension without granularity (a category, an id, a raw time...).
    Dimension,
    /// A time dimension truncated to a granularity.
    Time,
}

/// One column of a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultColumn {
    /// Key of the column in rows: `Orders.revenue`, `Orders.created_at.month`.
    pub member: String,
    /// Human title from the annotation (`Orders Revenue`).
    pub title: String,
    /// Measure, dimension or time dimension.
    pub role: ColumnRole,
    /// Value type from the annotation: `number`, `string`, `time`, `boolean`.
    pub data_type: String,
    /// Display format from the model (`currency`, `percent`...).
    pub format: Option<String>,
    /// Granularity of a time column (`day`, `month`...).
    pub granularity: Option<String>,
    /// Aggregation of a measure (`sum`, `count`, `avg`...) when known (see
    /// [`ResultTable::with_catalog`]).
    pub agg_type: Option<String>,
}

impl ResultColumn {
    /// A measure column of type `number`.
    pub fn measure(member: impl Into<String>, title: impl Into<String>) -> ResultColumn {
        ResultColumn::new(member, title, ColumnRole::Measure, "number")
    }

    /// A string dimension column.
    pub fn dimension(member: impl Into<String>, title: impl Into<String>) -> ResultColumn {
        ResultColumn::new(member, title, ColumnRole::Dimension, "string")
    }

    /// A time column truncated to `granularity`.
    pub fn time(
        member: impl Into<String>,
        title: impl Into<String>,
        granularity: impl Into<String>,
    ) -> ResultColumn {
        let mut c = ResultColumn::new(member, title, ColumnRole::Time, "time");
        c.granularity = Some(granularity.into());
        c
    }

    fn new(
        member: impl Into<String>,
        title: impl Into<String>,
        role: ColumnRole,
        data_type: &str,
    ) -> ResultColumn {
        ResultColumn {
            member: member.into(),
            title: title.into(),
            role,
            data_type: data_type.to_owned(),
            format: None,
            granularity: None,
            agg_type: None,
        }
    }

    /// The same column with a display format.
    pub fn with_format(mut self, format: impl Into<String>) -> ResultColumn {
        self.format = Some(format.into());
        self
    }

    /// The same column with an aggregation type.
    pub fn with_agg(mut self, agg_type: impl Into<String>) -> ResultColumn {
        self.agg_type = Some(agg_type.into());
        self
    }

    /// The same column with another value type (`number`, `time`...).
    pub fn with_type(mut self, data_type: impl Into<String>) -> ResultColumn {
        self.data_type = data_type.into();
        self
    }

    /// True when the display format is `percent`.
    pub fn is_percent(&self) -> bool {
        self.format.as_deref() == Some("percent")
    }

    /// True for a measure whose values add up across rows (`sum`, `count`),
    /// so that "total" and "share of total" mean something. Without a known
    /// aggregation, only members named like a count qualify.
    pub fn is_additive(&self) -> bool {
        if self.role != ColumnRole::Measure {
            return false;
        }
        match self.agg_type.as_deref() {
            Some(agg) => matches!(agg, "sum" | "count"),
            None => {
                let short = self.member.rsplit('.').next().unwrap_or(&self.member);
                let lower = short.to_ascii_lowercase();
                lower == "count" || lower.ends_with("_count") || short.ends_with("Count")
            }
        }
    }

    /// A value of this column as a label: times shortened to the
    /// granularity (`2024-03`, `2024-Q1`, `2024-03-15`), `null` as `(none)`.
    pub fn label(&self, value: &Value) -> String {
        match value {
            Value::Null => "(none)".to_owned(),
            Value::String(s) if self.role == ColumnRole::Time || self.data_type == "time" => {
                time_label(s, self.granularity.as_deref())
            }
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// Parses a Cube time value (`2024-03-01T00:00:00.000`, with or without
/// fraction or `Z`, or a plain date).
pub fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim_end_matches('Z');
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

fn time_label(s: &str, granularity: Option<&str>) -> String {
    use chrono::Datelike;
    let Some(t) = parse_time(s) else {
        return s.to_owned();
    };
    match granularity {
        Some("year") => t.format("%Y").to_string(),
        Some("quarter") => format!("{}-Q{}", t.year(), (t.month() - 1) / 3 + 1),
        Some("month") => t.format("%Y-%m").to_string(),
        Some("week") | Some("day") => t.format("%Y-%m-%d").to_string(),
        Some("hour") => t.format("%Y-%m-%d %H:00").to_string(),
        Some("minute") => t.format("%Y-%m-%d %H:%M").to_string(),
        _ if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
        _ => t.format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

/// Parses a Cube value as a number: JSON numbers, numeric strings, booleans
/// are not numbers.
pub fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// A result: typed columns and Cube's row objects.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ResultTable {
    /// The columns, in query output order.
    pub columns: Vec<ResultColumn>,
    /// Rows keyed by member name, as Cube returns them.
    pub rows: Vec<Map<String, Value>>,
    /// True for an ungrouped query (one row per record, nothing aggregated).
    pub ungrouped: bool,
    /// The query's row limit was reached: more rows exist than are shown,
    /// so totals of these rows are not totals of the whole result.
    pub limited: bool,
    /// The rows are sorted smallest first (a bottom-N).
    pub smallest_first: bool,
}

impl ResultTable {
    /// A table from columns and rows (non-object rows are skipped).
    pub fn new(columns: Vec<ResultColumn>, rows: Vec<Value>) -> ResultTable {
        let rows = rows
            .into_iter()
            .filter_map(|r| match r {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect();
        ResultTable {
            columns,
            rows,
            ungrouped: false,
            limited: false,
            smallest_first: false,
        }
    }

    /// The table of an engine result: one column per output column, typed by
    /// the annotation, and the rows of `rows_json()`.
    pub fn from_load(result: &LoadResult) -> ResultTable {
        let ann = &result.annotation;
        let mut columns = Vec::new();
        for out in &result.result.columns {
            let time = out.names.iter().find_map(|n| {
                let a = ann.time_dimensions.get(n)?;
                let g = a.get("granularity")?;
                let g = g.get("name").and_then(Value::as_str).or(g.as_str())?;
                Some((n, a, g))
            });
            let column = if let Some((name, a, g)) = time {
                let mut c = column_from(name, a, ColumnRole::Time);
                c.granularity = Some(g.to_owned());
                Some(c)
            } else {
                out.names.iter().find_map(|n| {
                    if let Some(a) = ann.measures.get(n) {
                        Some(column_from(n, a, ColumnRole::Measure))
                    } else {
                        ann.dimensions
                            .get(n)
                            .or_else(|| ann.time_dimensions.get(n))
                            .map(|a| column_from(n, a, ColumnRole::Dimension))
                    }
                })
            };
            columns.extend(column);
        }
        let rows: Vec<Map<String, Value>> = result
            .rows_json()
            .into_iter()
            .filter_map(|r| match r {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect();
        let ungrouped = result
            .query
            .0
            .get("ungrouped")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let q = &result.query.0;
        let limit = q.get("limit").and_then(Value::as_u64);
        let limited = limit.is_some_and(|l| rows.len() as u64 >= l);
        // The first sort key: `[[member, dir], ...]` or `{member: dir}`.
        let first_direction = match q.get("order") {
            Some(Value::Array(keys)) => keys.first().and_then(|k| k.get(1)).and_then(Value::as_str),
            Some(Value::Object(keys)) => keys.values().next().and_then(Value::as_str),
            _ => None,
        };
        ResultTable {
            columns,
            rows,
            ungrouped,
            limited,
            smallest_first: limit.is_some() && first_direction == Some("asc"),
        }
    }

    /// One table for the results of a `compareDateRange` query (one result
    /// per range): the rows of every range, each with a
    /// `compareDateRange` dimension naming its range (`2024-01-01 –
    /// 2024-01-31`).
    pub fn from_compare(results: &[LoadResult]) -> ResultTable {
        let mut table = match results.first() {
            Some(r) => ResultTable::from_load(r),
            None => return ResultTable::default(),
        };
        table.rows.clear();
        table
            .columns
            .push(ResultColumn::dimension(COMPARE_DATE_RANGE, "Date range"));
        for (i, result) in results.iter().enumerate() {
            let label = range_label(result).unwrap_or_else(|| format!("Range {}", i + 1));
            for row in ResultTable::from_load(result).rows {
                let mut row = row;
                row.insert(COMPARE_DATE_RANGE.to_owned(), Value::String(label.clone()));
                table.rows.push(row);
            }
        }
        table
    }

    /// Fills aggregation types (and missing formats) from a catalog, so that
    /// totals and shares are only computed for additive measures.
    pub fn with_catalog(mut self, catalog: &Catalog) -> ResultTable {
        for c in &mut self.columns {
            let base = match c.role {
                ColumnRole::Time => c.member.rsplit_once('.').map_or(&*c.member, |(b, _)| b),
                _ => &c.member,
            };
            if let Some(m) = catalog.get(base) {
                if c.agg_type.is_none() {
                    c.agg_type = m.agg_type.clone();
                }
                if c.format.is_none() {
                    c.format = m.format.clone();
                }
            }
        }
        self.shorten_titles(|member| {
            let owner = member.split_once('.').map_or(member, |(o, _)| o);
            let from_catalog = catalog
                .members()
                .iter()
                .find(|m| m.owner == owner)
                .map(|m| m.owner_title.clone());
            from_catalog.unwrap_or_else(|| strata_schema::title_from_name(owner))
        });
        self
    }

    /// Leaves the cube's title out of column titles ("Orders Number of
    /// Orders" → "Number of Orders"), unless two columns would then read
    /// the same.
    fn shorten_titles(&mut self, owner_title: impl Fn(&str) -> String) {
        let short: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let owner = owner_title(&c.member);
                c.title
                    .strip_prefix(owner.as_str())
                    .and_then(|rest| rest.strip_prefix(' '))
                    .filter(|rest| !rest.trim().is_empty())
                    .map_or_else(|| c.title.clone(), str::to_owned)
            })
            .collect();
        for (i, c) in self.columns.iter_mut().enumerate() {
            let clash = short
                .iter()
                .enumerate()
                .any(|(j, t)| j != i && *t == short[i]);
            if !clash {
                c.title = short[i].clone();
            }
        }
    }

    /// The measure columns.
    pub fn measures(&self) -> Vec<&ResultColumn> {
        self.of_role(ColumnRole::Measure)
    }

    /// The dimension columns (without the time columns).
    pub fn dimensions(&self) -> Vec<&ResultColumn> {
        self.of_role(ColumnRole::Dimension)
    }

    /// The time columns (time dimensions with a granularity).
    pub fn times(&self) -> Vec<&ResultColumn> {
        self.of_role(ColumnRole::Time)
    }

    fn of_role(&self, role: ColumnRole) -> Vec<&ResultColumn> {
        self.columns.iter().filter(|c| c.role == role).collect()
    }

    /// A column by member name.
    pub fn column(&self, member: &str) -> Option<&ResultColumn> {
        self.columns.iter().find(|c| c.member == member)
    }

    /// The raw value of `member` in row `row` (`Null` when absent).
    pub fn value(&self, row: usize, member: &str) -> &Value {
        self.rows
            .get(row)
            .and_then(|r| r.get(member))
            .unwrap_or(&Value::Null)
    }

    /// The value of `member` in row `row` as a number (parsing strings).
    pub fn number(&self, row: usize, member: &str) -> Option<f64> {
        as_number(self.value(row, member))
    }

    /// Every value of a column as a number (`None` for nulls and non-numbers).
    pub fn numbers(&self, member: &str) -> Vec<Option<f64>> {
        (0..self.rows.len())
            .map(|r| self.number(r, member))
            .collect()
    }

    /// Every value of a column as a label (see [`ResultColumn::label`]).
    pub fn labels(&self, column: &ResultColumn) -> Vec<String> {
        (0..self.rows.len())
            .map(|r| column.label(self.value(r, &column.member)))
            .collect()
    }

    /// True when the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

fn column_from(name: &str, a: &Value, role: ColumnRole) -> ResultColumn {
    let text = |k: &str| a.get(k).and_then(Value::as_str).map(str::to_owned);
    ResultColumn {
        member: name.to_owned(),
        title: text("title").unwrap_or_else(|| name.to_owned()),
        role,
        data_type: text("type").unwrap_or_else(|| "string".to_owned()),
        format: text("format"),
        granularity: None,
        agg_type: None,
    }
}

fn range_label(result: &LoadResult) -> Option<String> {
    let tds = result.query.0.get("timeDimensions")?.as_array()?;
    let range = tds.iter().find_map(|td| td.get("dateRange"))?.as_array()?;
    let day = |v: &Value| v.as_str().map(|s| s.get(..10).unwrap_or(s).to_owned());
    let from = day(range.first()?)?;
    let to = day(range.get(1)?)?;
    Some(format!("{from} – {to}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use strata_engine::{Query, QueryRequest};

    #[test]
    fn numbers_parse_strings_and_skip_nulls() {
        let t = ResultTable::new(
            vec![ResultColumn::measure("O.revenue", "Revenue")],
            vec![
                json!({"O.revenue": "123.45"}),
                json!({"O.revenue": 7}),
                json!({"O.revenue": null}),
                json!({"O.revenue": "n/a"}),
            ],
        );
        assert_eq!(
            t.numbers("O.revenue"),
            vec![Some(123.45), Some(7.0), None, None]
        );
    }

    #[test]
    fn time_labels_follow_granularity() {
        let v = json!("2024-02-01T00:00:00.000");
        let label = |g: &str| ResultColumn::time("O.at.x", "At", g).label(&v);
        assert_eq!(label("month"), "2024-02");
        assert_eq!(label("quarter"), "2024-Q1");
        assert_eq!(label("year"), "2024");
        assert_eq!(label("day"), "2024-02-01");
        assert_eq!(
            ResultColumn::dimension("O.s", "S").label(&Value::Null),
            "(none)"
        );
    }

    #[test]
    fn additivity_comes_from_aggregation_or_count_names() {
        assert!(ResultColumn::measure("O.revenue", "R")
            .with_agg("sum")
            .is_additive());
        assert!(!ResultColumn::measure("O.avg", "A")
            .with_agg("avg")
            .is_additive());
        assert!(ResultColumn::measure("Orders.count", "C").is_additive());
        assert!(!ResultColumn::measure("Orders.revenue", "R").is_additive());
        assert!(!ResultColumn::dimension("Orders.count", "C").is_additive());
    }

    /// A demo engine on DataFusion (no database).
    fn demo_engine() -> (strata_engine::Engine, strata_schema::SemanticModel) {
        use std::sync::Arc;
        use strata_demo as demo;
        use strata_engine::{DataFusionExecutor, Engine, DEFAULT_DATA_SOURCE};
        let model = demo::model().expect("demo model compiles");
        let data = DataFusionExecutor::new();
        demo::DemoData::pinned()
            .register(&data)
            .expect("demo tables register");
        let engine = Engine::builder(Arc::new(model.clone()))
            .data_source(DEFAULT_DATA_SOURCE, Arc::new(data))
            .build();
        (engine, model)
    }

    #[tokio::test]
    async fn from_load_types_columns_from_the_annotation() {
        let (engine, model) = demo_engine();
        let query = json!({
            "measures": ["Orders.revenue", "Orders.count"],
            "dimensions": ["Orders.status"],
            "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "month",
                                "dateRange": ["2024-01-01", "2024-03-31"]}]
        });
        let query = Query::from_json(&query).expect("a valid query");
        let result = engine.load(&query).await.expect("demo query runs");
        let table = ResultTable::from_load(&result).with_catalog(&Catalog::from_model(&model));
        let col = |m: &str| table.column(m).cloned().expect("column present");
        let revenue = col("Orders.revenue");
        assert_eq!(revenue.role, ColumnRole::Measure);
        assert_eq!(revenue.format.as_deref(), Some("currency"));
        assert_eq!(revenue.agg_type.as_deref(), Some("sum"));
        assert_eq!(col("Orders.count").agg_type.as_deref(), Some("count"));
        assert_eq!(col("Orders.status").role, ColumnRole::Dimension);
        let month = col("Orders.created_at.month");
        assert_eq!(
            (month.role, month.granularity.as_deref()),
            (ColumnRole::Time, Some("month"))
        );
        assert_eq!(table.columns.len(), 4, "{:?}", table.columns);
        assert!(!table.ungrouped);
        assert_eq!(table.rows.len(), result.result.num_rows());
        assert!(!table.is_empty());
        // Counts and sums are numbers even when Cube writes them as strings.
        assert!(table.numbers("Orders.count").iter().all(Option::is_some));
        let months: Vec<String> = table.labels(&month);
        assert!(months
            .iter()
            .all(|m| ["2024-01", "2024-02", "2024-03"].contains(&m.as_str())));
    }

    #[tokio::test]
    async fn from_compare_labels_each_range() {
        let (engine, _) = demo_engine();
        let query = json!({
            "measures": ["Orders.count"],
            "timeDimensions": [{"dimension": "Orders.created_at", "granularity": "month",
                "compareDateRange": [["2024-01-01", "2024-02-29"], ["2024-03-01", "2024-04-30"]]}]
        });
        let request = QueryRequest::from_json(&query).expect("a valid request");
        let prepared = engine
            .prepare_request(&request)
            .expect("compare query prepares");
        let mut results = Vec::new();
        for q in &prepared.queries {
            results.push(engine.load(q).await.expect("range query runs"));
        }
        let table = ResultTable::from_compare(&results);
        let ranges = table
            .column(COMPARE_DATE_RANGE)
            .cloned()
            .expect("range column");
        let mut labels = table.labels(&ranges);
        labels.dedup();
        assert_eq!(
            labels,
            vec!["2024-01-01 – 2024-02-29", "2024-03-01 – 2024-04-30"]
        );
        assert_eq!(table.rows.len(), 4);
        assert!(ResultTable::from_compare(&[]).columns.is_empty());
    }
}
