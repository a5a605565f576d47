//! Copying query results from PostgreSQL into Arrow with exact types
//! (NUMERIC as Decimal128 with its scale), for DataFusion tables and rollups.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int32Builder,
    Int64Builder, StringBuilder, TimestampMicrosecondBuilder,
};
use arrow::compute::kernels::cast_utils::parse_decimal;
use arrow::datatypes::{DataType, Decimal128Type, Field, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use chrono::{NaiveDate, NaiveDateTime};
use tokio_postgres::types::Type;
use tokio_postgres::Row;

use super::value::{numeric_to_string, RawValue};
use super::PostgresExecutor;
use crate::error::EngineError;
use crate::sql::SqlStatement;

/// Runs `sql` on PostgreSQL and returns its rows as one Arrow batch.
pub async fn postgres_to_arrow(
    pg: &PostgresExecutor,
    sql: &str,
) -> Result<RecordBatch, EngineError> {
    let stmt = SqlStatement {
        sql: sql.to_string(),
        params: vec![],
    };
    let rows = pg.query(&stmt).await?;
    rows_to_batch(&rows)
}

fn err(e: impl std::error::Error + Send + Sync + 'static) -> EngineError {
    EngineError::result(e.to_string(), e)
}

fn get_raw(r: &Row, i: usize) -> Result<Option<RawValue<'_>>, EngineError> {
    r.try_get::<_, Option<RawValue>>(i).map_err(err)
}

/// Parses `123.45` into an i128 at `scale` digits (extra fraction digits are
/// cut off, missing ones filled with zeros); `None` for `NaN`, `Infinity` and
/// values beyond Decimal128's 38 digits, which become NULL.
fn decimal_at_scale(s: &str, scale: u32) -> Option<i128> {
    // More than 38 integer digits cannot fit; arrow counts digits in a `u8`,
    // so PostgreSQL's longest numerics must not reach it.
    let int = s.strip_prefix('-').unwrap_or(s).split('.').next()?;
    if int.trim_start_matches('0').len() > 38 {
        return None;
    }
    parse_decimal::<Decimal128Type>(s, 38, i8::try_from(scale).ok()?).ok()
}

