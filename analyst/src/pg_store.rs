//! Conversations and feedback in PostgreSQL: tables `strata_conversations`
//! and `strata_feedback`, created on first use when missing.
//!
//! ```sql
//! CREATE TABLE strata_conversations (
//!     id text PRIMARY KEY, tenant text NOT NULL, user_id text NOT NULL,
//!     created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
//!     turns jsonb NOT NULL)
//! CREATE TABLE strata_feedback (
//!     seq bigserial PRIMARY KEY, tenant text NOT NULL, user_id text NOT NULL,
//!     conversation_id text NOT NULL, turn integer NOT NULL, record jsonb NOT NULL,
//!     approved boolean NOT NULL, UNIQUE (tenant, user_id, conversation_id, turn))
//! ```
//!
//! A turn is appended in one statement (`turns = turns || $turn`), so
//! concurrent follow-ups never overwrite each other.

use async_trait::async_trait;
use deadpool_postgres::{ManagerConfig, Pool, PoolConfig, RecyclingMethod, Runtime, Timeouts};
use strata_engine::PgConfig;
use tokio::sync::OnceCell;
use tokio_postgres::NoTls;

use crate::conversations::{
    Conversation, ConversationStore, ConversationSummary, Owner, StoreError, Turn,
};
use crate::feedback::{ApprovedPair, Feedback, MAX_APPROVED_PAIRS};

/// Connections the store keeps at most.
const POOL_SIZE: usize = 4;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS strata_conversations (
    id text PRIMARY KEY,
    tenant text NOT NULL,
    user_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    turns jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX IF NOT EXISTS strata_conversations_owner
    ON strata_conversations (tenant, user_id, updated_at);
CREATE TABLE IF NOT EXISTS strata_feedback (
    seq bigserial PRIMARY KEY,
    tenant text NOT NULL,
    user_id text NOT NULL,
    conversation_id text NOT NULL,
    turn integer NOT NULL,
    record jsonb NOT NULL,
    approved boolean NOT NULL,
    UNIQUE (tenant, user_id, conversation_id, turn)
);
CREATE INDEX IF NOT EXISTS strata_feedback_approved
    ON strata_feedback (tenant, seq) WHERE approved";

/// Timestamps read back as the file store writes them.
const TS: &str = r#"'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'"#;

/// Conversations and feedback in a PostgreSQL database.
pub struct PgStore {
    pool: Pool,
    target: String,
    ready: OnceCell<()>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("database", &self.target)
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// A store in the database `config` names; connects on first use.
    pub fn new(config: &PgConfig) -> Result<PgStore, StoreError> {
        let mut cfg = config.pool_config("strata-conversations");
        cfg.options = Some("-c TimeZone=UTC -c statement_timeout=30000".into());
        cfg.connect_timeout = Some(std::time::Duration::from_secs(5));
        cfg.manager = Some(ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        });
        let secs = |s| Some(std::time::Duration::from_secs(s));
        cfg.pool = Some(PoolConfig {
            max_size: POOL_SIZE,
            timeouts: Timeouts {
                wait: secs(10),
                create: secs(5),
                recycle: secs(5),
            },
            ..PoolConfig::default()
        });
        let pool = cfg.create_pool(Some(Runtime::Tokio1), NoTls).map_err(|e| {
            StoreError::database("cannot create a connection pool", Some(Box::new(e)))
        })?;
        Ok(PgStore {
            pool,
            target: format!("{}:{}/{}", config.host, config.port, config.dbname),
            ready: OnceCell::new(),
        })
    }

    /// A pooled connection, with the table created on the first call.
    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        let client = self.pool.get().await.map_err(|e| {
            StoreError::database(
                format!("cannot connect to PostgreSQL at {}: {e}", self.target),
                Some(Box::new(e)),
            )
        })?;
        self.ready
            .get_or_try_init(|| async {
                client.batch_execute(CREATE_TABLE).await.map_err(|e| {
                    db_error(
                        "creating tables strata_conversations and strata_feedback",
                        e,
                    )
                })
            })
            .await?;
        Ok(client)
    }
}

fn db_error(what: &str, e: tokio_postgres::Error) -> StoreError {
    let detail = e
        .as_db_error()
        .map(|d| d.message().to_owned())
        .unwrap_or_else(|| e.to_string());
    StoreError::database(format!("{what}: {detail}"), Some(Box::new(e)))
}

fn json_text<T: serde::Serialize>(value: &T, what: &str) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
        what: what.to_owned(),
        reason: e.to_string(),
    })
}

#[async_trait]
impl ConversationStore for PgStore {
    async fn create(&self, conversation: &Conversation) -> Result<(), StoreError> {
        let client = self.client().await?;
        let turns = json_text(&conversation.turns, "turns")?;
        client
            .execute(
                "INSERT INTO strata_conversations (id, tenant, user_id, created_at, updated_at, turns)
                 VALUES ($1, $2, $3, $4::text::timestamptz, $5::text::timestamptz, $6::text::jsonb)",
                &[
                    &conversation.id,
                    &conversation.tenant,
                    &conversation.user,
                    &conversation.created_at,
                    &conversation.updated_at,
                    &turns,
                ],
            )
            .await
            .map_err(|e| db_error("storing a conversation", e))?;
        Ok(())
    }

