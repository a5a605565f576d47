//! Conversations: their turns (question, translation, chart, insights), who
//! owns them, and the durable [`ConversationStore`]s that keep them across
//! restarts ([`FileStore`] here, [`crate::ai::PgStore`] in PostgreSQL).

use std::fmt::Debug;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use strata_engine::Query;
use strata_llm::{ChartType, Intent, Translation};

use crate::error::ApiError;
use crate::tenancy::Caller;

/// Longest conversation id accepted (a UUID is 36 characters).
const MAX_ID_LEN: usize = 64;

/// Who a conversation belongs to: a tenant and a user (empty when the
/// caller's claims name none). Only the owner can read, continue or delete it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// Tenant id, or empty.
    pub tenant: String,
    /// User id, or empty.
    pub user: String,
}

impl Owner {
    /// The owner of what `caller` creates.
    pub fn of(caller: &Caller) -> Owner {
        Owner {
            tenant: caller.tenant.clone().unwrap_or_default(),
            user: caller.user.clone().unwrap_or_default(),
        }
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
}

/// The current time as stored: `2024-06-15T10:00:00.000Z`.
pub fn now() -> String {
    crate::response::now_rfc3339_millis()
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
    #[error("conversation store: {0}")]
    Database(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Database(_) => {
                let mut err = ApiError::new(
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    format!("Conversations are unavailable: {e}"),
                );
                err.retry_after = Some(5);
                err
            }
            other => ApiError::internal(other.to_string()),
        }
    }
}

/// Durable storage of conversations. Every read and write names the owner:
/// a conversation of someone else is as good as missing.
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
}

/// Whether `id` can name a conversation: 1-64 ASCII letters, digits and `-`
/// (so it is safe as a file name).
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Conversations as JSON files, one per conversation, `<dir>/<id>.json`.
/// Every write goes to a temporary file that is synced and then renamed over
/// the old one, so a crash leaves either the old or the new conversation.
/// The directory is created on the first write.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
    /// Serializes read-modify-write cycles (appends, deletes).
    lock: Arc<Mutex<()>>,
}

impl FileStore {
    /// A store in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> FileStore {
        FileStore {
            dir: dir.into(),
            lock: Arc::new(Mutex::new(())),
        }
    }

    /// The directory conversations are kept in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Runs blocking file work off the async threads, one operation at a time.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&FileStore) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let _guard = store.lock.lock().unwrap_or_else(|e| e.into_inner());
            work(&store)
        })
        .await
        .map_err(|e| StoreError::Io {
            path: self.dir.clone(),
            source: std::io::Error::other(e.to_string()),
        })?
    }

    fn read(&self, id: &str) -> Result<Option<Conversation>, StoreError> {
        if !is_valid_id(id) {
            return Ok(None);
        }
        let path = self.path(id);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(StoreError::Io { path, source }),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                what: path.display().to_string(),
                reason: e.to_string(),
            })
    }

    fn write(&self, conversation: &Conversation) -> Result<(), StoreError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| StoreError::Io { path, source }
        };
        if !is_valid_id(&conversation.id) {
            return Err(StoreError::Corrupt {
                what: format!("conversation {:?}", conversation.id),
                reason: "the id is not a valid file name".into(),
            });
        }
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let text = serde_json::to_vec(conversation).map_err(|e| StoreError::Corrupt {
            what: format!("conversation {}", conversation.id),
            reason: e.to_string(),
        })?;
        let target = self.path(&conversation.id);
        let tmp = self.dir.join(format!(
            ".{}.{}.tmp",
            conversation.id,
            crate::response::random_uuid()
        ));
        let written = (|| {
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(&text)?;
            file.sync_all()?;
            std::fs::rename(&tmp, &target)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(&target)(e));
        }
        // Make the rename itself durable (best effort: not every platform
        // can sync a directory).
        if let Ok(dir) = std::fs::File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

#[async_trait]
impl ConversationStore for FileStore {
    async fn create(&self, conversation: &Conversation) -> Result<(), StoreError> {
        let conversation = conversation.clone();
        self.blocking(move |s| s.write(&conversation)).await
    }

    async fn get(&self, owner: &Owner, id: &str) -> Result<Option<Conversation>, StoreError> {
        let (owner, id) = (owner.clone(), id.to_owned());
        self.blocking(move |s| Ok(s.read(&id)?.filter(|c| c.is_owned_by(&owner))))
            .await
    }

