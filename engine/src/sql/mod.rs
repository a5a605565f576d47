//! SQL generation: sqlparser ASTs built from a logical plan.

pub(crate) mod ast;
pub(crate) mod context;
pub(crate) mod filters;
pub(crate) mod multi_stage;
pub(crate) mod render;
pub(crate) mod templates;
pub(crate) mod time_series;

pub use render::{RenderedQuery, SqlRenderer, SqlStatement};
pub use templates::{CompiledTemplates, SnippetDialect};
