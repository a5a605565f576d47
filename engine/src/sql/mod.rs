//! SQL generation: sqlparser ASTs built from a logical plan.

pub mod ast;
pub mod context;
pub mod filters;
pub mod multi_stage;
pub mod postgres;
pub mod templates;
pub mod time_series;

pub use context::DialectOptions;
pub use postgres::{PostgresRenderer, RenderedQuery, SqlStatement};
pub use templates::CompiledTemplates;
