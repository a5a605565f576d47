//! Conversations: their turns (question, translation, chart, insights), who
//! owns them, and the [`ConversationStore`] that keeps them (and the
//! feedback given on their turns): [`crate::FileStore`],
//! [`crate::PgStore`] or [`crate::MemoryStore`].

use std::fmt::Debug;
use std::path::PathBuf;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use strata_engine::Query;
use strata_llm::{ChartType, Intent, Translation};

use crate::feedback::{ApprovedPair, Feedback};

/// Longest conversation id accepted (a UUID is 36 characters).
const MAX_ID_LEN: usize = 64;

/// Who a conversation belongs to: a tenant and a user (empty when the
/// caller names none). Only the owner can read, continue, rate or delete it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Owner {
    /// Tenant id, or empty.
    pub tenant: String,
    /// User id, or empty.
    pub user: String,
}

impl Owner {
    /// The owner `tenant` and `user` name (`None` as empty).
    pub fn new(tenant: Option<&str>, user: Option<&str>) -> Owner {
        Owner {
            tenant: tenant.unwrap_or_default().to_owned(),
            user: user.unwrap_or_default().to_owned(),
        }
    }
}

/// The id of a conversation (a random UUID when the analyst starts one).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConversationId(String);

impl ConversationId {
    /// A new random id.
    pub fn random() -> ConversationId {
        ConversationId(uuid::Uuid::new_v4().to_string())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for ConversationId {
    fn from(id: String) -> Self {
        ConversationId(id)
    }
}

impl From<&str> for ConversationId {
    fn from(id: &str) -> Self {
        ConversationId(id.to_owned())
    }
}

impl std::fmt::Display for ConversationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A chart as stored with a turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredChart {
    /// The chart type.
    #[serde(rename = "type")]
    pub chart_type: ChartType,
    /// The ECharts option.
    pub option: Value,
}

/// One question of a conversation and what came of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Turn {
    /// The question as asked.
    pub question: String,
    /// Whether it was answered with data.
    pub success: bool,
    /// What the question asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
    /// The query it was translated to (stored as Cube's request JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_query: Option<Query>,
    /// A chart type the question asked for explicitly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_chart: Option<ChartType>,
    /// Words of the question that were not understood.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmatched: Vec<String>,
    /// The chart shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<StoredChart>,
    /// The insights' sentences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub insights: Vec<String>,
    /// Why the question was not answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When it was asked (RFC 3339, UTC).
    pub created_at: String,
}

impl Turn {
    /// The translation a follow-up refines: present for turns that were
    /// translated (answered or not).
    pub fn translation(&self) -> Option<Translation> {
        Some(Translation {
            query: self.generated_query.clone()?,
            intent: self.intent?,
            chart: self.requested_chart,
            unmatched: self.unmatched.clone(),
        })
    }
}

/// A conversation: its owner and turns, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    /// Random UUID.
    pub id: String,
    /// Owning tenant (empty when none).
    pub tenant: String,
    /// Owning user (empty when none).
    pub user: String,
    /// When it started (RFC 3339, UTC).
    pub created_at: String,
    /// When the last turn was added (RFC 3339, UTC).
    pub updated_at: String,
    /// The turns, oldest first.
    pub turns: Vec<Turn>,
}

impl Conversation {
    /// A new conversation of `owner` with a first turn.
    pub fn start(id: String, owner: &Owner, turn: Turn) -> Conversation {
        Conversation {
            id,
            tenant: owner.tenant.clone(),
            user: owner.user.clone(),
            created_at: turn.created_at.clone(),
            updated_at: turn.created_at.clone(),
            turns: vec![turn],
        }
    }

    /// Whether `owner` owns it.
    pub fn is_owned_by(&self, owner: &Owner) -> bool {
        self.tenant == owner.tenant && self.user == owner.user
    }

    /// The translation of the last turn that had one (what a follow-up refines).
    pub fn last_translation(&self) -> Option<Translation> {
        self.turns.iter().rev().find_map(Turn::translation)
    }

