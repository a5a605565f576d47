//! The integration tests of the workspace, one test binary (`cargo test --test it`) with one
//! module per area, so that DataFusion and the server are linked once instead of once per file.
//!
//! Every module shares this process, and libtest runs their tests side by side. So:
//!
//! * each module that loads PostgreSQL data uses a database of its own (`strata_tenancy`,
//!   `strata_hardening`, `strata_sub_query`, ...), created once per process through a
//!   `OnceCell`; the conformance dataset (`strata_conformance`, `common::setup_database`) is
//!   loaded once and only read;
//! * servers listen on ephemeral ports (`127.0.0.1:0`) and are configured explicitly, never
//!   through the process environment: no test sets an environment variable;
//! * temporary directories carry a prefix of their own per module (and the process id);
//! * nothing installs a panic hook or a global tracing subscriber.
//!
//! Run one module with a filter: `cargo test --test it tenancy::`.

mod common;

mod ai_analytics;
mod ai_feedback;
mod approx_distinct;
mod arrow_memory;
mod arrow_path;
mod bad_input;
mod bench_http;
mod conformance;
mod cube_client;
mod demo;
mod file_sources;
mod forecast;
mod fuzz;
mod hardening;
mod hardening_dates;
mod hardening_load;
mod llm_endpoint;
mod nl_frozen;
mod nl_offline;
mod nulls_last;
mod pg_outage;
mod sql_snapshots;
mod sub_query;
mod tenancy;
mod uploads;
mod value_search;
