//! Running rendered queries: the [`Executor`] trait and its PostgreSQL and
//! DataFusion implementations.

mod datafusion;
mod executor;
mod postgres;
mod resources;

pub use self::datafusion::{DataFusionExecutor, TableFactory};
pub use executor::{ExecutedQuery, Executor};
pub use postgres::{postgres_to_arrow, PgConfig, PostgresExecutor};
pub use resources::{DataFusionLimits, DataFusionResources};
