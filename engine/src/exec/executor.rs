//! [`Executor`]: where a data source's queries run. PostgreSQL and DataFusion
//! (files, rollups, the demo) implement it; adding a back end is one
//! [`Dialect`] and one executor, and nothing else in the engine names it.

use std::any::Any;
use std::fmt::Debug;

use arrow::record_batch::RecordBatch;
use async_trait::async_trait;

use crate::dialect::Dialect;
use crate::error::EngineError;
use crate::result::{OutputColumn, QueryResult};
use crate::sql::RenderedQuery;

/// The rows of a query and, when `total` was asked, the count of all rows
/// ignoring limit and offset.
#[derive(Debug, Clone)]
pub struct ExecutedQuery {
    /// The rows, one column per output column.
    pub result: QueryResult,
    /// The row count without limit and offset.
    pub total: Option<u64>,
}

/// A database or query engine that runs rendered queries.
#[async_trait]
pub trait Executor: Debug + Send + Sync {
    /// The dialect its queries are rendered in. It may change once, when
    /// [`Executor::prepare`] has detected what the database supports.
    fn dialect(&self) -> &dyn Dialect;

    /// Learns what the database supports (e.g. PostgreSQL's `hll`), once;
    /// the engine calls it before it plans a query for this back end.
    async fn prepare(&self) -> Result<(), EngineError> {
        Ok(())
    }

    /// Runs a rendered query: its rows read into `columns` (one per output
    /// column, in order) and its row count when it has a count query.
    async fn execute(
        &self,
        query: &RenderedQuery,
        columns: Vec<OutputColumn>,
    ) -> Result<ExecutedQuery, EngineError>;

    /// Runs a rendered query and returns its rows as one Arrow batch (what a
    /// rollup is built from).
    async fn fetch(&self, query: &RenderedQuery) -> Result<RecordBatch, EngineError>;

    /// The first value of the first row of `sql`, a model's refresh key
    /// query, as text; `None` when this back end does not run refresh key
    /// queries.
    async fn refresh_key(&self, sql: &str) -> Result<Option<String>, EngineError> {
        let _ = sql;
        Ok(None)
    }

    /// Checks that the back end answers.
    async fn ping(&self) -> Result<(), EngineError> {
        Ok(())
    }

    /// The concrete executor, for callers that need what only it offers.
    fn as_any(&self) -> &dyn Any;
}
