//! Conversations as JSON files, one per conversation
//! (`<conversations dir>/<id>.json`), and feedback as one JSON file per
//! tenant (`<feedback dir>/t-<hex of the tenant id>.json`).
//!
//! Every write goes to a temporary file that is synced and then renamed over
//! the old one, so a crash leaves either the old or the new content. The
//! directories are created on the first write.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::conversations::{
    is_valid_id, newest_first, Conversation, ConversationStore, ConversationSummary, Owner,
    StoreError, Turn,
};
use crate::feedback::{pairs_newest_first, ApprovedPair, Feedback};

/// Conversations and feedback in files.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
    feedback_dir: PathBuf,
    /// Serializes read-modify-write cycles (appends, deletes, feedback).
    lock: Arc<Mutex<()>>,
}

impl FileStore {
    /// A store with conversations in `<data_dir>/conversations` and feedback
    /// in `<data_dir>/feedback`.
    pub fn in_data_dir(data_dir: &Path) -> FileStore {
        FileStore::new(data_dir.join("conversations"), data_dir.join("feedback"))
    }

    /// A store with conversations in `dir` and feedback in `feedback_dir`.
    pub fn new(dir: impl Into<PathBuf>, feedback_dir: impl Into<PathBuf>) -> FileStore {
        FileStore {
            dir: dir.into(),
            feedback_dir: feedback_dir.into(),
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

    /// The feedback file of `tenant` (hex keeps any tenant id a file name).
    fn feedback_path(&self, tenant: &str) -> PathBuf {
        let hex: String = tenant.bytes().map(|b| format!("{b:02x}")).collect();
        self.feedback_dir.join(format!("t-{hex}.json"))
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
        read_json(&self.path(id))
    }

    fn write(&self, conversation: &Conversation) -> Result<(), StoreError> {
        if !is_valid_id(&conversation.id) {
            return Err(StoreError::Corrupt {
                what: format!("conversation {:?}", conversation.id),
                reason: "the id is not a valid file name".into(),
            });
        }
        write_json(&self.dir, &self.path(&conversation.id), conversation)
    }

    fn read_feedback(&self, tenant: &str) -> Result<Vec<Feedback>, StoreError> {
        Ok(read_json(&self.feedback_path(tenant))?.unwrap_or_default())
    }

    fn summaries(&self, owner: &Owner) -> Result<Vec<ConversationSummary>, StoreError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(StoreError::Io {
                    path: self.dir.clone(),
                    source,
                })
            }
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| StoreError::Io {
                path: self.dir.clone(),
                source,
            })?;
            let name = entry.file_name();
            let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".json")) else {
                continue;
            };
            match self.read(id) {
                Ok(Some(c)) if c.is_owned_by(owner) => out.push(c.summary()),
                Ok(_) => {}
                // One unreadable file does not hide every other conversation.
                Err(e @ StoreError::Corrupt { .. }) => {
                    tracing::warn!(error = %e, "conversation left out of the list")
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}

/// Reads `path` as JSON; `None` when it does not exist.
fn read_json<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, StoreError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StoreError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| StoreError::Corrupt {
            what: path.display().to_string(),
            reason: e.to_string(),
        })
}

/// Writes `value` as JSON to `target` in `dir`: a synced temporary file
/// renamed over it.
fn write_json<T: Serialize>(dir: &Path, target: &Path, value: &T) -> Result<(), StoreError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StoreError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let text = serde_json::to_vec(value).map_err(|e| StoreError::Corrupt {
        what: target.display().to_string(),
        reason: e.to_string(),
    })?;
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.{}.tmp", uuid::Uuid::new_v4()));
    let written = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(&text)?;
        file.sync_all()?;
        std::fs::rename(&tmp, target)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(target)(e));
    }
    // Make the rename itself durable (best effort: not every platform can
    // sync a directory).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
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

    async fn list(
        &self,
        owner: &Owner,
        limit: usize,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        let owner = owner.clone();
        self.blocking(move |s| Ok(newest_first(s.summaries(&owner)?, limit)))
            .await
    }

    async fn put_feedback(&self, feedback: &Feedback) -> Result<(), StoreError> {
        let feedback = feedback.clone();
        self.blocking(move |s| {
            let mut records = s.read_feedback(&feedback.tenant)?;
            records.retain(|r| !r.same_turn(&feedback));
            let path = s.feedback_path(&feedback.tenant);
            records.push(feedback);
            write_json(&s.feedback_dir, &path, &records)
        })
        .await
    }

    async fn approved_pairs(&self, tenant: &str) -> Result<Vec<ApprovedPair>, StoreError> {
        let tenant = tenant.to_owned();
        self.blocking(move |s| Ok(pairs_newest_first(s.read_feedback(&tenant)?.iter())))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{check_store, owner, scratch, turn};

    #[tokio::test]
    async fn file_store_keeps_conversations_and_feedback_for_their_owner_only() {
        let dir = scratch();
        check_store(&FileStore::in_data_dir(&dir)).await;
        // A new store over the same directory (a restart) reads it back.
        let reopened = FileStore::in_data_dir(&dir);
        let alice = owner("t1", "alice");
        let listed = reopened.list(&alice, 10).await.expect("list");
        assert!(!listed.is_empty());
        let got = reopened
            .get(&alice, &listed[0].id)
            .await
            .expect("get")
            .expect("found");
        assert_eq!(got.summary(), listed[0]);
        assert!(!reopened
            .approved_pairs("t1")
            .await
            .expect("pairs")
            .is_empty());
        // No temporary files are left behind.
        for sub in ["conversations", "feedback"] {
            let leftovers: Vec<_> = std::fs::read_dir(dir.join(sub))
                .expect("dir")
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
                .collect();
            assert!(leftovers.is_empty(), "{leftovers:?}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn file_store_refuses_ids_that_are_not_file_names() {
        let dir = scratch();
        let store = FileStore::in_data_dir(&dir);
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
        std::fs::create_dir_all(dir.join("conversations")).expect("dir");
        std::fs::write(dir.join("conversations/abc.json"), "{not json").expect("write");
        let store = FileStore::in_data_dir(&dir);
        let err = store.get(&owner("", ""), "abc").await.expect_err("corrupt");
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert!(store
            .list(&owner("", ""), 5)
            .await
            .expect("list")
            .is_empty());
        let _ = std::fs::remove_dir_all(dir);
    }
}
