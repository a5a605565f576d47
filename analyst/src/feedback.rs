//! Feedback on answered turns: a rating, and the question→query pairs people
//! approved (a turn rated `up`, or a query they corrected). Approved pairs
//! are kept per tenant and answer that tenant's later questions
//! ([`crate::similar`]): the offline translator answers a near-duplicate of
//! an approved question with its query, and the LLM sees the closest pairs
//! as examples.

use serde::{Deserialize, Serialize};
use strata_engine::Query;
use strata_llm::Intent;

use crate::conversations::ConversationId;

/// Most approved pairs read per tenant (the newest).
pub const MAX_APPROVED_PAIRS: usize = 500;

/// What a person thought of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    /// Right.
    Up,
    /// Wrong.
    Down,
}

impl Rating {
    /// `"up"` or `"down"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Up => "up",
            Rating::Down => "down",
        }
    }
}

impl std::str::FromStr for Rating {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "up" => Ok(Rating::Up),
            "down" => Ok(Rating::Down),
            other => Err(format!("rating must be \"up\" or \"down\", not {other:?}")),
        }
    }
}

/// Feedback on one turn of a conversation, as given to
/// [`crate::Analyst::feedback`].
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackRequest {
    /// The conversation (the caller's own).
    pub conversation: ConversationId,
    /// The turn, 1-based.
    pub turn: usize,
    /// The rating.
    pub rating: Rating,
    /// The query the question should have had; it must keep to the
    /// caller's catalog and plan.
    pub corrected_query: Option<Query>,
}

/// Feedback as stored: who gave it on which turn, and the pair it approves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Feedback {
    /// The author's tenant (empty when none).
    pub tenant: String,
    /// The author (empty when none).
    pub user: String,
    /// The conversation rated.
    pub conversation_id: String,
    /// The turn rated, 1-based.
    pub turn: usize,
    /// The rating.
    pub rating: Rating,
    /// The turn's question.
    pub question: String,
    /// The query approved for the question: the corrected one, else the
    /// turn's own for an `up`; none for a `down` without a correction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_query: Option<Query>,
    /// What the approved query asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
    /// Whether the query was a correction.
    #[serde(default)]
    pub corrected: bool,
    /// Whether the turn refined an earlier one (its question only makes
    /// sense in its conversation, so its pair is never reused).
    #[serde(default)]
    pub follow_up: bool,
    /// When it was given (RFC 3339, UTC).
    pub created_at: String,
}

impl Feedback {
    /// Whether `other` is about the same turn by the same person (and so
    /// replaces it).
    pub fn same_turn(&self, other: &Feedback) -> bool {
        self.tenant == other.tenant
            && self.user == other.user
            && self.conversation_id == other.conversation_id
            && self.turn == other.turn
    }

    /// The pair it approves, when it approves one that can be reused.
    pub fn approved_pair(&self) -> Option<ApprovedPair> {
        if self.follow_up {
            return None;
        }
        let query = self.approved_query.clone()?;
        Some(ApprovedPair {
            question: self.question.clone(),
            intent: self.intent.unwrap_or_else(|| crate::intent_of(&query)),
            query,
        })
    }
}

/// A question and the query people of its tenant approved for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovedPair {
    /// The question.
    pub question: String,
    /// Its approved query.
    pub query: Query,
    /// What the query asks for.
    pub intent: Intent,
}

/// The approved pairs in `records` (newest last), newest first, at most
/// [`MAX_APPROVED_PAIRS`].
pub(crate) fn pairs_newest_first<'a>(
    records: impl DoubleEndedIterator<Item = &'a Feedback>,
) -> Vec<ApprovedPair> {
    records
        .rev()
        .filter_map(Feedback::approved_pair)
        .take(MAX_APPROVED_PAIRS)
        .collect()
}
