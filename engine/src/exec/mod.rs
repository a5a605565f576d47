//! Running plans: on PostgreSQL today, on DataFusion next.

pub mod datafusion;
pub mod import;
pub mod pg_value;
pub mod postgres;

pub use self::datafusion::{DataFusionExecutor, TableFactory};
pub use postgres::{PgConfig, PostgresExecutor};
