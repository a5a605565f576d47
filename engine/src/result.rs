//! Query results: Arrow record batches with the output members they carry,
//! turned into Cube's row objects or chart-ready columns.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef};
use arrow::datatypes::{Field, Schema};
use arrow::record_batch::RecordBatch;
use serde_json::Value;

use crate::result_rows::Rows;

/// How a column's values appear in Cube's JSON rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonStyle {
    /// As JSON numbers (int2/int4, floats).
    Number,
    /// As strings though numeric (bigint counts, NUMERIC decimals), as Cube sends them.
    NumericString,
    /// Strings.
    Text,
    /// Booleans.
    Boolean,
    /// `2020-01-01T00:00:00.000` local timestamps.
    Time,
}

/// One output column and the member keys it is reported under.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputColumn {
    /// Member keys (`Orders.createdAt.month` and `Orders.createdAt`).
    pub names: Vec<String>,
    /// How values are written in rows.
    pub style: JsonStyle,
}

/// A query's result.
#[derive(Debug, Clone)]
pub struct QueryResult {
    /// Values, one Arrow column per output column.
    pub batch: RecordBatch,
    /// What each column is.
    pub columns: Vec<OutputColumn>,
}

impl QueryResult {
    /// Builds a result from column arrays.
    pub fn new(
        columns: Vec<OutputColumn>,
        arrays: Vec<ArrayRef>,
    ) -> Result<QueryResult, arrow::error::ArrowError> {
        let fields: Vec<Field> = columns
            .iter()
            .zip(&arrays)
            .map(|(c, a)| {
                Field::new(
                    c.names.first().map(String::as_str).unwrap_or(""),
                    a.data_type().clone(),
                    true,
                )
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let batch = if arrays.is_empty() {
            RecordBatch::new_empty(schema)
        } else {
            RecordBatch::try_new(schema, arrays)?
        };
        Ok(QueryResult { batch, columns })
    }

    /// Number of rows.
    pub fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// The value of column `c`, row `r`, as Cube writes it in rows.
    pub fn row_value(&self, c: usize, r: usize) -> Value {
        crate::result_rows::cell_value(self, c, r)
    }

    /// Cube's `data` as a serializer: one object per row, keyed by member,
    /// written straight from the columns.
    pub fn rows(&self) -> Rows<'_> {
        Rows(self)
    }

    /// Cube's `data` as JSON values: [`QueryResult::rows`] into `Value`s.
    pub fn rows_json(&self) -> Vec<Value> {
        match serde_json::to_value(self.rows()) {
            Ok(Value::Array(rows)) => rows,
            // Rows serialize to an array of objects with string keys, which
            // cannot fail; an empty answer is the safe reading if it did.
            _ => Vec::new(),
        }
    }

    /// A column's values for charts: numbers as JSON numbers.
    pub fn chart_values(&self, c: usize) -> Vec<Value> {
        (0..self.num_rows())
            .map(|r| match (self.row_value(c, r), self.columns[c].style) {
                (Value::String(s), JsonStyle::NumericString) => s
                    .parse::<f64>()
                    .map(float_value)
                    .unwrap_or(Value::String(s)),
                (v, _) => v,
            })
            .collect()
    }
}

fn float_value(f: f64) -> Value {
    serde_json::Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}
