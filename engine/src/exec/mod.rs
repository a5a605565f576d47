//! Running rendered queries: the [`Executor`] trait and its PostgreSQL and
//! DataFusion implementations.

pub mod import;

mod datafusion;
mod executor;
mod pg_value;
mod postgres;
mod resources;

pub use self::datafusion::{DataFusionExecutor, TableFactory};
pub use executor::{ExecutedQuery, Executor};
pub use postgres::{PgConfig, PostgresExecutor};
pub use resources::{DataFusionLimits, DataFusionResources};
