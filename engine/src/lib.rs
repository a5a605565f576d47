//! Strata's query engine: Cube REST queries resolved against a
//! [`SemanticModel`](strata_schema::SemanticModel) into a [`LogicalPlan`],
//! rendered in the [`Dialect`] of its data source (a sqlparser AST with bound
//! parameters) and run by that source's [`Executor`] into Arrow-backed,
//! chart-ready results.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use strata_engine::{Engine, PgConfig, PostgresExecutor, Query};
//!
//! let model = strata_schema::load_dir("model")?;
//! let pg = PostgresExecutor::new(PgConfig { dbname: "shop".into(), ..Default::default() })?;
//! let engine = Engine::new(Arc::new(model), Some(Arc::new(pg)));
//! // The query is a typed value; unknown fields and mistakes are errors naming their path.
//! let query: Query = serde_json::from_str(r#"{"measures": ["Orders.count"]}"#)?;
//! let planned = engine.plan(&query)?;
//! println!("{} {:?}", planned.sql, planned.params);
//! let result = engine.load(&query).await?;
//! println!("{:?}", result.rows_json());
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod exec;
pub mod fair_queue;
pub mod gate;
pub mod join_graph;
pub mod plan;
pub mod preagg;
pub mod query;
pub mod sql;

mod access;
mod annotation;
mod cache;
mod dialect;
mod engine;
mod error;
mod limits;
mod result;
mod result_rows;
#[cfg(test)]
pub(crate) mod testing;

pub use access::{AccessContext, AccessGrant};
pub use annotation::Annotation;
pub use cache::{CacheConfig, CacheMode};
pub use dialect::{DataFusionDialect, Dialect, PostgresDialect, SqlType};
pub use engine::{
    Backend, CachedLoad, Engine, EngineBuilder, LoadOptions, LoadResult, PlannedQuery,
    PreparedRequest, QueryType, DEFAULT_DATA_SOURCE,
};
pub use error::{EngineError, Exhausted, QueryError};
pub use exec::{
    DataFusionExecutor, DataFusionLimits, DataFusionResources, ExecutedQuery, Executor, PgConfig,
    PostgresExecutor, TableFactory,
};
pub use gate::{ExecutionGate, GateFuture, GatePass};
pub use limits::QueryLimits;
pub use plan::LogicalPlan;
pub use query::{NormalizedQuery, Query, QueryRequest};
pub use result::{JsonStyle, OutputColumn, QueryResult};
pub use result_rows::Rows;
pub use sql::SqlStatement;
