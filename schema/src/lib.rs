//! Strata's data-model layer: Cube-style YAML files compiled into a validated
//! [`SemanticModel`].
//!
//! [`load_dir`] reads every `*.yml`/`*.yaml` file under a model directory and
//! [`load_files`] takes file texts directly. Loading parses the YAML (anchors,
//! aliases and `<<` merge keys included), applies `extends`, resolves every
//! `{...}` reference of every SQL template, checks member lists, joins, views
//! and reference cycles, and reports every problem found at once as
//! [`ModelErrors`], each located by file, line, cube and member.
//!
//! ```no_run
//! let model = strata_schema::load_dir("model").expect("valid model");
//! println!("{} cubes", model.cubes.len());
//! ```

pub mod access;
pub mod error;
pub mod identifier;
pub mod model;
pub mod template;

mod block;
mod compile;
mod loader;
mod locate;
mod parse;
mod resolve;
mod validate;
mod value;
mod views;
mod yaml;

#[cfg(test)]
mod tests;

pub use error::{ModelErrors, SchemaError};
pub use loader::{load_dir, load_files, read_dir};
pub use model::*;
pub use template::{SqlRef, SqlTemplate, TemplatePart};
