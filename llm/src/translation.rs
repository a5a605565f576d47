//! What a translator (offline parser or LLM) makes of a question.

use serde::Serialize;
use serde_json::Value;

use crate::intent::{ChartType, Intent};

/// A question turned into a Cube query that names only catalog members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Translation {
    /// The Cube REST query (`measures`, `dimensions`, `timeDimensions`,
    /// `filters`, `order`, `limit`...).
    pub query: Value,
    /// What the question asks for.
    pub intent: Intent,
    /// A chart type the user asked for explicitly, if any.
    pub chart: Option<ChartType>,
    /// Words of the question that were not understood (for messages).
    pub unmatched: Vec<String>,
}
