//! Column vectors turned into Arrow record batches of [`BATCH_ROWS`] rows.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;

use super::DemoTable;

/// Rows per record batch.
pub const BATCH_ROWS: usize = 8192;

/// The values of one column, all rows.
#[derive(Debug, Clone)]
pub(crate) enum Column {
    /// `Int64`.
    Int(Vec<i64>),
    /// `Float64`.
    Float(Vec<f64>),
    /// `Utf8`, owned strings.
    Text(Vec<String>),
    /// `Utf8`, values from a fixed vocabulary.
    Label(Vec<&'static str>),
    /// `Timestamp(Microsecond, None)`, microseconds since the epoch (UTC).
    Time(Vec<i64>),
    /// `Boolean`.
    Flag(Vec<bool>),
}

impl Column {
    fn data_type(&self) -> DataType {
        match self {
            Column::Int(_) => DataType::Int64,
            Column::Float(_) => DataType::Float64,
            Column::Text(_) | Column::Label(_) => DataType::Utf8,
            Column::Time(_) => DataType::Timestamp(TimeUnit::Microsecond, None),
            Column::Flag(_) => DataType::Boolean,
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Int(v) | Column::Time(v) => v.len(),
            Column::Float(v) => v.len(),
            Column::Text(v) => v.len(),
            Column::Label(v) => v.len(),
            Column::Flag(v) => v.len(),
        }
    }

    /// Rows `start..end` as an Arrow array (the range is clamped to the column).
    fn slice(&self, start: usize, end: usize) -> ArrayRef {
        let end = end.min(self.len());
        let start = start.min(end);
        let n = end - start;
        match self {
            Column::Int(v) => {
                let mut b = Int64Builder::with_capacity(n);
                b.append_slice(&v[start..end]);
                Arc::new(b.finish())
            }
            Column::Time(v) => {
                let mut b = TimestampMicrosecondBuilder::with_capacity(n);
                b.append_slice(&v[start..end]);
                Arc::new(b.finish())
            }
            Column::Float(v) => {
                let mut b = Float64Builder::with_capacity(n);
                b.append_slice(&v[start..end]);
                Arc::new(b.finish())
            }
            Column::Text(v) => {
                let bytes = v[start..end].iter().map(String::len).sum();
                let mut b = StringBuilder::with_capacity(n, bytes);
                for s in &v[start..end] {
                    b.append_value(s);
                }
                Arc::new(b.finish())
            }
            Column::Label(v) => {
                let bytes = v[start..end].iter().map(|s| s.len()).sum();
                let mut b = StringBuilder::with_capacity(n, bytes);
                for s in &v[start..end] {
                    b.append_value(s);
                }
                Arc::new(b.finish())
            }
            Column::Flag(v) => {
                let mut b = BooleanBuilder::with_capacity(n);
                b.append_slice(&v[start..end]);
                Arc::new(b.finish())
            }
        }
    }
}

/// A table as named columns of equal length.
#[derive(Debug, Clone)]
pub(crate) struct TableData {
    /// Table name.
    pub name: &'static str,
    /// Columns in order.
    pub columns: Vec<(&'static str, Column)>,
}

impl TableData {
    /// Number of rows (of the first column).
    pub(crate) fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    /// The table as Arrow batches; fails only if columns differ in length.
    pub(crate) fn into_demo_table(self) -> Result<DemoTable, ArrowError> {
        let rows = self.rows();
        if let Some((name, c)) = self.columns.iter().find(|(_, c)| c.len() != rows) {
            return Err(ArrowError::InvalidArgumentError(format!(
                "demo table {}: column {name} has {} rows, expected {rows}",
                self.name,
                c.len()
            )));
        }
        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|(name, c)| Field::new(*name, c.data_type(), false))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let mut batches = Vec::with_capacity(rows.div_ceil(BATCH_ROWS));
        let mut start = 0;
        while start < rows {
            let end = (start + BATCH_ROWS).min(rows);
            let arrays = self
                .columns
                .iter()
                .map(|(_, c)| c.slice(start, end))
                .collect();
            batches.push(RecordBatch::try_new(schema.clone(), arrays)?);
            start = end;
        }
        Ok(DemoTable {
            name: self.name.to_string(),
            schema,
            batches,
        })
    }
}
