//! Column vectors turned into Arrow record batches of [`BATCH_ROWS`] rows.

use std::sync::Arc;

use std::collections::HashMap;

use arrow::array::{
    ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int16Array, Int32Array, StringArray,
    TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Int16Type, Schema, TimeUnit};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;

use super::DemoTable;

/// Rows per record batch.
pub const BATCH_ROWS: usize = 8192;

/// A row number, id or count as the `Int32` the demo stores (demo tables
/// hold well under `i32::MAX` rows; a value past it saturates).
pub(crate) fn id32(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

/// The values of one column, all rows.
#[derive(Debug, Clone)]
pub(crate) enum Column {
    /// `Int32`, like PostgreSQL's `integer` (and `serial` ids): every demo
    /// count and id fits, it takes half the memory of `Int64`, and the API
    /// prints it as a JSON number, as Cube does for an `integer` column.
    Int(Vec<i32>),
    /// `Float64`.
    Float(Vec<f64>),
    /// `Utf8`, owned strings.
    Text(Vec<String>),
    /// `Dictionary(Int16, Utf8)`, values from a fixed vocabulary.
    Label(Vec<&'static str>),
    /// `Timestamp(Microsecond, None)`, microseconds since the epoch (UTC).
    Time(Vec<i64>),
    /// `Boolean`.
    Flag(Vec<bool>),
}

impl Column {
    fn data_type(&self) -> DataType {
        match self {
            Column::Int(_) => DataType::Int32,
            Column::Float(_) => DataType::Float64,
            Column::Text(_) => DataType::Utf8,
            Column::Label(_) => {
                DataType::Dictionary(Box::new(DataType::Int16), Box::new(DataType::Utf8))
            }
            Column::Time(_) => DataType::Timestamp(TimeUnit::Microsecond, None),
            Column::Flag(_) => DataType::Boolean,
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Int(v) => v.len(),
            Column::Time(v) => v.len(),
            Column::Float(v) => v.len(),
            Column::Text(v) => v.len(),
            Column::Label(v) => v.len(),
            Column::Flag(v) => v.len(),
        }
    }

    /// The whole column as one Arrow array. Numbers and times move their
    /// vector into the array without a copy; labels become a dictionary.
    fn into_array(self) -> Result<ArrayRef, ArrowError> {
        Ok(match self {
            Column::Int(v) => Arc::new(Int32Array::from(v)),
            Column::Time(v) => Arc::new(TimestampMicrosecondArray::from(v)),
            Column::Float(v) => Arc::new(Float64Array::from(v)),
            Column::Text(v) => Arc::new(StringArray::from_iter_values(v)),
            Column::Label(v) => labels(&v)?,
            Column::Flag(v) => Arc::new(BooleanArray::from(v)),
        })
    }
}

/// A fixed-vocabulary column as `Dictionary(Int16, Utf8)`: two bytes a row
/// instead of the text and its offset. Values are numbered in order of first
/// appearance, so the same rows give the same array.
fn labels(values: &[&'static str]) -> Result<ArrayRef, ArrowError> {
    let mut vocabulary: Vec<&'static str> = Vec::new();
    let mut index: HashMap<&'static str, i16> = HashMap::new();
    let mut keys: Vec<i16> = Vec::with_capacity(values.len());
    for v in values {
        let next = vocabulary.len();
        let key = *index.entry(v).or_insert_with(|| {
            vocabulary.push(v);
            // Out of range only past 32,767 words; `try_new` rejects that.
            i16::try_from(next).unwrap_or(-1)
        });
        keys.push(key);
    }
    let dictionary = Arc::new(StringArray::from(vocabulary));
    let array = DictionaryArray::<Int16Type>::try_new(Int16Array::from(keys), dictionary)?;
    Ok(Arc::new(array))
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
        let arrays: Vec<ArrayRef> = self
            .columns
            .into_iter()
            .map(|(_, c)| c.into_array())
            .collect::<Result<_, _>>()?;
        let whole = RecordBatch::try_new(schema.clone(), arrays)?;
        // Batches are zero-copy slices of the whole columns: the data is held
        // once, and the generator's vectors are not copied.
        let batches = (0..rows)
            .step_by(BATCH_ROWS)
            .map(|start| whole.slice(start, BATCH_ROWS.min(rows - start)))
            .collect();
        Ok(DemoTable {
            name: self.name.to_string(),
            schema,
            batches,
        })
    }
}
