//! Cube's `data` rows serialized straight from the Arrow columns.
//!
//! [`QueryResult::rows`] writes `[{"Member": value, ...}, ...]` with serde
//! without building a `serde_json::Value` per row and cell, so answering a
//! large `/load` costs a pass over the columns rather than a tree of
//! allocations. [`QueryResult::rows_json`] and [`QueryResult::row_value`]
//! are this serializer into `Value`s, so every form agrees by construction.

use arrow::array::{
    Array, BooleanArray, Float64Array, Int64Array, StringArray, TimestampMillisecondArray,
};
use arrow::datatypes::{DataType, TimeUnit};
use chrono::{Datelike, NaiveDateTime, Timelike};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::result::{JsonStyle, QueryResult};

/// Serializes as Cube's `data` array; see [`QueryResult::rows`].
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a>(pub(crate) &'a QueryResult);

/// One column, downcast once.
#[derive(Clone, Copy)]
enum Column<'a> {
    Int(&'a Int64Array, bool),
    Float(&'a Float64Array),
    Bool(&'a BooleanArray),
    Time(&'a TimestampMillisecondArray),
    Text(&'a StringArray),
    Other,
}

impl<'a> Column<'a> {
    fn of(result: &'a QueryResult, c: usize) -> Column<'a> {
        let col = result.batch.column(c);
        let any = col.as_any();
        let numeric_string = result.columns[c].style == JsonStyle::NumericString;
        let typed = match col.data_type() {
            DataType::Int64 => any
                .downcast_ref::<Int64Array>()
                .map(|a| Column::Int(a, numeric_string)),
            DataType::Float64 => any.downcast_ref::<Float64Array>().map(Column::Float),
            DataType::Boolean => any.downcast_ref::<BooleanArray>().map(Column::Bool),
            DataType::Timestamp(TimeUnit::Millisecond, _) => any
                .downcast_ref::<TimestampMillisecondArray>()
                .map(Column::Time),
            _ => any.downcast_ref::<StringArray>().map(Column::Text),
        };
        typed.unwrap_or(Column::Other)
    }

    fn is_null(&self, row: usize) -> bool {
        match self {
            Column::Int(a, _) => a.is_null(row),
            Column::Float(a) => a.is_null(row),
            Column::Bool(a) => a.is_null(row),
            Column::Time(a) => a.is_null(row),
            Column::Text(a) => a.is_null(row),
            Column::Other => true,
        }
    }
}

/// The keys of a row in order, each with the column whose value it carries:
/// a key named by two columns keeps its first place and the later value, as
/// inserting into an ordered map would.
fn entries(result: &QueryResult) -> Vec<(&str, usize)> {
    let mut out: Vec<(&str, usize)> = Vec::new();
    for (c, col) in result.columns.iter().enumerate() {
        for name in &col.names {
            match out.iter_mut().find(|(n, _)| *n == name.as_str()) {
                Some(entry) => entry.1 = c,
                None => out.push((name.as_str(), c)),
            }
        }
    }
    out
}

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let result = self.0;
        let columns: Vec<Column<'_>> = (0..result.batch.num_columns())
            .map(|c| Column::of(result, c))
            .collect();
        let entries = entries(result);
        let mut seq = serializer.serialize_seq(Some(result.num_rows()))?;
        for row in 0..result.num_rows() {
            seq.serialize_element(&Row {
                columns: &columns,
                entries: &entries,
                row,
            })?;
        }
        seq.end()
    }
}

struct Row<'a> {
    columns: &'a [Column<'a>],
    entries: &'a [(&'a str, usize)],
    row: usize,
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for &(name, c) in self.entries {
            let cell = Cell {
                column: self.columns.get(c).copied().unwrap_or(Column::Other),
                row: self.row,
            };
            map.serialize_entry(name, &cell)?;
        }
        map.end()
    }
}

/// Column `c`, row `r` of `result` as a JSON value.
pub(crate) fn cell_value(result: &QueryResult, c: usize, r: usize) -> serde_json::Value {
    let cell = Cell {
        column: Column::of(result, c),
        row: r,
    };
    // A cell serializes to a string, number, bool or null: this cannot fail.
    serde_json::to_value(cell).unwrap_or(serde_json::Value::Null)
}

struct Cell<'a> {
    column: Column<'a>,
    row: usize,
}

impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.row;
        if self.column.is_null(r) {
            return serializer.serialize_unit();
        }
        match self.column {
            Column::Int(a, true) => {
                serializer.serialize_str(itoa::Buffer::new().format(a.value(r)))
            }
            Column::Int(a, false) => serializer.serialize_i64(a.value(r)),
            Column::Float(a) if a.value(r).is_finite() => serializer.serialize_f64(a.value(r)),
            Column::Bool(a) => serializer.serialize_bool(a.value(r)),
            Column::Time(a) => match chrono::DateTime::from_timestamp_millis(a.value(r)) {
                Some(t) => {
                    let mut buf = [0u8; 23];
                    match local_timestamp(&t.naive_utc(), &mut buf) {
                        Some(text) => serializer.serialize_str(text),
                        None => serializer.collect_str(&t.naive_utc().format(TIMESTAMP_FORMAT)),
                    }
                }
                None => serializer.serialize_unit(),
            },
            Column::Text(a) => serializer.serialize_str(a.value(r)),
            Column::Float(_) | Column::Other => serializer.serialize_unit(),
        }
    }
}

