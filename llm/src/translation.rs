//! What a translator (offline parser or LLM) makes of a question.

use serde::Serialize;
use strata_engine::Query;
use strata_schema::Granularity;

use crate::intent::{ChartType, Intent};

/// A question turned into a Cube query that names only catalog members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Translation {
    /// The Cube query (`measures`, `dimensions`, `timeDimensions`,
    /// `filters`, `order`, `limit`...): the engine's own input type, written
    /// as Cube's request JSON by serde.
    pub query: Query,
    /// What the question asks for.
    pub intent: Intent,
    /// A chart type the user asked for explicitly, if any.
    pub chart: Option<ChartType>,
    /// Words of the question that were not understood (for messages).
    pub unmatched: Vec<String>,
}

/// An empty query in UTC, as [`Query::from_json`] reads `{}`: what the
/// translators fill in.
pub(crate) fn empty_query() -> Query {
    Query {
        timezone: "UTC".to_owned(),
        ..Query::default()
    }
}

/// The granularity a translator names (`day`, `week`...). The names come
/// from closed lists that are all Cube granularities.
pub(crate) fn granularity(name: &str) -> Option<Granularity> {
    name.parse().ok()
}
