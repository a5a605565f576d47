//! Pre-aggregations (Cube's `rollup`): built by running the aggregate on the
//! cube's data source, held as Arrow in a byte-bounded cache, refreshed in
//! the background, and used for every query they can answer.

pub mod build;
pub mod matching;
pub mod rollup;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use strata_schema::SemanticModel;

pub use matching::{matches, rollup_defs, RollupDef};
pub use rollup::BuiltRollup;

use crate::plan::LogicalPlan;

/// Default bound of the rollup cache: 512 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 512 * 1024 * 1024;

/// What happened to a rollup, for logs and progress bars.
#[derive(Debug, Clone, PartialEq)]
pub enum RollupEvent {
    /// A build started.
    Started,
    /// A build finished with this many rows and bytes.
    Built {
        /// Rows stored.
        rows: usize,
        /// Bytes held.
        bytes: usize,
    },
    /// The refresh key did not change; the stored data stays.
    Fresh,
    /// A build failed; the previous data (if any) keeps serving.
    Failed(String),
}

/// The declared rollups of a model and the built ones.
pub struct RollupStore {
    defs: Vec<RollupDef>,
    cache: moka::sync::Cache<String, Arc<BuiltRollup>>,
    last_error: Mutex<HashMap<String, String>>,
}

impl std::fmt::Debug for RollupStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RollupStore")
            .field("defs", &self.defs.len())
            .field("bytes", &self.cache.weighted_size())
            .finish()
    }
}

impl RollupStore {
    /// A store for the rollups of `model`, holding at most `max_bytes` of Arrow data.
    pub fn new(model: &SemanticModel, max_bytes: u64) -> RollupStore {
        RollupStore {
            defs: rollup_defs(model),
            cache: moka::sync::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|_k: &String, v: &Arc<BuiltRollup>| {
                    u32::try_from(v.bytes).unwrap_or(u32::MAX)
                })
                .build(),
            last_error: Mutex::new(HashMap::new()),
        }
    }

    /// Declared rollups.
    pub fn defs(&self) -> &[RollupDef] {
        &self.defs
    }

    /// A built rollup by id.
    pub fn get(&self, id: &str) -> Option<Arc<BuiltRollup>> {
        self.cache.get(id)
    }

    /// Stores a built rollup, replacing the previous one atomically: a query
    /// sees either the old data or the new, never a partial build.
    pub fn insert(&self, built: Arc<BuiltRollup>) {
        self.cache.insert(built.id.clone(), built);
        self.cache.run_pending_tasks();
    }

    /// Records a failed build.
    pub fn record_error(&self, id: &str, error: String) {
        if let Ok(mut m) = self.last_error.lock() {
            m.insert(id.to_string(), error);
        }
    }

    /// The last build error of a rollup, if its last build failed.
    pub fn last_error(&self, id: &str) -> Option<String> {
        self.last_error.lock().ok().and_then(|m| m.get(id).cloned())
    }

    /// Bytes held now.
    pub fn bytes(&self) -> u64 {
        self.cache.run_pending_tasks();
        self.cache.weighted_size()
    }

    /// The first built rollup that can answer `plan`.
    pub fn find(&self, model: &SemanticModel, plan: &LogicalPlan) -> Option<Arc<BuiltRollup>> {
        self.defs
            .iter()
            .filter(|d| matches(d, model, plan))
            .find_map(|d| self.cache.get(&d.id))
    }
}
