//! Column vectors turned into compact Arrow columns, and back into the
//! columns queries see.
//!
//! The demo keeps its rows in memory, so each column is stored in the
//! smallest form that gives back exactly the values the model's types call
//! for: integers in the narrowest integer type holding every value, money and
//! fractions as whole hundredths, values of a small table (a product's price)
//! as a dictionary over that table. A [`Decode`] turns a stored column into
//! the queried one, as an Arrow kernel ([`Decode::apply`]) and as the
//! DataFusion expression a view evaluates per scanned batch
//! ([`Decode::expr`]); the two agree bit for bit (tested).

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Datum, DictionaryArray, Float64Array, Int16Array, Int64Array,
    Int8Array, StringArray, TimestampMicrosecondArray,
};
use arrow::buffer::ScalarBuffer;
use arrow::compute::cast;
use arrow::compute::kernels::numeric::div;
use arrow::datatypes::{DataType, Field, Int16Type, Int8Type, Schema, TimeUnit};
use arrow::error::ArrowError;
use arrow::record_batch::RecordBatch;
use datafusion::logical_expr::{cast as cast_expr, ident, lit, Expr};

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
    /// `Int32` to queries, like PostgreSQL's `integer` (and `serial` ids),
    /// printed by the API as a JSON number as Cube does for an `integer`.
    /// Stored in the narrowest integer type that holds every value.
    Int(Vec<i32>),
    /// `Float64` to queries, a value with two decimal places (money in
    /// cents, a discount in percent) given as whole hundredths: stored as
    /// the integer, queried as `hundredths / 100.0`, the same `f64` as
    /// dividing in Rust.
    Hundredths(Vec<i64>),
    /// `Utf8`, owned strings.
    Text(Vec<String>),
    /// `Dictionary(Int16, Utf8)` to queries, values from a fixed vocabulary;
    /// stored with `Int8` keys when the vocabulary allows.
    Label(Vec<&'static str>),
    /// `Timestamp(Microsecond, None)`, microseconds since the epoch (UTC).
    Time(Vec<i64>),
    /// `Boolean`.
    Flag(Vec<bool>),
    /// A column of a small table looked up by row: queries see `values`'
    /// type, storage is a dictionary of `keys` (indexes into `values`) over
    /// `values`. Columns built on the same keys share one key buffer.
    Lookup {
        /// Index into `values` of each row.
        keys: ScalarBuffer<i16>,
        /// The looked-up table's column.
        values: ArrayRef,
    },
}

/// How a stored column becomes the column queries see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decode {
    /// Stored as queried.
    Plain,
    /// An Arrow cast to the queried type: a wider integer, a dictionary
    /// with wider keys, or a dictionary unpacked to its values.
    Cast,
    /// Whole hundredths cast to `Float64` and divided by 100.
    Hundredths,
}

impl Decode {
    /// The queried column from the stored one.
    pub(crate) fn apply(self, stored: &ArrayRef, to: &DataType) -> Result<ArrayRef, ArrowError> {
        match self {
            Decode::Plain => Ok(stored.clone()),
            Decode::Cast => cast(stored, to),
            Decode::Hundredths => {
                let float = cast(stored, &DataType::Float64)?;
                let hundred: &dyn Datum = &Float64Array::new_scalar(100.0);
                div(&float, hundred)
            }
        }
    }

    /// The same as a DataFusion expression on stored column `name`, named
    /// `name`.
    pub(crate) fn expr(self, name: &str, to: &DataType) -> Expr {
        match self {
            Decode::Plain => ident(name),
            Decode::Cast => cast_expr(ident(name), to.clone()).alias(name),
            Decode::Hundredths => {
                (cast_expr(ident(name), DataType::Float64) / lit(100.0_f64)).alias(name)
            }
        }
    }
}

/// The label type queries see.
fn label_type() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int16), Box::new(DataType::Utf8))
}

/// Integers in the narrowest of `Int8` … `Int64` that holds every value
/// (an Arrow cast, which the range check makes lossless).
fn narrowest(values: Vec<i64>) -> Result<ArrayRef, ArrowError> {
    let (lo, hi) = values
        .iter()
        .fold((0, 0), |(lo, hi), &v| (v.min(lo), v.max(hi)));
    let narrow = [
        (DataType::Int8, i64::from(i8::MIN), i64::from(i8::MAX)),
        (DataType::Int16, i16::MIN.into(), i16::MAX.into()),
        (DataType::Int32, i32::MIN.into(), i32::MAX.into()),
    ]
    .into_iter()
    .find(|(_, min, max)| lo >= *min && hi <= *max);
    let wide: ArrayRef = Arc::new(Int64Array::from(values));
    match narrow {
        Some((to, _, _)) => cast(&wide, &to),
        None => Ok(wide),
    }
}

