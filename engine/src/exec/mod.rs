//! Running plans: on PostgreSQL today, on DataFusion next.

pub mod datafusion;
pub mod import;
pub mod pg_value;
pub mod postgres;
pub mod resources;

pub use self::datafusion::{DataFusionExecutor, TableFactory};
pub use postgres::{PgConfig, PostgresExecutor};
pub use resources::{DataFusionLimits, DataFusionResources};
