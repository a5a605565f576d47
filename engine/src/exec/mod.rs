//! Running rendered queries: the [`Executor`] trait and its PostgreSQL and
//! DataFusion implementations.

pub mod datafusion;
pub mod executor;
pub mod import;
pub mod pg_value;
pub mod postgres;
pub mod resources;

pub use self::datafusion::{DataFusionExecutor, TableFactory};
pub use executor::{ExecutedQuery, Executor};
pub use postgres::{PgConfig, PostgresExecutor};
pub use resources::{DataFusionLimits, DataFusionResources};
