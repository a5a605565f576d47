//! Conversations in PostgreSQL: table `strata_conversations`, created on
//! first use when missing.
//!
//! ```sql
//! CREATE TABLE strata_conversations (
//!     id text PRIMARY KEY, tenant text NOT NULL, user_id text NOT NULL,
//!     created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
//!     turns jsonb NOT NULL)
//! ```
//!
//! A turn is appended in one statement (`turns = turns || $turn`), so
//! concurrent follow-ups never overwrite each other.

use async_trait::async_trait;
use deadpool_postgres::{ManagerConfig, Pool, PoolConfig, RecyclingMethod, Runtime, Timeouts};
use strata_engine::PgConfig;
use tokio::sync::OnceCell;
use tokio_postgres::NoTls;

use super::conversations::{Conversation, ConversationStore, Owner, StoreError, Turn};

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
    ON strata_conversations (tenant, user_id, updated_at)";

/// Timestamps read back as the file store writes them.
const TS: &str = r#"'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'"#;

/// Conversations in a PostgreSQL database.
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
        let mut cfg = deadpool_postgres::Config::new();
        cfg.host = Some(config.host.clone());
        cfg.port = Some(config.port);
        cfg.dbname = Some(config.dbname.clone());
        cfg.user = Some(config.user.clone());
        cfg.password = config.password.clone();
        cfg.application_name = Some("strata-conversations".into());
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
        let pool = cfg
            .create_pool(Some(Runtime::Tokio1), NoTls)
            .map_err(|e| StoreError::Database(format!("cannot create a connection pool: {e}")))?;
        Ok(PgStore {
            pool,
            target: format!("{}:{}/{}", config.host, config.port, config.dbname),
            ready: OnceCell::new(),
        })
    }

    /// A pooled connection, with the table created on the first call.
    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        let client = self.pool.get().await.map_err(|e| {
            StoreError::Database(format!(
                "cannot connect to PostgreSQL at {}: {e}",
                self.target
            ))
        })?;
        self.ready
            .get_or_try_init(|| async {
                client
                    .batch_execute(CREATE_TABLE)
                    .await
                    .map_err(|e| db_error("creating table strata_conversations", &e))
            })
            .await?;
        Ok(client)
    }
}

fn db_error(what: &str, e: &tokio_postgres::Error) -> StoreError {
    let detail = e
        .as_db_error()
        .map(|d| d.message().to_owned())
        .unwrap_or_else(|| e.to_string());
    StoreError::Database(format!("{what}: {detail}"))
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
            .map_err(|e| db_error("storing a conversation", &e))?;
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
            .map_err(|e| db_error("reading a conversation", &e))?;
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
            .map_err(|e| db_error("adding a turn", &e))?;
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
            .map_err(|e| db_error("deleting a conversation", &e))?;
        Ok(n > 0)
    }
}
