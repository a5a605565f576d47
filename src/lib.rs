//! Strata: a native Rust semantic layer, a drop-in replacement for Cube.js.
//!
//! This facade crate re-exports the workspace crates:
//!
//! * [`schema`] — Cube-style YAML data models compiled into a validated semantic model;
//! * [`engine`] — query model, planning, SQL generation and execution;
//! * [`server`] — the Cube-compatible REST API and the `strata` binary.
//!
//! The integration tests (`tests/`) and the planning benchmark (`benches/`) live here.

pub use strata_engine as engine;
pub use strata_schema as schema;
pub use strata_server as server;