    async fn append(&self, owner: &Owner, id: &str, turn: &Turn) -> Result<bool, StoreError> {
        let (owner, id, turn) = (owner.clone(), id.to_owned(), turn.clone());
        self.blocking(move |s| {
            let Some(mut conversation) = s.read(&id)?.filter(|c| c.is_owned_by(&owner)) else {
                return Ok(false);
            };
            conversation.updated_at.clone_from(&turn.created_at);
            conversation.turns.push(turn);
            s.write(&conversation)?;
            Ok(true)
        })
        .await
    }

    async fn delete(&self, owner: &Owner, id: &str) -> Result<bool, StoreError> {
        let (owner, id) = (owner.clone(), id.to_owned());
        self.blocking(move |s| {
            if s.read(&id)?.filter(|c| c.is_owned_by(&owner)).is_none() {
                return Ok(false);
            }
            let path = s.path(&id);
            match std::fs::remove_file(&path) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
                Err(source) => Err(StoreError::Io { path, source }),
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn turn(question: &str) -> Turn {
        Turn {
            question: question.into(),
            success: true,
            intent: Some(Intent::Distribution),
            generated_query: Some(query()),
            requested_chart: Some(ChartType::Bar),
            unmatched: vec![],
            chart: Some(StoredChart {
                chart_type: ChartType::Bar,
                option: json!({"series": []}),
            }),
            insights: vec!["Total is 3.".into()],
            error: None,
            created_at: now(),
        }
    }

    fn query() -> Query {
        Query::from_json(&json!({"measures": ["Orders.count"]})).expect("query")
    }

    fn owner(tenant: &str, user: &str) -> Owner {
        Owner {
            tenant: tenant.into(),
            user: user.into(),
        }
    }

    fn scratch() -> PathBuf {
        std::env::temp_dir().join(format!(
            "strata-ai-store-{}-{}",
            std::process::id(),
            crate::response::random_uuid()
        ))
    }

    #[tokio::test]
    async fn file_store_keeps_conversations_for_their_owner_only() {
        let dir = scratch();
        let store = FileStore::new(&dir);
        let alice = owner("t1", "alice");
        let id = crate::response::random_uuid();
        let c = Conversation::start(id.clone(), &alice, turn("orders by status"));
        store.create(&c).await.expect("create");
        assert!(store
            .append(&alice, &id, &turn("as a bar chart"))
            .await
            .expect("append"));

        // A new store over the same directory (a restart) reads it back.
        let reopened = FileStore::new(&dir);
        let got = reopened
            .get(&alice, &id)
            .await
            .expect("get")
            .expect("found");
        assert_eq!(got.turns.len(), 2);
        assert_eq!(got.turns[1].question, "as a bar chart");
        let t = got.last_translation().expect("translation");
        assert_eq!(t.query, query());
        assert_eq!(t.chart, Some(ChartType::Bar));

        // Someone else: same tenant other user, or other tenant same user.
        for other in [owner("t1", "bob"), owner("t2", "alice")] {
            assert!(reopened.get(&other, &id).await.expect("get").is_none());
            assert!(!reopened
                .append(&other, &id, &turn("x"))
                .await
                .expect("append"));
            assert!(!reopened.delete(&other, &id).await.expect("delete"));
        }
        assert!(reopened.delete(&alice, &id).await.expect("delete"));
        assert!(reopened.get(&alice, &id).await.expect("get").is_none());
        assert!(!reopened.delete(&alice, &id).await.expect("delete"));
        // No temporary files are left behind.
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(Result::ok)
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn file_store_refuses_ids_that_are_not_file_names() {
        let dir = scratch();
        let store = FileStore::new(&dir);
        let o = owner("", "");
        for bad in ["", "../etc/passwd", "a/b", "a.json", &"x".repeat(65)] {
            assert!(!is_valid_id(bad), "{bad}");
            assert!(store.get(&o, bad).await.expect("get").is_none());
            assert!(!store.delete(&o, bad).await.expect("delete"));
        }
        let c = Conversation::start("../x".into(), &o, turn("q"));
        assert!(store.create(&c).await.is_err());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn corrupt_file_is_an_error_not_a_panic() {
        let dir = scratch();
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("abc.json"), "{not json").expect("write");
        let store = FileStore::new(&dir);
        let err = store.get(&owner("", ""), "abc").await.expect_err("corrupt");
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert_eq!(ApiError::from(err).status.as_u16(), 500);
        let _ = std::fs::remove_dir_all(dir);
    }

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
    }
}
