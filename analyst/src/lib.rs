//! Strata's AI analytics as a library: questions in plain language answered
//! with data, a chart and insights, in conversations that follow-up
//! questions refine.
//!
//! An [`Analyst`] holds the translator (the LLM configured in
//! [`AnalystSettings::llm`], or the offline parser), the per-caller
//! [`CatalogCache`] and a [`ConversationStore`]. Every call takes an
//! [`AnalystScope`]: the engine to plan and run with, and the access grant,
//! claims and owner of the person asking (a program without access policies
//! makes one from its engine alone).
//!
//! * [`Analyst::ask`] translates a question, checks its query against the
//!   caller's catalog (the members its grant allows, [`guard`]), plans and
//!   runs it with the caller's grant, and answers an [`Outcome`]: an
//!   [`Answer`] or a [`Refusal`]. Both serialize to the body of Strata's
//!   `POST /ai-analytics/query`;
//! * [`Analyst::chart`] answers a Cube query given directly;
//! * [`Analyst::feedback`] rates a turn; the question→query pairs people
//!   approve answer their tenant's near-duplicate questions offline, and are
//!   the LLM's examples ([`similar`]).
//!
//! Nothing unchecked reaches a database: whatever a translator (or a caller)
//! produces is checked against the catalog here, and the engine plans it
//! with the caller's grant.
//!
//! ```no_run
//! # async fn demo(engine: strata_engine::Engine) -> Result<(), strata_analyst::AnalystError> {
//! use strata_analyst::{Analyst, AnalystScope, AnalystSettings, ConversationBackend, Outcome};
//!
//! let analyst = Analyst::new(AnalystSettings {
//!     conversations: ConversationBackend::Memory,
//!     ..AnalystSettings::default()
//! })?;
//! let scope = AnalystScope::new(engine);
//! let first = analyst.ask(&scope, "revenue by channel", None).await?;
//! let follow_up = analyst
//!     .ask(&scope, "as a pie chart", first.conversation_id())
//!     .await?;
//! if let Outcome::Answer(a) = follow_up {
//!     println!("{} rows, a {} chart", a.table.rows.len(), a.chart.chart_type.as_str());
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod catalogs;
pub mod conversations;
pub mod feedback;
pub mod forecasting;
pub mod guard;
pub mod outcome;
pub mod schema;
pub mod similar;

mod ask;
mod error;
mod file_store;
mod given;
mod memory_store;
mod pg_store;
mod rate;
mod run;
mod scope;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
mod value_search;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use strata_engine::PgConfig;
use strata_llm::{LlmConfig, LlmTranslator};

pub use ask::MAX_QUESTION_CHARS;
pub use catalogs::{CatalogCache, CatalogEntry};
pub use conversations::{
    Conversation, ConversationId, ConversationStore, ConversationSummary, Owner, StoreError,
    StoredChart, Turn,
};
pub use error::AnalystError;
pub use feedback::{ApprovedPair, Feedback, FeedbackRequest, Rating};
pub use file_store::FileStore;
pub use memory_store::MemoryStore;
pub use outcome::{
    Answer, AvailableMembers, Clarification, ClarificationOption, Outcome, Refusal, RefusalReason,
    TranslatorKind,
};
pub use pg_store::PgStore;
pub use run::intent_of;
pub use schema::SchemaDocument;
pub use scope::AnalystScope;

/// Default data directory, relative to the working directory.
pub const DEFAULT_DATA_DIR: &str = ".strata-data";

/// How long a caller's catalog (with its sample values) and schema are kept.
pub const CATALOG_TTL: Duration = Duration::from_secs(300);

/// Most distinct values read per string dimension; dimensions with more are
/// left without values (names, e-mails, ids).
pub const DEFAULT_SAMPLE_VALUES: usize = 50;

/// Where conversations and feedback are stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConversationBackend {
    /// JSON files under the data directory ([`FileStore::in_data_dir`]).
    File,
    /// Tables `strata_conversations` and `strata_feedback` (created when
    /// missing) in this database ([`PgStore`]).
    Postgres(PgConfig),
    /// In memory, gone with the process ([`MemoryStore`]).
    Memory,
}

