//! Why the analyst could not do what was asked. Questions it cannot answer
//! are not errors but [`crate::Refusal`]s; these are mistakes of the request
//! (a bad query, a conversation that is not the caller's) and failures of
//! the store, the engine or the setup.

use strata_engine::{EngineError, QueryError};
use strata_llm::LlmError;

use crate::conversations::StoreError;

/// Why the analyst could not do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnalystError {
    /// The LLM endpoint's settings are unusable.
    #[error("cannot set up the LLM endpoint: {0}")]
    LlmSetup(#[source] LlmError),
    /// The conversation store's settings are unusable.
    #[error("cannot set up the conversation store: {0}")]
    StoreSetup(#[source] StoreError),
    /// The conversation store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No such conversation of the caller's (someone else's is as good as
    /// missing).
    #[error("Conversation {0:?} not found")]
    ConversationNotFound(String),
    /// The conversation has no such turn.
    #[error("Conversation {id:?} has no turn {turn} (it has {turns})")]
    TurnNotFound {
        /// The conversation.
        id: String,
        /// The turn asked for (1-based).
        turn: usize,
        /// How many it has.
        turns: usize,
    },
    /// The question cannot be asked (empty, too long).
    #[error("{0}")]
    InvalidQuestion(String),
    /// A given query names members outside the caller's catalog.
    #[error("The query names members you may not use or that do not exist: {}", .members.join(", "))]
    OutsideCatalog {
        /// The members.
        members: Vec<String>,
    },
    /// A given query is not valid.
    #[error("The query is not valid: {0}")]
    Query(#[from] QueryError),
    /// The engine could not plan or run a query.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// Something that should not happen did.
    #[error("{0}")]
    Internal(String),
}