    async fn get(&self, owner: &Owner, id: &str) -> Result<Option<Conversation>, StoreError> {
        let client = self.client().await?;
        let sql = format!(
            "SELECT to_char(created_at AT TIME ZONE 'UTC', {TS}), \
                    to_char(updated_at AT TIME ZONE 'UTC', {TS}), turns::text \
             FROM strata_conversations WHERE id = $1 AND tenant = $2 AND user_id = $3"
        );
        let row = client
            .query_opt(&sql, &[&id, &owner.tenant, &owner.user])
            .await
            .map_err(|e| db_error("reading a conversation", e))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let turns: String = row.get(2);
        let turns: Vec<Turn> = serde_json::from_str(&turns).map_err(|e| StoreError::Corrupt {
            what: format!("conversation {id}"),
            reason: e.to_string(),
        })?;
        Ok(Some(Conversation {
            id: id.to_owned(),
            tenant: owner.tenant.clone(),
            user: owner.user.clone(),
            created_at: row.get(0),
            updated_at: row.get(1),
            turns,
        }))
    }

    async fn append(&self, owner: &Owner, id: &str, turn: &Turn) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let turn_json = json_text(turn, "turn")?;
        let n = client
            .execute(
                "UPDATE strata_conversations
                 SET turns = turns || jsonb_build_array($4::text::jsonb),
                     updated_at = $5::text::timestamptz
                 WHERE id = $1 AND tenant = $2 AND user_id = $3",
                &[
                    &id,
                    &owner.tenant,
                    &owner.user,
                    &turn_json,
                    &turn.created_at,
                ],
            )
            .await
            .map_err(|e| db_error("adding a turn", e))?;
        Ok(n > 0)
    }

    async fn delete(&self, owner: &Owner, id: &str) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let n = client
            .execute(
                "DELETE FROM strata_conversations WHERE id = $1 AND tenant = $2 AND user_id = $3",
                &[&id, &owner.tenant, &owner.user],
            )
            .await
            .map_err(|e| db_error("deleting a conversation", e))?;
        Ok(n > 0)
    }

    async fn list(
        &self,
        owner: &Owner,
        limit: usize,
    ) -> Result<Vec<ConversationSummary>, StoreError> {
        let client = self.client().await?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = format!(
            "SELECT id, coalesce(turns->0->>'question', ''), \
                    to_char(created_at AT TIME ZONE 'UTC', {TS}), \
                    to_char(updated_at AT TIME ZONE 'UTC', {TS}), jsonb_array_length(turns) \
             FROM strata_conversations WHERE tenant = $1 AND user_id = $2 \
             ORDER BY updated_at DESC, id LIMIT $3"
        );
        let rows = client
            .query(&sql, &[&owner.tenant, &owner.user, &limit])
            .await
            .map_err(|e| db_error("listing conversations", e))?;
        Ok(rows
            .iter()
            .map(|row| ConversationSummary {
                id: row.get(0),
                title: row.get(1),
                created_at: row.get(2),
                updated_at: row.get(3),
                turns: usize::try_from(row.get::<_, i32>(4)).unwrap_or_default(),
            })
            .collect())
    }

    async fn put_feedback(&self, feedback: &Feedback) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let record = json_text(feedback, "feedback")?;
        let turn = i32::try_from(feedback.turn).map_err(|_| StoreError::Corrupt {
            what: "feedback".into(),
            reason: format!("turn {} is out of range", feedback.turn),
        })?;
        let approved = feedback.approved_pair().is_some();
        // Delete and insert, so that the newest feedback has the highest `seq`.
        let tx = client
            .transaction()
            .await
            .map_err(|e| db_error("storing feedback", e))?;
        tx.execute(
            "DELETE FROM strata_feedback
             WHERE tenant = $1 AND user_id = $2 AND conversation_id = $3 AND turn = $4",
            &[
                &feedback.tenant,
                &feedback.user,
                &feedback.conversation_id,
                &turn,
            ],
        )
        .await
        .map_err(|e| db_error("storing feedback", e))?;
        tx.execute(
            "INSERT INTO strata_feedback (tenant, user_id, conversation_id, turn, record, approved)
             VALUES ($1, $2, $3, $4, $5::text::jsonb, $6)",
            &[
                &feedback.tenant,
                &feedback.user,
                &feedback.conversation_id,
                &turn,
                &record,
                &approved,
            ],
        )
        .await
        .map_err(|e| db_error("storing feedback", e))?;
        tx.commit()
            .await
            .map_err(|e| db_error("storing feedback", e))
    }

    async fn approved_pairs(&self, tenant: &str) -> Result<Vec<ApprovedPair>, StoreError> {
        let client = self.client().await?;
        let limit = i64::try_from(MAX_APPROVED_PAIRS).unwrap_or(i64::MAX);
        let rows = client
            .query(
                "SELECT record::text FROM strata_feedback WHERE tenant = $1 AND approved
                 ORDER BY seq DESC LIMIT $2",
                &[&tenant, &limit],
            )
            .await
            .map_err(|e| db_error("reading approved questions", e))?;
        let mut pairs = Vec::with_capacity(rows.len());
        for row in rows {
            let text: String = row.get(0);
            let record: Feedback =
                serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
                    what: "a feedback row".into(),
                    reason: e.to_string(),
                })?;
            pairs.extend(record.approved_pair());
        }
        Ok(pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The local PostgreSQL (see the workspace's test instructions), in a
    /// database of this test's own.
    #[tokio::test]
    async fn pg_store_keeps_conversations_and_feedback_for_their_owner_only() {
        const DB: &str = "strata_analyst_store";
        let (admin, connection) =
            tokio_postgres::connect("host=127.0.0.1 user=postgres dbname=postgres", NoTls)
                .await
                .expect("the local PostgreSQL answers");
        tokio::spawn(connection);
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)"))
            .await
            .expect("drop");
        admin
            .batch_execute(&format!("CREATE DATABASE {DB}"))
            .await
            .expect("create");
        let store = PgStore::new(&PgConfig {
            dbname: DB.into(),
            ..Default::default()
        })
        .expect("store");
        crate::test_support::check_store(&store).await;
    }
}