/// Settings of an [`Analyst`].
#[derive(Debug, Clone)]
pub struct AnalystSettings {
    /// Directory for durable state (default `.strata-data`), used by the
    /// [`ConversationBackend::File`] store.
    pub data_dir: PathBuf,
    /// Where conversations and feedback are stored.
    pub conversations: ConversationBackend,
    /// The LLM endpoint; `None` uses the offline parser.
    pub llm: Option<LlmConfig>,
    /// How long catalogs and schema documents are cached.
    pub catalog_ttl: Duration,
    /// Most sample values read per string dimension (0 reads none).
    pub sample_values: usize,
}

impl Default for AnalystSettings {
    fn default() -> Self {
        AnalystSettings {
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            conversations: ConversationBackend::File,
            llm: None,
            catalog_ttl: CATALOG_TTL,
            sample_values: DEFAULT_SAMPLE_VALUES,
        }
    }
}

/// The translator, catalogs and conversation store that answer questions.
pub struct Analyst {
    translator: Option<LlmTranslator>,
    catalogs: CatalogCache,
    store: Arc<dyn ConversationStore>,
}

impl std::fmt::Debug for Analyst {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyst")
            .field("llm", &self.translator.as_ref().map(|t| t.config()))
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Default for Analyst {
    /// The offline parser and a file store in [`DEFAULT_DATA_DIR`] (created
    /// on the first write).
    fn default() -> Self {
        let settings = AnalystSettings::default();
        Analyst::with_store(
            &settings,
            None,
            Arc::new(FileStore::in_data_dir(&settings.data_dir)),
        )
    }
}

impl Analyst {
    /// The analyst `settings` describe. Nothing is connected or created
    /// yet: the data directory and the database tables appear on first use.
    pub fn new(settings: AnalystSettings) -> Result<Analyst, AnalystError> {
        let translator = match &settings.llm {
            Some(config) => {
                Some(LlmTranslator::new(config.clone()).map_err(AnalystError::LlmSetup)?)
            }
            None => None,
        };
        let store: Arc<dyn ConversationStore> = match &settings.conversations {
            ConversationBackend::File => Arc::new(FileStore::in_data_dir(&settings.data_dir)),
            ConversationBackend::Postgres(pg) => {
                Arc::new(PgStore::new(pg).map_err(AnalystError::StoreSetup)?)
            }
            ConversationBackend::Memory => Arc::new(MemoryStore::new()),
        };
        let analyst = Analyst::with_store(&settings, translator, store);
        tracing::info!(
            translator = ?analyst.translator_kind(),
            store = ?analyst.store,
            "AI analytics ready"
        );
        Ok(analyst)
    }

    /// An analyst with its own `store` (any [`ConversationStore`]); the
    /// `settings`' backend is not used.
    pub fn with_store(
        settings: &AnalystSettings,
        translator: Option<LlmTranslator>,
        store: Arc<dyn ConversationStore>,
    ) -> Analyst {
        Analyst {
            translator,
            catalogs: CatalogCache::new(settings.catalog_ttl, settings.sample_values),
            store,
        }
    }

    /// The LLM translator, when an endpoint is configured.
    pub fn translator(&self) -> Option<&LlmTranslator> {
        self.translator.as_ref()
    }

    /// Which translator reads questions.
    pub fn translator_kind(&self) -> TranslatorKind {
        if self.translator.is_some() {
            TranslatorKind::Llm
        } else {
            TranslatorKind::Offline
        }
    }

    /// The per-caller catalogs.
    pub fn catalogs(&self) -> &CatalogCache {
        &self.catalogs
    }

    /// The conversation store.
    pub fn store(&self) -> &dyn ConversationStore {
        self.store.as_ref()
    }

    /// The caller's view of the model: its catalog as a document.
    pub async fn schema(&self, scope: &AnalystScope) -> Arc<CatalogEntry> {
        self.catalogs.for_caller(scope).await
    }

    /// The caller's conversations, newest first, at most `limit`.
    pub async fn conversations(
        &self,
        scope: &AnalystScope,
        limit: usize,
    ) -> Result<Vec<ConversationSummary>, AnalystError> {
        Ok(self.store.list(scope.owner(), limit).await?)
    }
}
