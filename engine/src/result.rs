//! Query results: Arrow record batches with the output members they carry,
//! turned into Cube's row objects or chart-ready columns.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray, TimestampMillisecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::record_batch::RecordBatch;
use serde_json::Value;

use crate::result_rows::{Rows, TIMESTAMP_FORMAT};

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
        let col = self.batch.column(c);
        if col.is_null(r) {
            return Value::Null;
        }
        let style = self.columns[c].style;
        match col.data_type() {
            DataType::Int64 => {
                let v = col
                    .as_any()
                    .downcast_ref::<Int64Array>()
                    .map(|a| a.value(r));
                match (v, style) {
                    (Some(v), JsonStyle::NumericString) => Value::String(v.to_string()),
                    (Some(v), _) => Value::from(v),
                    (None, _) => Value::Null,
                }
            }
            DataType::Float64 => col
                .as_any()
                .downcast_ref::<Float64Array>()
                .map(|a| float_value(a.value(r)))
                .unwrap_or(Value::Null),
            DataType::Boolean => col
                .as_any()
                .downcast_ref::<BooleanArray>()
                .map(|a| Value::Bool(a.value(r)))
                .unwrap_or(Value::Null),
            DataType::Timestamp(TimeUnit::Millisecond, _) => col
                .as_any()
                .downcast_ref::<TimestampMillisecondArray>()
                .and_then(|a| chrono::DateTime::from_timestamp_millis(a.value(r)))
                .map(|t| Value::String(t.naive_utc().format(TIMESTAMP_FORMAT).to_string()))
                .unwrap_or(Value::Null),
            _ => col
                .as_any()
                .downcast_ref::<StringArray>()
                .map(|a| Value::String(a.value(r).to_string()))
                .unwrap_or(Value::Null),
        }
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
