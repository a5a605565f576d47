//! Running plans on Apache DataFusion over Arrow data: CSV and Parquet
//! files, or record batches held in memory.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef};
use arrow::compute::{cast, concat_batches};
use arrow::datatypes::{DataType, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use datafusion::datasource::MemTable;
use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionConfig, SessionContext};

use crate::error::EngineError;
use crate::result::{JsonStyle, OutputColumn, QueryResult};

/// Runs rendered query trees on a DataFusion session.
pub struct DataFusionExecutor {
    ctx: SessionContext,
}

impl std::fmt::Debug for DataFusionExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataFusionExecutor").finish_non_exhaustive()
    }
}

impl Default for DataFusionExecutor {
    fn default() -> Self {
        Self::new()
    }
}

fn df_error(e: datafusion::error::DataFusionError) -> EngineError {
    EngineError::Database(format!("DataFusion: {e}"))
}

impl DataFusionExecutor {
    /// A session with no tables.
    pub fn new() -> Self {
        let config = SessionConfig::new()
            .with_target_partitions(
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(2),
            )
            .with_information_schema(false);
        DataFusionExecutor {
            ctx: SessionContext::new_with_config(config),
        }
    }

    /// The DataFusion session, for registering more sources.
    pub fn session(&self) -> &SessionContext {
        &self.ctx
    }

    /// Registers record batches as table `name`.
    pub fn register_batches(
        &self,
        name: &str,
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
    ) -> Result<(), EngineError> {
        let table = MemTable::try_new(schema, vec![batches]).map_err(df_error)?;
        self.ctx
            .register_table(name, Arc::new(table))
            .map_err(df_error)?;
        Ok(())
    }

    /// Registers a CSV file (or directory of files) as table `name`, with an
    /// explicit schema when given (else inferred from the header and rows).
    pub async fn register_csv(
        &self,
        name: &str,
        path: &str,
        schema: Option<SchemaRef>,
    ) -> Result<(), EngineError> {
        let mut options = CsvReadOptions::new().has_header(true);
        if let Some(s) = schema.as_deref() {
            options = options.schema(s);
        }
        self.ctx
            .register_csv(name, path, options)
            .await
            .map_err(df_error)
    }

    /// Registers a Parquet file (or directory of files) as table `name`.
    pub async fn register_parquet(&self, name: &str, path: &str) -> Result<(), EngineError> {
        self.ctx
            .register_parquet(name, path, ParquetReadOptions::default())
            .await
            .map_err(df_error)
    }

    /// Plans and runs a query tree, returning every batch.
    pub async fn run(&self, query: sqlparser::ast::Query) -> Result<Vec<RecordBatch>, EngineError> {
        let stmt = datafusion::sql::parser::Statement::Statement(Box::new(
            sqlparser::ast::Statement::Query(Box::new(query)),
        ));
        let state = self.ctx.state();
        let plan = state.statement_to_plan(stmt).await.map_err(df_error)?;
        let df = self
            .ctx
            .execute_logical_plan(plan)
            .await
            .map_err(df_error)?;
        df.collect().await.map_err(df_error)
    }

    /// Runs a query tree and reads it into a [`QueryResult`] with `columns`
    /// (one per output column, in order).
    pub async fn query_result(
        &self,
        query: sqlparser::ast::Query,
        columns: Vec<OutputColumn>,
    ) -> Result<QueryResult, EngineError> {
        let batches = self.run(query).await?;
        batches_to_result(&batches, columns)
    }

    /// Runs a `SELECT count(*)` tree and returns the count.
    pub async fn count(&self, query: sqlparser::ast::Query) -> Result<u64, EngineError> {
        let batches = self.run(query).await?;
        let n = batches
            .iter()
            .find(|b| b.num_rows() > 0)
            .and_then(|b| cast(b.column(0), &DataType::Int64).ok())
            .and_then(|a| {
                a.as_any()
                    .downcast_ref::<arrow::array::Int64Array>()
                    .map(|x| x.value(0))
            })
            .unwrap_or(0);
        Ok(n.max(0) as u64)
    }
}

/// The canonical column type and JSON style for an Arrow type, matching
/// what PostgreSQL gives for the same data.
fn canonical(dt: &DataType) -> (DataType, JsonStyle) {
    match dt {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => (DataType::Int64, JsonStyle::Number),
        DataType::Int64 | DataType::UInt64 => (DataType::Int64, JsonStyle::NumericString),
        DataType::Float16 | DataType::Float32 | DataType::Float64 => {
            (DataType::Float64, JsonStyle::Number)
        }
        DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => (DataType::Utf8, JsonStyle::NumericString),
        DataType::Boolean => (DataType::Boolean, JsonStyle::Boolean),
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(..) => (
            DataType::Timestamp(TimeUnit::Millisecond, None),
            JsonStyle::Time,
        ),
        _ => (DataType::Utf8, JsonStyle::Text),
    }
}

/// Reads DataFusion batches into a [`QueryResult`].
pub fn batches_to_result(
    batches: &[RecordBatch],
    mut columns: Vec<OutputColumn>,
) -> Result<QueryResult, EngineError> {
    let Some(first) = batches.first() else {
        let arrays = columns
            .iter()
            .map(|_| {
                Arc::new(arrow::array::StringArray::from(Vec::<Option<String>>::new())) as ArrayRef
            })
            .collect();
        return QueryResult::new(columns, arrays).map_err(|e| EngineError::Result(e.to_string()));
    };
    let schema = first.schema();
    let batch = concat_batches(&schema, batches).map_err(|e| EngineError::Result(e.to_string()))?;
    if batch.num_columns() < columns.len() {
        return Err(EngineError::Result(format!(
            "expected {} columns, DataFusion returned {}",
            columns.len(),
            batch.num_columns()
        )));
    }
    let mut arrays = Vec::with_capacity(columns.len());
    for (i, col) in columns.iter_mut().enumerate() {
        let a = batch.column(i);
        let (target, style) = canonical(a.data_type());
        col.style = style;
        let a = if matches!(a.data_type(), DataType::Timestamp(_, Some(_))) {
            // Zoned timestamps are shown as their UTC wall time.
            let naive = DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()));
            let utc = cast(a, &naive).map_err(|e| EngineError::Result(e.to_string()))?;
            let data = utc
                .to_data()
                .into_builder()
                .data_type(target.clone())
                .build();
            arrow::array::make_array(data.map_err(|e| EngineError::Result(e.to_string()))?)
        } else {
            cast(a, &target).map_err(|e| EngineError::Result(e.to_string()))?
        };
        arrays.push(a);
    }
    QueryResult::new(columns, arrays).map_err(|e| EngineError::Result(e.to_string()))
}
