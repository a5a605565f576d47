//! Conversations and feedback in memory: for programs that embed the
//! analyst without durable state, and for tests. Nothing survives the
//! process.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::conversations::{
    newest_first, Conversation, ConversationStore, ConversationSummary, Owner, StoreError, Turn,
};
use crate::feedback::{pairs_newest_first, ApprovedPair, Feedback};

/// Conversations and feedback in memory.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    conversations: HashMap<String, Conversation>,
    /// Feedback by tenant, oldest first.
    feedback: HashMap<String, Vec<Feedback>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn with<T>(&self, work: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        work(&mut state)
    }
}

#[async_trait]
impl ConversationStore for MemoryStore {
    async fn create(&self, conversation: &Conversation) -> Result<(), StoreError> {
        self.with(|s| {
            s.conversations
                .insert(conversation.id.clone(), conversation.clone());
        });
        Ok(())
    }

    async fn get(&self, owner: &Owner, id: &str) -> Result<Option<Conversation>, StoreError> {
        Ok(self.with(|s| {
            s.conversations
                .get(id)
                .filter(|c| c.is_owned_by(owner))
                .cloned()
        }))
    }

    async fn append(&self, owner: &Owner, id: &str, turn: &Turn) -> Result<bool, StoreError> {
        Ok(self.with(
            |s| match s.conversations.get_mut(id).filter(|c| c.is_owned_by(owner)) {
                Some(c) => {
                    c.updated_at.clone_from(&turn.created_at);
                    c.turns.push(turn.clone());
                    true
                }
                None => false,
            },
        ))
    }

    async fn delete(&self, owner: &Owner, id: &str) -> Result<bool, StoreError> {
        Ok(self.with(|s| {
            let owned = s
                .conversations
                .get(id)
                .is_some_and(|c| c.is_owned_by(owner));
            owned && s.conversations.remove(id).is_some()
        }))
    }

    async fn list(
        &self,
        owner: &Owner,
        limit: usize,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        let all = self.with(|s| {
            s.conversations
                .values()
                .filter(|c| c.is_owned_by(owner))
                .map(Conversation::summary)
                .collect()
        });
        Ok(newest_first(all, limit))
    }

    async fn put_feedback(&self, feedback: &Feedback) -> Result<(), StoreError> {
        self.with(|s| {
            let records = s.feedback.entry(feedback.tenant.clone()).or_default();
            records.retain(|r| !r.same_turn(feedback));
            records.push(feedback.clone());
        });
        Ok(())
    }

    async fn approved_pairs(&self, tenant: &str) -> Result<Vec<ApprovedPair>, StoreError> {
        Ok(self.with(|s| {
            s.feedback
                .get(tenant)
                .map(|r| pairs_newest_first(r.iter()))
                .unwrap_or_default()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_store_keeps_conversations_and_feedback_for_their_owner_only() {
        crate::test_support::check_store(&MemoryStore::new()).await;
    }
}