/// How Cube writes a timestamp in rows (`2020-01-01T00:00:00.000`).
const TIMESTAMP_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3f";

/// `t` as [`TIMESTAMP_FORMAT`] written into `buf`, for years 0 to 9999
/// (`None` otherwise, and the caller formats it with chrono).
fn local_timestamp<'b>(t: &NaiveDateTime, buf: &'b mut [u8; 23]) -> Option<&'b str> {
    let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
    let millis = t.nanosecond() / 1_000_000;
    if millis > 999 {
        return None; // a leap second: leave it to chrono
    }
    let mut put = |at: usize, value: u32, width: usize| {
        let mut v = value;
        for i in (0..width).rev() {
            buf[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(5, t.month(), 2);
    put(8, t.day(), 2);
    put(11, t.hour(), 2);
    put(14, t.minute(), 2);
    put(17, t.second(), 2);
    put(20, millis, 3);
    for (at, sep) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
    ] {
        buf[at] = sep;
    }
    std::str::from_utf8(buf).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::OutputColumn;
    use arrow::array::ArrayRef;
    use serde_json::{json, Value};
    use std::sync::Arc;

    fn column(names: &[&str], style: JsonStyle) -> OutputColumn {
        OutputColumn {
            names: names.iter().map(|n| n.to_string()).collect(),
            style,
        }
    }

    fn sample() -> QueryResult {
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(vec![Some(12), None, Some(-3)])),
            Arc::new(Int64Array::from(vec![Some(1), Some(2), None])),
            Arc::new(Float64Array::from(vec![
                Some(1.5),
                Some(f64::NAN),
                Some(2.0),
            ])),
            Arc::new(BooleanArray::from(vec![Some(true), Some(false), None])),
            Arc::new(TimestampMillisecondArray::from(vec![
                Some(1_577_836_800_123),
                Some(-62_135_596_800_000), // 0001-01-01
                Some(253_402_300_800_000), // 10000-01-01
            ])),
            Arc::new(StringArray::from(vec![Some("a\"b"), Some(""), None])),
            Arc::new(StringArray::from(vec![Some("first"), Some("x"), Some("y")])),
            Arc::new(StringArray::from(vec![Some("last"), Some("z"), None])),
        ];
        let columns = vec![
            column(&["T.count"], JsonStyle::NumericString),
            column(&["T.n"], JsonStyle::Number),
            column(&["T.f"], JsonStyle::Number),
            column(&["T.b"], JsonStyle::Boolean),
            column(&["T.at.day", "T.at"], JsonStyle::Time),
            column(&["T.s"], JsonStyle::Text),
            column(&["T.dup"], JsonStyle::Text),
            column(&["T.dup"], JsonStyle::Text),
        ];
        QueryResult::new(columns, arrays).expect("valid batch")
    }

    /// Rows as an ordered map builds them, one insert per member key: checks
    /// the key order and duplicate handling of `entries`; the values are
    /// checked against literals below.
    fn through_values(r: &QueryResult) -> Vec<Value> {
        (0..r.num_rows())
            .map(|row| {
                let mut m = serde_json::Map::new();
                for (c, col) in r.columns.iter().enumerate() {
                    for n in &col.names {
                        m.insert(n.clone(), r.row_value(c, row));
                    }
                }
                Value::Object(m)
            })
            .collect()
    }

    #[test]
    fn streamed_rows_match_row_values_key_order_included() {
        let r = sample();
        let text = serde_json::to_string(&r.rows()).expect("serializes");
        let expected = serde_json::to_string(&through_values(&r)).expect("serializes");
        assert_eq!(text, expected);
        let rows: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(
            rows[0],
            json!({"T.count": "12", "T.n": 1, "T.f": 1.5, "T.b": true,
                   "T.at.day": "2020-01-01T00:00:00.123", "T.at": "2020-01-01T00:00:00.123",
                   "T.s": "a\"b", "T.dup": "last"})
        );
        assert_eq!(rows[1]["T.f"], Value::Null, "NaN is null");
        assert_eq!(rows[1]["T.at"], "0001-01-01T00:00:00.000");
        assert_eq!(rows[2]["T.at"], "+10000-01-01T00:00:00.000");
        assert_eq!(rows[2]["T.dup"], Value::Null);
    }

    #[test]
    fn an_empty_result_is_an_empty_array() {
        let r = QueryResult::new(
            vec![column(&["T.n"], JsonStyle::Number)],
            vec![Arc::new(Int64Array::from(Vec::<i64>::new())) as ArrayRef],
        )
        .expect("valid batch");
        assert_eq!(serde_json::to_string(&r.rows()).expect("serializes"), "[]");
    }
}
