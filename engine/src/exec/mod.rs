//! Running plans: on PostgreSQL today, on DataFusion next.

pub mod datafusion;
pub mod import;
pub mod pg_value;
pub mod postgres;

pub use self::datafusion::DataFusionExecutor;
pub use postgres::{PgConfig, PostgresExecutor};
