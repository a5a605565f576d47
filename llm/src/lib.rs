//! Natural language to Cube queries that are *constrained to the model*.
//!
//! A question goes through one of two translators, both producing a Cube REST
//! query that only names members the caller may use:
//!
//! * the offline parser ([`offline`]), deterministic and always available;
//! * an OpenAI-compatible LLM ([`LlmTranslator`]), asked for structured output
//!   whose JSON Schema enumerates the allowed members, validated and repaired.
//!
//! The answer's rows then get a chart ([`chart`]) and insights computed from
//! the data ([`insights`]). Everything starts from a [`Catalog`]: the members a
//! tenant may use, with the words that name them.

#![warn(missing_docs)]

pub mod chart;
pub mod forecast;
pub mod insights;
pub mod offline;
pub mod prompt;

mod catalog;
mod clarification;
mod client;
mod constrain;
mod error;
mod intent;
mod table;
mod translate;
mod translation;
mod validate;

pub use catalog::{Catalog, CatalogMember};
pub use chart::{recommend, Chart};
pub use clarification::{Clarification, ClarificationOption};
pub use client::{EndpointError, LlmClient, LlmConfig};
pub use error::LlmError;
pub use insights::{Fact, Insight, InsightKind};
pub use intent::{ChartType, Intent};
pub use offline::{load_sample_values, OfflineParser};
pub use table::{ColumnRole, ResultColumn, ResultTable};
pub use translate::LlmTranslator;
pub use translation::Translation;