    /// Its summary in a list.
    pub fn summary(&self) -> ConversationSummary {
        ConversationSummary {
            id: self.id.clone(),
            title: self
                .turns
                .first()
                .map(|t| t.question.clone())
                .unwrap_or_default(),
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            turns: self.turns.len(),
        }
    }
}

/// A conversation as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    /// Its id.
    pub id: String,
    /// Its first question.
    pub title: String,
    /// When it started (RFC 3339, UTC).
    pub created_at: String,
    /// When the last turn was added (RFC 3339, UTC).
    pub updated_at: String,
    /// How many turns it has.
    pub turns: usize,
}

/// Sorts summaries newest first (by their last turn, then id) and keeps `limit`.
pub(crate) fn newest_first(
    mut list: Vec<ConversationSummary>,
    limit: usize,
) -> Vec<ConversationSummary> {
    list.sort_by(|a, b| {
        b.updated_at
            .cmp(&a.updated_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    list.truncate(limit);
    list
}

/// The current time as stored: `2024-06-15T10:00:00.000Z`.
pub fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Why the store could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file could not be read or written.
    #[error("conversation store: {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A stored conversation could not be read back.
    #[error("conversation store: {what} is corrupt: {reason}")]
    Corrupt {
        /// The file or row.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// The database could not be reached or refused a statement.
    #[error("conversation store: {what}")]
    Database {
        /// What failed.
        what: String,
        /// The driver's or pool's error, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl StoreError {
    /// A database failure described by `what`.
    pub(crate) fn database(
        what: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> StoreError {
        StoreError::Database {
            what: what.into(),
            source,
        }
    }
}

/// Durable storage of conversations and of the feedback on their turns.
/// Every read and write of a conversation names the owner: a conversation of
/// someone else is as good as missing.
#[async_trait]
pub trait ConversationStore: Debug + Send + Sync {
    /// Stores a new conversation.
    async fn create(&self, conversation: &Conversation) -> Result<(), StoreError>;

    /// The conversation `id` of `owner`, if there is one.
    async fn get(&self, owner: &Owner, id: &str) -> Result<Option<Conversation>, StoreError>;

    /// Adds a turn to the conversation `id` of `owner`; false when there is
    /// no such conversation.
    async fn append(&self, owner: &Owner, id: &str, turn: &Turn) -> Result<bool, StoreError>;

    /// Deletes the conversation `id` of `owner`; false when there is none.
    async fn delete(&self, owner: &Owner, id: &str) -> Result<bool, StoreError>;

    /// The conversations of `owner`, newest (last turn) first, at most `limit`.
    async fn list(
        &self,
        owner: &Owner,
        limit: usize,
    ) -> Result<Vec<ConversationSummary>, StoreError>;

    /// Stores `feedback`, replacing what its author said before about the
    /// same turn.
    async fn put_feedback(&self, feedback: &Feedback) -> Result<(), StoreError>;

    /// The question→query pairs `tenant`'s users approved, newest first, at
    /// most [`crate::feedback::MAX_APPROVED_PAIRS`].
    async fn approved_pairs(&self, tenant: &str) -> Result<Vec<ApprovedPair>, StoreError>;
}

/// Whether `id` can name a conversation: 1-64 ASCII letters, digits and `-`
/// (so it is safe as a file name).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{owner, turn};

    #[test]
    fn failed_turns_without_a_translation_are_skipped_by_follow_ups() {
        let o = owner("t", "u");
        let mut c = Conversation::start("c1".into(), &o, turn("orders"));
        c.turns.push(Turn {
            question: "gibberish".into(),
            success: false,
            intent: None,
            generated_query: None,
            requested_chart: None,
            unmatched: vec![],
            chart: None,
            insights: vec![],
            error: Some("Not understood".into()),
            created_at: now(),
        });
        let t = c.last_translation().expect("the first turn's");
        assert_eq!(t.intent, Intent::Distribution);
        let text = serde_json::to_value(&c.turns[1]).expect("json");
        assert!(text.get("generatedQuery").is_none(), "{text}");
        assert_eq!(text["error"], "Not understood");
        let s = c.summary();
        assert_eq!((s.title.as_str(), s.turns), ("orders", 2));
    }
}
