//! Reading an uploaded CSV file into Arrow record batches, with column types
//! inferred from the rows and column names made safe to use as member names.
//!
//! Arrow's CSV reader does the parsing and type inference; this module only
//! checks the file before and after (text, header, column count, ragged rows,
//! at least one data row) and turns every problem into a message a person can
//! act on. Dates become timestamps, so that time dimensions see one type.

use std::collections::HashSet;
use std::io::Cursor;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch};
use arrow::csv::reader::Format;
use arrow::csv::ReaderBuilder;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::error::ArrowError;

/// Longest member name made from a header (the identifier rule's limit).
const MAX_NAME_LEN: usize = 63;

/// Rows read to infer the column types.
const INFER_ROWS: usize = 10_000;

/// Rows per record batch.
const BATCH_ROWS: usize = 8_192;

/// What an uploaded file may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvLimits {
    /// Most bytes of the file.
    pub max_bytes: usize,
    /// Most columns.
    pub max_columns: usize,
    /// Most data rows.
    pub max_rows: usize,
}

impl Default for CsvLimits {
    fn default() -> Self {
        CsvLimits {
            max_bytes: 10 * 1024 * 1024,
            max_columns: 200,
            max_rows: 1_000_000,
        }
    }
}

/// What a column holds, as the cube will use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text: a string dimension.
    Text,
    /// Whole or decimal numbers: a number dimension and a sum.
    Number,
    /// `true`/`false`: a boolean dimension.
    Boolean,
    /// Dates or timestamps: a time dimension.
    Time,
}

impl ColumnKind {
    /// The name shown to people (`text`, `number`, `boolean`, `time`).
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::Text => "text",
            ColumnKind::Number => "number",
            ColumnKind::Boolean => "boolean",
            ColumnKind::Time => "time",
        }
    }
}

/// One column of an uploaded table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvColumn {
    /// The safe name (lower-case letters, digits and `_`), used as the
    /// table's column name and the dimension's name.
    pub name: String,
    /// The header as written in the file (the member's title).
    pub header: String,
    /// What it holds.
    pub kind: ColumnKind,
}

/// A parsed file: its columns and rows.
#[derive(Debug, Clone)]
pub struct CsvTable {
    /// The columns, in file order.
    pub columns: Vec<CsvColumn>,
    /// The Arrow schema (column names are the safe names).
    pub schema: SchemaRef,
    /// The rows.
    pub batches: Vec<RecordBatch>,
    /// How many data rows.
    pub rows: usize,
}

/// Why a file was refused. Each message names the problem and, where there
/// is one, the line.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CsvError {
    /// No bytes at all.
    #[error("the file is empty")]
    Empty,
    /// Over the size limit.
    #[error("the file has {size} bytes; uploads may have at most {limit} bytes")]
    TooLarge {
        /// Bytes received (at least).
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not text: binary content or an encoding other than UTF-8.
    #[error("the file is not a CSV text file: {why}")]
    NotText {
        /// What gave it away.
        why: String,
    },
    /// A header but no rows.
    #[error("the file has a header row but no data rows")]
    NoRows,
    /// Too many columns.
    #[error("the file has {columns} columns; uploads may have at most {limit}")]
    TooManyColumns {
        /// Columns in the header.
        columns: usize,
        /// The limit.
        limit: usize,
    },
    /// Too many rows.
    #[error("the file has more than {limit} data rows")]
    TooManyRows {
        /// The limit.
        limit: usize,
    },
    /// A row whose field count differs from the header's, or another
    /// parse failure.
    #[error("the file is not well-formed CSV: {detail}")]
    Malformed {
        /// Arrow's description (names the line where it can).
        detail: String,
    },
}