impl Column {
    /// The type queries see.
    fn data_type(&self) -> DataType {
        match self {
            Column::Int(_) => DataType::Int32,
            Column::Hundredths(_) => DataType::Float64,
            Column::Text(_) => DataType::Utf8,
            Column::Label(_) => label_type(),
            Column::Time(_) => DataType::Timestamp(TimeUnit::Microsecond, None),
            Column::Flag(_) => DataType::Boolean,
            Column::Lookup { values, .. } => values.data_type().clone(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Int(v) => v.len(),
            Column::Hundredths(v) => v.len(),
            Column::Time(v) => v.len(),
            Column::Text(v) => v.len(),
            Column::Label(v) => v.len(),
            Column::Flag(v) => v.len(),
            Column::Lookup { keys, .. } => keys.len(),
        }
    }

    /// The whole column in storage form, and how to decode it. Times move
    /// their vector into the array without a copy.
    fn into_stored(self) -> Result<(ArrayRef, Decode), ArrowError> {
        let to = self.data_type();
        let (array, decode): (ArrayRef, Decode) = match self {
            Column::Int(v) => (
                narrowest(v.into_iter().map(i64::from).collect())?,
                Decode::Cast,
            ),
            Column::Hundredths(v) => (narrowest(v)?, Decode::Hundredths),
            Column::Time(v) => (Arc::new(TimestampMicrosecondArray::from(v)), Decode::Plain),
            Column::Text(v) => (Arc::new(StringArray::from_iter_values(v)), Decode::Plain),
            Column::Label(v) => (labels(&v)?, Decode::Cast),
            Column::Flag(v) => (Arc::new(BooleanArray::from(v)), Decode::Plain),
            Column::Lookup { keys, values } => {
                let keys = Int16Array::new(keys, None);
                let array = DictionaryArray::<Int16Type>::try_new(keys, values)?;
                (Arc::new(array), Decode::Cast)
            }
        };
        // No conversion where the stored type is already the queried one.
        let decode = if *array.data_type() == to {
            Decode::Plain
        } else {
            decode
        };
        Ok((array, decode))
    }
}

/// A fixed-vocabulary column as a dictionary of its distinct values, with
/// `Int8` keys for up to 127 words, else `Int16`. Values are numbered in
/// order of first appearance, so the same rows give the same array.
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
    if let Ok(small) = keys
        .iter()
        .map(|&k| i8::try_from(k))
        .collect::<Result<Vec<i8>, _>>()
    {
        let array = DictionaryArray::<Int8Type>::try_new(Int8Array::from(small), dictionary)?;
        return Ok(Arc::new(array));
    }
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

    /// The table in storage form; fails only if columns differ in length.
    pub(crate) fn into_demo_table(self) -> Result<DemoTable, ArrowError> {
        let rows = self.rows();
        if let Some((name, c)) = self.columns.iter().find(|(_, c)| c.len() != rows) {
            return Err(ArrowError::InvalidArgumentError(format!(
                "demo table {}: column {name} has {} rows, expected {rows}",
                self.name,
                c.len()
            )));
        }
        let queried: Vec<Field> = self
            .columns
            .iter()
            .map(|(name, c)| Field::new(*name, c.data_type(), false))
            .collect();
        let mut stored_fields = Vec::with_capacity(self.columns.len());
        let mut arrays = Vec::with_capacity(self.columns.len());
        let mut decode = Vec::with_capacity(self.columns.len());
        for (name, column) in self.columns {
            let (array, how) = column.into_stored()?;
            stored_fields.push(Field::new(name, array.data_type().clone(), false));
            arrays.push(array);
            decode.push(how);
        }
        let whole = RecordBatch::try_new(Arc::new(Schema::new(stored_fields)), arrays)?;
        // Batches are zero-copy slices of the whole columns: the data is held
        // once, and the generator's vectors are not copied.
        let stored = (0..rows)
            .step_by(BATCH_ROWS)
            .map(|start| whole.slice(start, BATCH_ROWS.min(rows - start)))
            .collect();
        Ok(DemoTable {
            name: self.name.to_string(),
            schema: Arc::new(Schema::new(queried)),
            stored,
            decode,
        })
    }
}
