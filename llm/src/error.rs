//! Errors of the natural-language layer.

use thiserror::Error;

use crate::clarification::Clarification;
use crate::client::EndpointError;

/// Why a question could not be turned into a query or answered.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LlmError {
    /// The question names nothing the model knows; the message says what was
    /// not understood and what can be asked about.
    #[error("{0}")]
    NotUnderstood(String),
    /// Words of the question could not be placed, and answering without
    /// them would answer a broader question: the person is asked to choose
    /// among the nearest readings.
    #[error("{message}")]
    NeedsClarification {
        /// What was not understood, and what can be asked about.
        message: String,
        /// The unknown words and the rewritten questions to choose from.
        clarification: Clarification,
    },
    /// The LLM's answers stayed invalid after every repair round.
    #[error(
        "the language model did not produce a valid query after {attempts} attempts: {last_error}"
    )]
    InvalidAnswer {
        /// Rounds tried.
        attempts: u32,
        /// The validation error of the last answer.
        last_error: String,
    },
    /// The LLM endpoint could not be reached, timed out or failed.
    #[error("the language model endpoint failed: {0}")]
    Endpoint(#[source] EndpointError),
    /// The query was valid but could not be run.
    #[error(transparent)]
    Query(#[from] strata_engine::QueryError),
}
