//! Running plans on Apache DataFusion over Arrow data: CSV and Parquet
//! files, or record batches held in memory.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use arrow::array::{Array, ArrayRef};
use arrow::compute::{cast, concat_batches};
use arrow::datatypes::{DataType, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use datafusion::common::TableReference;
use datafusion::datasource::{MemTable, TableProvider};
use datafusion::prelude::{CsvReadOptions, ParquetReadOptions, SessionConfig, SessionContext};

use super::executor::{ExecutedQuery, Executor};
use super::resources::{df_error, DataFusionResources};
use crate::dialect::{DataFusionDialect, Dialect};
use crate::error::EngineError;
use crate::result::{JsonStyle, OutputColumn, QueryResult};
use crate::sql::RenderedQuery;

/// Runs rendered query trees on a DataFusion session.
///
/// The session is created on first use, not with the executor: creating a
/// DataFusion `SessionContext` registers its ~300 built-in functions, optimizer
/// rules and file formats, which maps about 17 MB of the binary's code into
/// memory. Tables registered before then ([`DataFusionExecutor::register_batches`])
/// are held and handed to the session when it is created, so a server whose
/// DataFusion data source has not been queried yet (e.g. `strata serve --demo`
/// at idle) does not pay for it.
///
/// An executor made with [`DataFusionExecutor::with_resources`] runs its
/// queries within shared [`DataFusionResources`]: a bounded memory budget
/// (operators spill to disk or fail with
/// [`EngineError::ResourcesExhausted`]) and a number of query slots. One
/// made with [`DataFusionExecutor::new`] has no such bounds.
pub struct DataFusionExecutor {
    config: SessionConfig,
    /// Memory pool and query slots; `None`: unbounded memory, no queue.
    resources: Option<Arc<DataFusionResources>>,
    ctx: OnceLock<SessionContext>,
    /// Tables waiting for the session; `None` once the session has taken
    /// them (not derivable from `ctx`: between the two, a registration must
    /// wait for the session rather than join a list already handed over).
    pending: Mutex<Option<PendingTables>>,
}

/// Tables registered before the session exists, by the reference DataFusion
/// will register them under (unquoted names folded to lower case), so that a
/// duplicate is caught now as the session would catch it.
type PendingTables = Vec<(TableReference, TableFactory)>;

/// Makes a table when the session is created
/// ([`DataFusionExecutor::register_deferred`]).
pub type TableFactory =
    Box<dyn FnOnce() -> Result<Arc<dyn TableProvider>, datafusion::error::DataFusionError> + Send>;

impl std::fmt::Debug for DataFusionExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataFusionExecutor")
            .field("session_created", &self.ctx.get().is_some())
            .finish_non_exhaustive()
    }
}

impl Default for DataFusionExecutor {
    fn default() -> Self {
        Self::new()
    }
}

