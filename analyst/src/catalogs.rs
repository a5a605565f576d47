//! Per-caller catalogs: the members a caller's access grant allows, with
//! sample values of low-cardinality string dimensions read from the data
//! *through the caller's engine and grant* (so row filters apply and values
//! never cross tenants), and the schema document `/ai-analytics/schema`
//! describes ([`SchemaDocument`]). Entries are kept for a TTL (5 minutes by
//! default), keyed by model, tenant and groups, and only reused for a caller
//! whose grant is the same.

use std::sync::Arc;
use std::time::Duration;

use strata_engine::{AccessGrant, CacheMode};
use strata_llm::offline::{sample_candidates, sample_query, sample_values, ParserIndex};
use strata_llm::Catalog;
use strata_schema::SemanticModel;
use tokio::task::JoinSet;

use crate::schema::SchemaDocument;
use crate::scope::AnalystScope;

/// Most catalogs kept at once.
const MAX_ENTRIES: u64 = 1_000;

/// A caller's catalog and the schema document made from it.
#[derive(Debug)]
pub struct CatalogEntry {
    /// The members the grant allows, with sample values.
    pub catalog: Catalog,
    /// The grant it was built for.
    pub grant: AccessGrant,
    /// The model it was built from (held, so its address stays unique while
    /// the entry is cached).
    pub model: Arc<SemanticModel>,
    /// The catalog as a document (what a schema browser shows).
    pub schema: SchemaDocument,
    /// The offline parser's index of `catalog` and the model's joins, built
    /// once here rather than for every question.
    pub parser_index: ParserIndex,
}

/// Catalogs by tenant and groups, with a TTL.
pub struct CatalogCache {
    entries: moka::sync::Cache<String, Arc<CatalogEntry>>,
    ttl: Duration,
    sample_values: usize,
}

impl std::fmt::Debug for CatalogCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogCache")
            .field("entries", &self.entries.entry_count())
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl CatalogCache {
    /// A cache keeping entries for `ttl`, reading up to `sample_values`
    /// values per string dimension (0 reads none).
    pub fn new(ttl: Duration, sample_values: usize) -> CatalogCache {
        CatalogCache {
            entries: moka::sync::Cache::builder()
                .max_capacity(MAX_ENTRIES)
                .time_to_live(ttl)
                .build(),
            ttl,
            sample_values,
        }
    }

    /// The catalog of the caller whose queries `scope` plans and runs:
    /// cached, or built now (reading sample values from the data).
    pub async fn for_caller(&self, scope: &AnalystScope) -> Arc<CatalogEntry> {
        let engine = scope.engine();
        let tenant = Some(scope.owner().tenant.as_str()).filter(|t| !t.is_empty());
        let key = cache_key(scope);
        if let Some(entry) = self.entries.get(&key) {
            let same_grant = scope
                .grant()
                .map_or(entry.grant.is_unrestricted(), |g| *g == entry.grant);
            if same_grant && Arc::ptr_eq(&entry.model, engine.model()) {
                return entry;
            }
        }
        let model = engine.model().clone();
        let mut catalog = Catalog::from_model_filtered(&model, |name| scope.allows(name));
        if self.sample_values > 0 {
            let filled = load_sample_values(scope.clone(), &mut catalog, self.sample_values).await;
            tracing::debug!(filled, ?tenant, "catalog sample values read");
        }
        let schema = SchemaDocument::new(&catalog, tenant, self.ttl);
        let parser_index = ParserIndex::for_model(&catalog, &model);
        let entry = Arc::new(CatalogEntry {
            parser_index,
            catalog,
            grant: scope.grant().cloned().unwrap_or_default(),
            model: model.clone(),
            schema,
        });
        self.entries.insert(key, entry.clone());
        entry
    }
}

/// The model (callers may have their own variant of it), tenant and sorted
/// groups: what access policies usually depend on. The grant itself is
/// compared on every hit, so callers whose claims give them another grant
/// never share an entry.
fn cache_key(scope: &AnalystScope) -> String {
    format!(
        "{:p}\u{1f}{}\u{1f}{}",
        Arc::as_ptr(scope.engine().model()),
        scope.owner().tenant,
        scope.groups().join("\u{1f}")
    )
}

/// Reads up to `max_values` distinct values of every candidate dimension,
/// concurrently, in the caller's `scope` (its engine, claims and grant);
/// keeps them where there are at most `max_values`. Failures leave a
/// dimension without values. Returns how many dimensions got values.
async fn load_sample_values(
    scope: AnalystScope,
    catalog: &mut Catalog,
    max_values: usize,
) -> usize {
    let mut tasks = JoinSet::new();
    for dimension in sample_candidates(catalog) {
        let scope = scope.clone();
        tasks.spawn(async move {
            let query = sample_query(&dimension, max_values)?;
            let options = scope.load_options(CacheMode::default());
            let rows = match scope.engine().load_with(&query, &options).await {
                Ok(loaded) => loaded.result.rows_json(),
                Err(e) => {
                    tracing::debug!("no sample values for {dimension}: {e}");
                    return None;
                }
            };
            let values = sample_values(&dimension, &rows, max_values)?;
            Some((dimension, values))
        });
    }
    let mut filled = 0;
    while let Some(done) = tasks.join_next().await {
        if let Ok(Some((dimension, values))) = done {
            catalog.set_sample_values(&dimension, values);
            filled += 1;
        }
    }
    filled
}
