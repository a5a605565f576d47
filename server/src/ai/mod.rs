//! AI analytics: questions in plain language answered with data, a chart and
//! insights, in conversations that follow-up questions refine.
//!
//! Routes, behind the same authentication, tenancy and access policies as
//! `/cubejs-api/v1/load` and counted against the caller's AI rate limit
//! (`STRATA_RATE_AI_PER_HOUR`):
//!
//! * `POST /ai-analytics/query` `{"naturalLanguageQuery", "conversationId"?}`
//!   → `{"success", "naturalLanguageQuery", "intent", "generatedQuery",
//!   "data", "columns", "chart": {"type", "option"}, "insights", "metadata",
//!   "conversationId"}`; a question that cannot be answered gets
//!   `"success": false` with an `error` naming what was not understood and
//!   what can be asked about;
//! * `POST /ai-analytics/chart` `{"query", "chartType"?, "conversationId"?}`:
//!   a Cube query given directly, answered with the same body ([`direct`]);
//! * `GET /ai-analytics/schema` and `/ai-analytics/schema/{tenantId}` (the
//!   caller's own tenant only): the model as the translator sees it;
//! * `GET` and `DELETE /ai-analytics/conversations/{id}`.
//!
//! Questions are translated by the LLM configured with `STRATA_LLM_*`
//! ([`strata_llm::LlmTranslator`]), or by the offline parser when none is.
//! Either way the translation can only name members of the caller's
//! [`strata_llm::Catalog`] (the members its access grant allows); the query is
//! checked against that catalog again here ([`guard`]) and then planned by
//! the engine with the caller's grant, so nothing unchecked reaches a
//! database.
//!
//! Conversations are stored by a [`ConversationStore`]: a JSON file per
//! conversation under `STRATA_DATA_DIR` ([`FileStore`]), or the
//! `strata_conversations` table in PostgreSQL ([`PgStore`]); see
//! [`ConversationBackend`] for which is used.

pub mod catalogs;
pub mod conversations;
pub mod direct;
pub mod guard;
pub mod pg_store;
pub mod routes;
pub mod service;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use strata_engine::PgConfig;
use strata_llm::{LlmConfig, LlmTranslator};

pub use catalogs::{CatalogCache, CatalogEntry};
pub use conversations::{
    Conversation, ConversationStore, FileStore, Owner, StoreError, StoredChart, Turn,
};
pub use pg_store::PgStore;

use crate::error::ServerError;

/// Default data directory (`STRATA_DATA_DIR`), relative to the working directory.
pub const DEFAULT_DATA_DIR: &str = ".strata-data";

/// How long a caller's catalog (with its sample values) and schema are kept.
pub const CATALOG_TTL: Duration = Duration::from_secs(300);

/// Most distinct values read per string dimension; dimensions with more are
/// left without values (names, e-mails, ids).
pub const DEFAULT_SAMPLE_VALUES: usize = 50;

/// Where conversations are stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConversationBackend {
    /// One JSON file per conversation in `<data dir>/conversations`
    /// (`STRATA_CONVERSATIONS=file`; the default without a database).
    File,
    /// Table `strata_conversations` (created when missing) in this database
    /// (`STRATA_CONVERSATIONS=postgres`; the default when `CUBEJS_DB_TYPE=postgres`).
    Postgres(PgConfig),
}

/// Settings of the AI analytics API.
#[derive(Debug, Clone)]
pub struct AiSettings {
    /// Directory for durable state (`STRATA_DATA_DIR`, default `.strata-data`).
    pub data_dir: PathBuf,
    /// Where conversations are stored.
    pub conversations: ConversationBackend,
    /// The LLM endpoint (`STRATA_LLM_BASE_URL`...); `None` uses the offline parser.
    pub llm: Option<LlmConfig>,
    /// How long catalogs and schema documents are cached.
    pub catalog_ttl: Duration,
    /// Most sample values read per string dimension (0 reads none).
    pub sample_values: usize,
}

impl Default for AiSettings {
    fn default() -> Self {
        AiSettings {
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            conversations: ConversationBackend::File,
            llm: None,
            catalog_ttl: CATALOG_TTL,
            sample_values: DEFAULT_SAMPLE_VALUES,
        }
    }
}

/// The translator, catalogs and conversation store of one server.
pub struct AiService {
    translator: Option<LlmTranslator>,
    catalogs: CatalogCache,
    store: Arc<dyn ConversationStore>,
}

impl std::fmt::Debug for AiService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AiService")
            .field("llm", &self.translator.as_ref().map(|t| t.config()))
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Default for AiService {
    /// The offline parser and a file store in [`DEFAULT_DATA_DIR`] (created
    /// on the first write).
    fn default() -> Self {
        let settings = AiSettings::default();
        AiService {
            translator: None,
            catalogs: CatalogCache::new(settings.catalog_ttl, settings.sample_values),
            store: Arc::new(FileStore::new(settings.data_dir.join("conversations"))),
        }
    }
}

impl AiService {
    /// The service `settings` describe. Nothing is connected or created yet:
    /// the data directory and the conversations table appear on first use.
    pub fn new(settings: &AiSettings) -> Result<AiService, ServerError> {
        let translator = match &settings.llm {
            Some(config) => Some(LlmTranslator::new(config.clone()).map_err(|e| {
                ServerError::Config(format!(
                    "cannot set up the LLM endpoint (STRATA_LLM_BASE_URL, STRATA_LLM_API_KEY): {e}"
                ))
            })?),
            None => None,
        };
        let store: Arc<dyn ConversationStore> = match &settings.conversations {
            ConversationBackend::File => {
                Arc::new(FileStore::new(settings.data_dir.join("conversations")))
            }
            ConversationBackend::Postgres(pg) => Arc::new(PgStore::new(pg).map_err(|e| {
                ServerError::Config(format!("cannot set up the conversation store: {e}"))
            })?),
        };
        tracing::info!(
            translator = if translator.is_some() { "llm" } else { "offline" },
            store = ?store,
            "AI analytics ready"
        );
        Ok(AiService {
            translator,
            catalogs: CatalogCache::new(settings.catalog_ttl, settings.sample_values),
            store,
        })
    }

    /// The LLM translator, when an endpoint is configured.
    pub fn translator(&self) -> Option<&LlmTranslator> {
        self.translator.as_ref()
    }

    /// The per-caller catalogs.
    pub fn catalogs(&self) -> &CatalogCache {
        &self.catalogs
    }

    /// The conversation store.
    pub fn store(&self) -> &dyn ConversationStore {
        self.store.as_ref()
    }
}