/// The pending-table list; a panic elsewhere while it was held leaves the
/// list itself intact, so a poisoned lock is taken over.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl DataFusionExecutor {
    /// An executor with no tables (its session is created on first use),
    /// whose queries' memory and number are not bounded.
    pub fn new() -> Self {
        let config = SessionConfig::new()
            .with_target_partitions(
                std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(2),
            )
            .with_information_schema(false);
        DataFusionExecutor {
            config,
            resources: None,
            ctx: OnceLock::new(),
            pending: Mutex::new(Some(Vec::new())),
        }
    }

    /// An executor with no tables whose queries share `resources` (memory
    /// pool and query slots) with every other executor made with them.
    pub fn with_resources(resources: Arc<DataFusionResources>) -> Self {
        let plain = Self::new();
        DataFusionExecutor {
            config: resources.configure(plain.config.clone()),
            resources: Some(resources),
            ..plain
        }
    }

    /// The shared memory pool and query slots, if this executor has them.
    pub fn resources(&self) -> Option<&Arc<DataFusionResources>> {
        self.resources.as_ref()
    }

    /// The DataFusion session, for registering more sources; created (with
    /// every table registered so far) if it does not exist yet.
    pub fn session(&self) -> &SessionContext {
        self.ctx.get_or_init(|| {
            let ctx = match &self.resources {
                Some(r) => SessionContext::new_with_config_rt(self.config.clone(), r.runtime()),
                None => SessionContext::new_with_config(self.config.clone()),
            };
            for (name, make) in lock(&self.pending).take().unwrap_or_default() {
                // Names were checked when the tables were registered.
                if let Err(e) = make().and_then(|table| ctx.register_table(name.clone(), table)) {
                    tracing::error!("DataFusion: table {name}: {e}");
                }
            }
            ctx
        })
    }

    /// Whether the session has been created (by a query or by
    /// [`DataFusionExecutor::session`]).
    pub fn session_created(&self) -> bool {
        self.ctx.get().is_some()
    }

    /// Registers record batches as table `name`. Before the session exists
    /// the table is held for it; it is an error to register a name twice.
    pub fn register_batches(
        &self,
        name: &str,
        schema: SchemaRef,
        batches: Vec<RecordBatch>,
    ) -> Result<(), EngineError> {
        let table = MemTable::try_new(schema, vec![batches]).map_err(df_error)?;
        self.register_table(name, Arc::new(table))
    }

    /// Registers any DataFusion table (e.g. a view over record batches) as
    /// table `name`; held until the session exists, like
    /// [`DataFusionExecutor::register_batches`].
    pub fn register_table(
        &self,
        name: &str,
        table: Arc<dyn TableProvider>,
    ) -> Result<(), EngineError> {
        self.register_deferred(name, Box::new(move || Ok(table)))
    }

    /// Registers table `name`, made by `make` when the session is created
    /// (at once if it exists). Building a DataFusion table (a `MemTable`, a
    /// view's logical plan) runs DataFusion code; deferring it keeps that
    /// code out of memory until the first query, as the session is. Should
    /// `make` fail then, the error is logged and the table is missing.
    pub fn register_deferred(&self, name: &str, make: TableFactory) -> Result<(), EngineError> {
        {
            let mut pending = lock(&self.pending);
            if let Some(tables) = pending.as_mut() {
                let reference = TableReference::from(name);
                if tables.iter().any(|(r, _)| *r == reference) {
                    return Err(EngineError::Database {
                        message: format!("DataFusion: table '{name}' already exists"),
                        source: None,
                    });
                }
                tables.push((reference, make));
                return Ok(());
            }
        }
        let table = make().map_err(df_error)?;
        self.session()
            .register_table(name, table)
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
        self.session()
            .register_csv(name, path, options)
            .await
            .map_err(df_error)
    }

    /// Registers a Parquet file (or directory of files) as table `name`.
    pub async fn register_parquet(&self, name: &str, path: &str) -> Result<(), EngineError> {
        self.session()
            .register_parquet(name, path, ParquetReadOptions::default())
            .await
            .map_err(df_error)
    }

    /// Plans and runs a query tree, returning every batch. With
    /// [`DataFusionResources`], the query first waits for a slot.
    pub async fn run(&self, query: sqlparser::ast::Query) -> Result<Vec<RecordBatch>, EngineError> {
        self.run_in_slot(query)
            .await
            .map(|(batches, _slot)| batches)
    }

    /// [`DataFusionExecutor::run`], also returning the query's slot so that
    /// the caller can keep it while it reads the batches.
    async fn run_in_slot(
        &self,
        query: sqlparser::ast::Query,
    ) -> Result<(Vec<RecordBatch>, Option<crate::fair_queue::Place>), EngineError> {
        // The slot first, then a memory pool of the query's own.
        let (slot, runtime) = match &self.resources {
            Some(r) => {
                let slot = r.slot().await?;
                let partitions = self.config.target_partitions();
                (Some(slot), Some(r.query_runtime(partitions)?))
            }
            None => (None, None),
        };
        let stmt = datafusion::sql::parser::Statement::Statement(Box::new(
            sqlparser::ast::Statement::Query(Box::new(query)),
        ));
        let ctx = self.session();
        let plan = ctx
            .state()
            .statement_to_plan(stmt)
            .await
            .map_err(df_error)?;
        let df = ctx.execute_logical_plan(plan).await.map_err(df_error)?;
        let mut task = df.task_ctx();
        if let Some(runtime) = runtime {
            task = task.with_runtime(runtime);
        }
        let physical = df.create_physical_plan().await.map_err(df_error)?;
        let batches = datafusion::physical_plan::collect(physical, Arc::new(task))
            .await
            .map_err(df_error)?;
        Ok((batches, slot))
    }

    /// Runs a query tree and reads it into a [`QueryResult`] with `columns`
    /// (one per output column, in order).
    pub(crate) async fn query_result(
        &self,
        query: sqlparser::ast::Query,
        columns: Vec<OutputColumn>,
    ) -> Result<QueryResult, EngineError> {
        // The slot is kept while the batches are copied into the result, so
        // that the copies count among the queries running.
        let (batches, _slot) = self.run_in_slot(query).await?;
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

#[async_trait::async_trait]
impl Executor for DataFusionExecutor {
    fn dialect(&self) -> &dyn Dialect {
        &DataFusionDialect
    }

    async fn execute(
        &self,
        query: &RenderedQuery,
        columns: Vec<OutputColumn>,
    ) -> Result<ExecutedQuery, EngineError> {
        let main = self.query_result(query.main_ast.clone(), columns);
        let Some(count) = query.total_ast.clone() else {
            return Ok(ExecutedQuery {
                result: main.await?,
                total: None,
            });
        };
        let (result, total) = tokio::join!(main, self.count(count));
        Ok(ExecutedQuery {
            result: result?,
            total: Some(total?),
        })
    }

    async fn fetch(&self, query: &RenderedQuery) -> Result<RecordBatch, EngineError> {
        let batches = self.run(query.main_ast.clone()).await?;
        match batches.first() {
            Some(b) => concat_batches(&b.schema(), &batches)
                .map_err(|e| EngineError::result(e.to_string(), e)),
            None => Ok(RecordBatch::new_empty(Arc::new(
                arrow::datatypes::Schema::empty(),
            ))),
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
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
        return QueryResult::new(columns, arrays)
            .map_err(|e| EngineError::result(e.to_string(), e));
    };
    let schema = first.schema();
    let batch =
        concat_batches(&schema, batches).map_err(|e| EngineError::result(e.to_string(), e))?;
    if batch.num_columns() < columns.len() {
        return Err(EngineError::Result {
            message: format!(
                "expected {} columns, DataFusion returned {}",
                columns.len(),
                batch.num_columns()
            ),
            source: None,
        });
    }
    let mut arrays = Vec::with_capacity(columns.len());
    for (i, col) in columns.iter_mut().enumerate() {
        let a = batch.column(i);
        let (target, style) = canonical(a.data_type());
        col.style = style;
        let a = if matches!(a.data_type(), DataType::Timestamp(_, Some(_))) {
            // Zoned timestamps are shown as their UTC wall time.
            let naive = DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()));
            let utc = cast(a, &naive).map_err(|e| EngineError::result(e.to_string(), e))?;
            let data = utc
                .to_data()
                .into_builder()
                .data_type(target.clone())
                .build();
            arrow::array::make_array(data.map_err(|e| EngineError::result(e.to_string(), e))?)
        } else {
            cast(a, &target).map_err(|e| EngineError::result(e.to_string(), e))?
        };
        arrays.push(a);
    }
    QueryResult::new(columns, arrays).map_err(|e| EngineError::result(e.to_string(), e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int32Array;
    use arrow::datatypes::{Field, Schema};
    use sqlparser::dialect::GenericDialect;
    use sqlparser::parser::Parser;

    fn batch(values: Vec<i32>) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![Field::new("n", DataType::Int32, false)]));
        RecordBatch::try_new(schema, vec![Arc::new(Int32Array::from(values))])
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn register(df: &DataFusionExecutor, name: &str, values: Vec<i32>) -> Result<(), EngineError> {
        let b = batch(values);
        df.register_batches(name, b.schema(), vec![b])
    }

    fn query(sql: &str) -> sqlparser::ast::Query {
        match Parser::parse_sql(&GenericDialect {}, sql).map(|mut s| s.remove(0)) {
            Ok(sqlparser::ast::Statement::Query(q)) => *q,
            other => panic!("not a query: {other:?}"),
        }
    }

    #[tokio::test]
    async fn session_is_created_by_the_first_query_with_the_tables_registered_before() {
        let df = DataFusionExecutor::new();
        register(&df, "a", vec![1, 2, 3]).unwrap();
        register(&df, "b", vec![4]).unwrap();
        assert!(
            !df.session_created(),
            "registering must not create the session"
        );
        assert_eq!(df.count(query("SELECT count(*) FROM a")).await.unwrap(), 3);
        assert!(df.session_created());
        assert_eq!(df.count(query("SELECT count(*) FROM b")).await.unwrap(), 1);
        // Tables registered once the session exists go straight to it.
        register(&df, "c", vec![5, 6]).unwrap();
        assert_eq!(df.count(query("SELECT count(*) FROM c")).await.unwrap(), 2);
    }

    #[test]
    fn a_name_registered_twice_is_an_error_before_and_after_the_session_exists() {
        let df = DataFusionExecutor::new();
        register(&df, "a", vec![1]).unwrap();
        let before = register(&df, "a", vec![2]).unwrap_err().to_string();
        assert!(before.contains("'a' already exists"), "{before}");
        // Unquoted names are folded as DataFusion folds them.
        let folded = register(&df, "A", vec![2]).unwrap_err().to_string();
        assert!(folded.contains("'A' already exists"), "{folded}");
        df.session();
        let after = register(&df, "a", vec![2]).unwrap_err().to_string();
        assert!(after.contains("already exists"), "{after}");
    }

    #[tokio::test]
    async fn a_deferred_table_is_made_when_the_session_is() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let made = Arc::new(AtomicUsize::new(0));
        let factory = |values: Vec<i32>| -> TableFactory {
            let made = made.clone();
            Box::new(move || {
                made.fetch_add(1, Ordering::SeqCst);
                let b = batch(values);
                Ok(Arc::new(MemTable::try_new(b.schema(), vec![vec![b]])?) as _)
            })
        };
        let df = DataFusionExecutor::new();
        df.register_deferred("a", factory(vec![1, 2])).unwrap();
        assert_eq!(made.load(Ordering::SeqCst), 0, "made before the session");
        let duplicate = df.register_deferred("a", factory(vec![3])).unwrap_err();
        assert!(duplicate.to_string().contains("already exists"));
        assert_eq!(df.count(query("SELECT count(*) FROM a")).await.unwrap(), 2);
        assert_eq!(made.load(Ordering::SeqCst), 1);
        // Once the session exists, a factory runs at once; its error is returned.
        df.register_deferred("b", factory(vec![4])).unwrap();
        assert_eq!(made.load(Ordering::SeqCst), 2);
        let failing: TableFactory =
            Box::new(|| Err(datafusion::error::DataFusionError::Plan("no table".into())));
        let err = df.register_deferred("c", failing).unwrap_err().to_string();
        assert!(err.contains("no table"), "{err}");
    }
}
