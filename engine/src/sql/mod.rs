//! SQL generation: sqlparser ASTs built from a logical plan.

pub mod ast;
pub mod context;
pub mod filters;
pub mod multi_stage;
pub mod render;
pub mod templates;
pub mod time_series;

pub use render::{RenderedQuery, SqlRenderer, SqlStatement};
pub use templates::CompiledTemplates;
