//! Running plans: on PostgreSQL today, on DataFusion next.

pub mod pg_value;
pub mod postgres;

pub use postgres::{PgConfig, PostgresExecutor};