/// Reads rows into one batch with types chosen from the column types.
pub(crate) fn rows_to_batch(rows: &[Row]) -> Result<RecordBatch, EngineError> {
    let Some(first) = rows.first() else {
        return Ok(RecordBatch::new_empty(Arc::new(Schema::empty())));
    };
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (i, c) in first.columns().iter().enumerate() {
        let name = c.name().to_string();
        let ty = c.type_().clone();
        let (dt, array): (DataType, ArrayRef) = match ty {
            Type::INT2 | Type::INT4 => {
                let mut b = Int32Builder::new();
                for r in rows {
                    let v = match ty {
                        Type::INT2 => r.try_get::<_, Option<i16>>(i).map_err(err)?.map(i32::from),
                        _ => r.try_get::<_, Option<i32>>(i).map_err(err)?,
                    };
                    b.append_option(v);
                }
                (DataType::Int32, Arc::new(b.finish()))
            }
            Type::INT8 => {
                let mut b = Int64Builder::new();
                for r in rows {
                    b.append_option(r.try_get::<_, Option<i64>>(i).map_err(err)?);
                }
                (DataType::Int64, Arc::new(b.finish()))
            }
            Type::FLOAT4 | Type::FLOAT8 => {
                let mut b = Float64Builder::new();
                for r in rows {
                    let v = match ty {
                        Type::FLOAT4 => r.try_get::<_, Option<f32>>(i).map_err(err)?.map(f64::from),
                        _ => r.try_get::<_, Option<f64>>(i).map_err(err)?,
                    };
                    b.append_option(v);
                }
                (DataType::Float64, Arc::new(b.finish()))
            }
            Type::NUMERIC => {
                let texts: Vec<Option<String>> = rows
                    .iter()
                    .map(|r| get_raw(r, i).map(|v| v.and_then(|x| numeric_to_string(x.0))))
                    .collect::<Result<_, _>>()?;
                let scale = texts
                    .iter()
                    .flatten()
                    .map(|t| t.split_once('.').map(|(_, f)| f.len()).unwrap_or(0))
                    .max()
                    .unwrap_or(0)
                    .min(18) as u32;
                let mut b = Decimal128Builder::new();
                for t in &texts {
                    b.append_option(t.as_deref().and_then(|t| decimal_at_scale(t, scale)));
                }
                let dt = DataType::Decimal128(38, scale as i8);
                (dt.clone(), Arc::new(b.finish().with_data_type(dt)))
            }
            Type::BOOL => {
                let mut b = BooleanBuilder::new();
                for r in rows {
                    b.append_option(r.try_get::<_, Option<bool>>(i).map_err(err)?);
                }
                (DataType::Boolean, Arc::new(b.finish()))
            }
            Type::DATE => {
                let mut b = Date32Builder::new();
                let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
                for r in rows {
                    let v = r.try_get::<_, Option<NaiveDate>>(i).map_err(err)?;
                    b.append_option(v.map(|d| (d - epoch).num_days() as i32));
                }
                (DataType::Date32, Arc::new(b.finish()))
            }
            Type::TIMESTAMP | Type::TIMESTAMPTZ => {
                let mut b = TimestampMicrosecondBuilder::new();
                for r in rows {
                    let v = match ty {
                        Type::TIMESTAMP => r.try_get::<_, Option<NaiveDateTime>>(i).map_err(err)?,
                        _ => r
                            .try_get::<_, Option<chrono::DateTime<chrono::Utc>>>(i)
                            .map_err(err)?
                            .map(|t| t.naive_utc()),
                    };
                    b.append_option(v.map(|t| t.and_utc().timestamp_micros()));
                }
                (
                    DataType::Timestamp(TimeUnit::Microsecond, None),
                    Arc::new(b.finish()),
                )
            }
            _ => {
                let mut b = StringBuilder::new();
                for r in rows {
                    let v = match ty {
                        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                            r.try_get::<_, Option<String>>(i).map_err(err)?
                        }
                        _ => get_raw(r, i)?.map(|x| String::from_utf8_lossy(x.0).into_owned()),
                    };
                    b.append_option(v);
                }
                (DataType::Utf8, Arc::new(b.finish()))
            }
        };
        fields.push(Field::new(name, dt, true));
        arrays.push(array);
    }
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    RecordBatch::try_new(schema, arrays).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_at_scale() {
        assert_eq!(decimal_at_scale("210.98", 5), Some(21098000));
        assert_eq!(decimal_at_scale("-3.3506", 4), Some(-33506));
        assert_eq!(decimal_at_scale("7", 2), Some(700));
        // Digits past the scale are cut off, not rounded.
        assert_eq!(decimal_at_scale("1.999", 2), Some(199));
        assert_eq!(decimal_at_scale("-0.5", 0), Some(0));
        assert_eq!(decimal_at_scale("0", 18), Some(0));
        // What numeric_to_string writes for the special values, and values
        // past Decimal128(38): NULL.
        assert_eq!(decimal_at_scale("NaN", 2), None);
        assert_eq!(decimal_at_scale("-Infinity", 2), None);
        let widest = "9".repeat(38);
        assert_eq!(decimal_at_scale(&widest, 0), widest.parse().ok());
        assert_eq!(decimal_at_scale(&"9".repeat(39), 0), None);
        // 39 digits that an i128 holds but Decimal128(38) does not.
        assert_eq!(decimal_at_scale(&format!("1{}", "0".repeat(38)), 0), None);
        assert_eq!(decimal_at_scale(&format!("{widest}.5"), 1), None);
        assert_eq!(decimal_at_scale(&"1".repeat(300), 0), None);
    }
}