/// Reads `bytes` as a CSV file with a header row.
pub fn read_csv(bytes: &[u8], limits: &CsvLimits) -> Result<CsvTable, CsvError> {
    if bytes.is_empty() || bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(CsvError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(CsvError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| CsvError::NotText {
        why: format!(
            "it is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ),
    })?;
    if text.contains('\0') {
        return Err(CsvError::NotText {
            why: "it contains NUL bytes (a binary file?)".into(),
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    let format = Format::default().with_header(true);
    let (inferred, _) = format
        .infer_schema(Cursor::new(text.as_bytes()), Some(INFER_ROWS))
        .map_err(malformed)?;
    let fields = inferred.fields();
    if fields.len() > limits.max_columns {
        return Err(CsvError::TooManyColumns {
            columns: fields.len(),
            limit: limits.max_columns,
        });
    }
    let headers: Vec<String> = fields.iter().map(|f| f.name().trim().to_string()).collect();
    let names = safe_names(&headers);

    // Read with the inferred types under the safe names.
    let read_schema = Arc::new(Schema::new(
        fields
            .iter()
            .zip(&names)
            .map(|(f, n)| Field::new(n, f.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let reader = ReaderBuilder::new(read_schema.clone())
        .with_format(format)
        .with_batch_size(BATCH_ROWS)
        .build(Cursor::new(text.as_bytes()))
        .map_err(malformed)?;
    let mut batches = Vec::new();
    let mut rows = 0usize;
    for batch in reader {
        let batch = batch.map_err(malformed)?;
        rows += batch.num_rows();
        if rows > limits.max_rows {
            return Err(CsvError::TooManyRows {
                limit: limits.max_rows,
            });
        }
        batches.push(batch);
    }
    if rows == 0 {
        return Err(CsvError::NoRows);
    }

    let columns: Vec<CsvColumn> = read_schema
        .fields()
        .iter()
        .zip(headers)
        .map(|(f, header)| CsvColumn {
            name: f.name().clone(),
            header,
            kind: kind_of(f.data_type()),
        })
        .collect();
    let (schema, batches) = with_timestamps(&read_schema, batches)?;
    Ok(CsvTable {
        columns,
        schema,
        batches,
        rows,
    })
}

fn malformed(e: ArrowError) -> CsvError {
    let detail = match e {
        ArrowError::CsvError(m) | ArrowError::ParseError(m) => m,
        other => other.to_string(),
    };
    CsvError::Malformed { detail }
}

fn kind_of(t: &DataType) -> ColumnKind {
    match t {
        DataType::Boolean => ColumnKind::Boolean,
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => ColumnKind::Time,
        t if t.is_numeric() => ColumnKind::Number,
        _ => ColumnKind::Text,
    }
}

/// Dates and timestamps of any unit become microsecond timestamps.
fn with_timestamps(
    schema: &SchemaRef,
    batches: Vec<RecordBatch>,
) -> Result<(SchemaRef, Vec<RecordBatch>), CsvError> {
    let target = DataType::Timestamp(TimeUnit::Microsecond, None);
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match kind_of(f.data_type()) {
            ColumnKind::Time => Field::new(f.name(), target.clone(), true),
            _ => f.as_ref().clone(),
        })
        .collect();
    let out_schema = Arc::new(Schema::new(fields));
    if out_schema == *schema {
        return Ok((out_schema, batches));
    }
    let mut out = Vec::with_capacity(batches.len());
    for batch in batches {
        let columns = batch
            .columns()
            .iter()
            .zip(out_schema.fields())
            .map(|(c, f)| arrow::compute::cast(c, f.data_type()))
            .collect::<Result<Vec<ArrayRef>, _>>()
            .map_err(malformed)?;
        out.push(RecordBatch::try_new(out_schema.clone(), columns).map_err(malformed)?);
    }
    Ok((out_schema, out))
}

/// Member-safe names for headers: lower-case ASCII letters, digits and `_`,
/// starting with a letter, at most 63 bytes, unique (`_2`, `_3` ... added).
pub fn safe_names(headers: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let base = safe_name(h).unwrap_or_else(|| format!("column_{}", i + 1));
            let mut name = base.clone();
            let mut n = 2;
            while !seen.insert(name.clone()) {
                let suffix = format!("_{n}");
                let keep = MAX_NAME_LEN.saturating_sub(suffix.len()).min(base.len());
                name = format!("{}{suffix}", &base[..keep]);
                n += 1;
            }
            name
        })
        .collect()
}

/// One header as a safe name, `None` when nothing usable is left.
pub fn safe_name(header: &str) -> Option<String> {
    let mut out = String::new();
    for c in header.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() {
        return None;
    }
    let mut name = if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("c_{trimmed}")
    } else {
        trimmed.to_string()
    };
    name.truncate(MAX_NAME_LEN);
    Some(name.trim_end_matches('_').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<CsvTable, CsvError> {
        read_csv(text.as_bytes(), &CsvLimits::default())
    }

    #[test]
    fn infers_kinds_and_safe_names() {
        let t = read(
            "Region,Order Date,Amount (EUR),Paid?,Region\n\
             North,2025-01-03,12.5,true,n\n\
             South,2025-02-10,7,false,s\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<(&str, &str, ColumnKind)> = t
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.header.as_str(), c.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                ("region", "Region", ColumnKind::Text),
                ("order_date", "Order Date", ColumnKind::Time),
                ("amount_eur", "Amount (EUR)", ColumnKind::Number),
                ("paid", "Paid?", ColumnKind::Boolean),
                ("region_2", "Region", ColumnKind::Text),
            ]
        );
        assert_eq!(t.rows, 2);
        assert_eq!(
            t.schema.field(1).data_type(),
            &DataType::Timestamp(TimeUnit::Microsecond, None)
        );
        assert_eq!(t.batches[0].num_rows(), 2);
    }

    #[test]
    fn refuses_bad_files_with_a_reason() {
        assert_eq!(read("").err(), Some(CsvError::Empty));
        assert_eq!(read(" \n\n").err(), Some(CsvError::Empty));
        assert_eq!(read("a,b\n").err(), Some(CsvError::NoRows));
        let ragged = read("a,b\n1,2\n3,4,5\n").err();
        assert!(
            matches!(&ragged, Some(CsvError::Malformed { detail }) if detail.contains("line")),
            "{ragged:?}"
        );
        let png = [
            0x89u8, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13,
        ];
        assert!(matches!(
            read_csv(&png, &CsvLimits::default()),
            Err(CsvError::NotText { .. })
        ));
        let binary_utf8 = "a,b\n1,\0\n";
        assert!(matches!(read(binary_utf8), Err(CsvError::NotText { .. })));
        let wide = (0..201)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(",");
        let wide = format!("{wide}\n{}\n", vec!["1"; 201].join(","));
        assert_eq!(
            read(&wide).err(),
            Some(CsvError::TooManyColumns {
                columns: 201,
                limit: 200
            })
        );
        let small = CsvLimits {
            max_bytes: 8,
            ..CsvLimits::default()
        };
        assert!(matches!(
            read_csv(b"a,b\n1,2\n3,4\n", &small),
            Err(CsvError::TooLarge { limit: 8, .. })
        ));
        let few_rows = CsvLimits {
            max_rows: 1,
            ..CsvLimits::default()
        };
        assert_eq!(
            read_csv(b"a\n1\n2\n", &few_rows).err(),
            Some(CsvError::TooManyRows { limit: 1 })
        );
    }

    #[test]
    fn formula_cells_stay_plain_text() {
        let t = read("name,note\nx,=cmd()\ny,@SUM(A1)\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.columns[1].kind, ColumnKind::Text);
        let notes = arrow::util::display::array_value_to_string(t.batches[0].column(1), 0)
            .unwrap_or_default();
        assert_eq!(notes, "=cmd()");
    }

    #[test]
    fn safe_names_never_collide_or_start_with_a_digit() {
        let names = safe_names(&[
            "2024 sales".into(),
            "".into(),
            "%%".into(),
            "x".into(),
            "X".into(),
        ]);
        assert_eq!(
            names,
            vec!["c_2024_sales", "column_2", "column_3", "x", "x_2"]
        );
        let long = "a".repeat(100);
        let names = safe_names(&[long.clone(), long]);
        assert_eq!(names[0].len(), 63);
        assert_eq!(names[1].len(), 63);
        assert!(names[1].ends_with("_2"));
    }
}
