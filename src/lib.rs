//! Strata: a native Rust semantic layer, a drop-in replacement for Cube.js.
//!
//! This facade crate re-exports the workspace crates:
//!
//! * [`schema`] — Cube-style YAML data models compiled into a validated semantic model;
//! * [`engine`] — query model, planning, SQL dialects and executors
//!   (PostgreSQL, DataFusion), pre-aggregations and the result cache;
//! * [`demo`] — the bundled demo: an online shop's model and synthetic data;
//! * [`llm`] — natural language to queries constrained to the model, charts
//!   and insights;
//! * [`analyst`] — the AI analytics pipeline ([`Analyst`]): questions
//!   answered with data, a chart and insights, in conversations, with no
//!   HTTP in between;
//! * [`server`] — the Cube-compatible REST API (the `strata` binary over it
//!   is the `strata-cli` package, `cli/`).
//!
//! Embedding it takes a model and a data source:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use strata::{Engine, PgConfig, PostgresExecutor, Query, DEFAULT_DATA_SOURCE};
//!
//! let model = strata::schema::load_dir("model")?;
//! let pg = PostgresExecutor::new(PgConfig { dbname: "shop".into(), ..Default::default() })?;
//! let engine = Engine::builder(Arc::new(model))
//!     .data_source(DEFAULT_DATA_SOURCE, Arc::new(pg))
//!     .build();
//! let query: Query = serde_json::from_value(serde_json::json!(
//!     {"measures": ["Orders.count"], "dimensions": ["Orders.status"]}
//! ))?;
//! let result = engine.load(&query).await?;
//! println!("{}", result.columns_json()); // chart-ready columns
//! # Ok(()) }
//! ```
//!
//! `examples/embedded.rs` runs the same on the bundled demo with no database;
//! `examples/analyst.rs` asks it questions in plain language through
//! [`Analyst`].

pub use strata_analyst as analyst;
pub use strata_demo as demo;
pub use strata_engine as engine;
pub use strata_llm as llm;
pub use strata_schema as schema;
pub use strata_server as server;

pub use strata_engine::{
    Backend, CacheConfig, CacheMode, DataFusionExecutor, Dialect, Engine, EngineBuilder,
    EngineError, Executor, LoadOptions, LoadResult, PgConfig, PostgresExecutor, Query, QueryError,
    QueryRequest, DEFAULT_DATA_SOURCE,
};
pub use strata_schema::{load_dir, load_files, SemanticModel};

pub use strata_analyst::{
    Analyst, AnalystError, AnalystScope, AnalystSettings, Answer, ConversationBackend,
    ConversationId, ConversationStore, FeedbackRequest, MemoryStore, Outcome, Owner, Rating,
    Refusal,
};
