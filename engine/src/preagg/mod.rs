//! Pre-aggregations (Cube's `rollup`): built by running the aggregate on the
//! cube's data source, held as Arrow in a byte-bounded cache, refreshed in
//! the background, and used for every query they can answer.

pub(crate) mod build;
pub(crate) mod matching;
pub(crate) mod rollup;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use strata_schema::SemanticModel;

pub use matching::RollupDef;
pub(crate) use matching::{matches, rollup_defs};
pub use rollup::{BuiltRollup, RollupColumn};

use crate::plan::LogicalPlan;

/// Default bound of the rollup cache: 512 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 512 * 1024 * 1024;

/// What happened to a rollup, for logs and progress bars.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
    pub(crate) fn record_error(&self, id: &str, error: String) {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::orders_engine;

    #[tokio::test]
    async fn rollups_answer_like_the_source() {
        let plain = orders_engine(5000).build();
        let rolled = orders_engine(5000)
            .rollups(super::DEFAULT_MAX_BYTES)
            .build();
        assert_eq!(rolled.build_rollups(&|_, _| {}).await, 1);
        let queries = [
            json!({"measures": ["Orders.count", "Orders.amount"], "dimensions": ["Orders.status"], "order": {"Orders.status": "asc"}}),
            json!({"measures": ["Orders.amount"], "timeDimensions": [{"dimension": "Orders.createdAt", "granularity": "month", "dateRange": ["2024-02-01", "2024-04-30"]}]}),
            json!({"measures": ["Orders.count"], "filters": [{"member": "Orders.status", "operator": "equals", "values": ["shipped"]}], "total": true}),
        ];
        for q in &queries {
            let typed = crate::testing::q(q.clone());
            let a = plain.load(&typed).await.unwrap();
            let b = rolled.load(&typed).await.unwrap();
            assert!(
                b.used_pre_aggregations.contains_key("Orders.byDay"),
                "{q} should use the rollup"
            );
            assert_eq!(a.rows_json(), b.rows_json(), "{q}");
            assert_eq!(a.total, b.total);
        }
        // Not covered: avg is not in the rollup; a date range inside a day.
        for q in [
            json!({"measures": ["Orders.avgAmount"]}),
            json!({"measures": ["Orders.count"], "timeDimensions": [{"dimension": "Orders.createdAt", "dateRange": ["2024-01-01T10:00:00", "2024-01-02"]}]}),
            json!({"measures": ["Orders.count"], "dimensions": ["Orders.id"]}),
        ] {
            let r = rolled.load(&crate::testing::q(q.clone())).await.unwrap();
            assert!(
                r.used_pre_aggregations.is_empty(),
                "{q} must go to the source"
            );
        }
    }

    #[tokio::test]
    async fn the_rollup_cache_stays_within_its_bound() {
        let engine = orders_engine(20_000).rollups(1 << 30).build();
        let def = engine.rollups().unwrap().defs()[0].clone();
        let built = engine.build_rollup(&def).await.unwrap();
        let per_rollup = built.bytes as u64;
        let bound = per_rollup * 5 / 2;
        let store = super::RollupStore::new(engine.model(), bound);
        let batch = built
            .executor
            .run(crate::sql::ast::query({
                let mut s = crate::sql::ast::blank_select();
                s.projection.push(sqlparser::ast::SelectItem::Wildcard(
                    sqlparser::ast::WildcardAdditionalOptions::default(),
                ));
                s.from.push(crate::sql::ast::from(super::rollup::table(
                    super::rollup::ROLLUP_TABLE,
                )));
                s
            }))
            .await
            .unwrap();
        let batch = arrow::compute::concat_batches(&batch[0].schema(), &batch).unwrap();
        // Fill it well past the bound with ten distinct rollups.
        for i in 0..10 {
            let mut d = def.clone();
            d.id = format!("Orders.copy{i}");
            let b = super::BuiltRollup::new(
                &d,
                engine.model(),
                built.columns.clone(),
                batch.clone(),
                None,
            )
            .unwrap();
            store.insert(std::sync::Arc::new(b));
            assert!(
                store.bytes() <= bound,
                "{} bytes held over a bound of {bound}",
                store.bytes()
            );
        }
        let held: usize = (0..10)
            .filter(|i| store.get(&format!("Orders.copy{i}")).is_some())
            .count();
        assert!((1..=2).contains(&held), "{held} rollups held");
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_the_previous_rollup() {
        let df = std::sync::Arc::new(crate::DataFusionExecutor::new());
        let batch = crate::testing::orders_batch(1000);
        df.register_batches("orders", batch.schema(), vec![batch])
            .unwrap();
        let model = strata_schema::load_files(&[(
            std::path::PathBuf::from("orders.yml"),
            crate::testing::ORDERS_MODEL.to_string(),
        )])
        .unwrap();
        let engine = crate::Engine::builder(std::sync::Arc::new(model))
            .data_source(crate::DEFAULT_DATA_SOURCE, df.clone())
            .rollups(super::DEFAULT_MAX_BYTES)
            .build();
        let def = engine.rollups().unwrap().defs()[0].clone();
        assert!(matches!(
            engine.refresh_rollup(&def).await,
            super::RollupEvent::Built { .. }
        ));
        let q = crate::testing::q(json!({"measures": ["Orders.count"]}));
        let before = engine.load(&q).await.unwrap();
        // The source goes away: the rebuild fails, the built rollup keeps serving.
        df.session().deregister_table("orders").unwrap();
        assert!(matches!(
            engine.refresh_rollup(&def).await,
            super::RollupEvent::Failed(_)
        ));
        assert!(engine.rollups().unwrap().last_error(&def.id).is_some());
        let after = engine.load(&q).await.unwrap();
        assert!(after.used_pre_aggregations.contains_key("Orders.byDay"));
        assert_eq!(before.rows_json(), after.rows_json());
        assert_eq!(after.rows_json()[0]["Orders.count"], "1000");
    }
}
