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
//!
//! # Why a YAML reader of our own
//!
//! It is there for speed, and it also supplies the line numbers for error
//! messages. `serde_yaml` (libyaml's events, then a value built from them)
//! was most of the cost of loading a large model. It also keeps no positions
//! for the values it parses, so every model file had to be scanned a second
//! time (`locate.rs`) to find the `name:` line of each cube and member.
//! `block.rs` reads only the plain block-style YAML that model files are
//! written in. It applies `serde_yaml`'s rules for what a scalar means,
//! borrows strings from the file text into a light value (`value.rs`) and
//! records every `key:` line as it goes, so the line index needs no second
//! scan. Anything outside that subset (anchors, tags, block scalars, flow
//! mappings, malformed YAML) makes it give up. Those files still go through
//! `serde_yaml`, which keeps their meaning and error messages the same, and
//! this crate's tests check the reader against `serde_yaml` on every model
//! they load. Compiling the generated 1,000-cube model went from 466 ms to
//! 138 ms when the reader landed (BENCHMARKS.md, `strata bench plan
//! --compile`, along with other changes). Building the line index from the reader's lines
//! brought it to 82–97 ms, against a budget of 100 ms; `benches/compile.rs`
//! measured 55 ms at `7c0aab7`. `serde_yaml` (deprecated upstream) therefore
//! stays as the fallback and the reference; replacing it is a separate
//! question from this reader.
//!
//! The maintained successors were tried against that figure on 2026-12-06
//! (the generated 1,000-cube model, 1,001 files, 2.9 MB; release build, 11
//! runs, one core): parsing alone took 113 ms with `saphyr` 0.3.4
//! (`Yaml`), 120 ms with its `MarkedYaml` (a line and column on every node,
//! mapping keys included), 205–229 ms with `serde-saphyr` 2.2.0 into a
//! value, against 122 ms for `serde_yaml` and 73 ms for this crate's whole
//! compile (read, resolve, validate; 54 ms on two cores). Every parser read
//! every file. None can replace this reader within the 100 ms budget;
//! `saphyr`'s `MarkedYaml` can replace `serde_yaml` as the fallback at the
//! same speed, and would give the fallback's errors key-level lines.

#![warn(missing_docs)]

pub mod access;
pub mod identifier;
pub mod template;

mod block;
mod compile;
mod error;
mod loader;
mod locate;
mod model;
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
