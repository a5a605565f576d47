//! Per-caller catalogs: the members a caller's access grant allows, with
//! sample values of low-cardinality string dimensions read from the data
//! *through the caller's engine and grant* (so row filters apply and values
//! never cross tenants), and the schema document `/ai-analytics/schema`
//! serves. Entries are kept for a TTL (5 minutes by default), keyed by tenant
//! and groups, and only reused for a caller whose grant is the same.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};
use strata_engine::{AccessGrant, CacheMode, Engine};
use strata_llm::offline::{sample_candidates, sample_query, sample_values};
use strata_llm::{Catalog, CatalogMember};
use strata_schema::{MemberKind, SemanticModel};
use tokio::task::JoinSet;

use crate::scope::{OwnedScope, QueryScope};
use crate::tenancy::Caller;

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
    /// `/ai-analytics/schema`'s answer.
    pub schema: Value,
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

    /// The catalog of the caller whose queries `scope` plans and runs
    /// ([`AppState::scope_for`](crate::state::AppState::scope_for)): cached,
    /// or built now (reading sample values from the data).
    pub async fn for_caller(&self, scope: &QueryScope<'_>) -> Arc<CatalogEntry> {
        let engine = scope.engine();
        let tenant = scope.caller().and_then(|c| c.tenant.as_deref());
        let key = cache_key(engine, scope.caller());
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
            let filled =
                load_sample_values(scope.to_owned_scope(), &mut catalog, self.sample_values).await;
            tracing::debug!(filled, ?tenant, "catalog sample values read");
        }
        let schema = schema_document(&catalog, tenant, self.ttl);
        let entry = Arc::new(CatalogEntry {
            catalog,
            grant: scope.grant().cloned().unwrap_or_default(),
            model: model.clone(),
            schema,
        });
        self.entries.insert(key, entry.clone());
        entry
    }
}

/// The model (callers may have their own `COMPILE_CONTEXT` variant), tenant
/// and sorted groups: what access policies usually depend on. The grant
/// itself is compared on every hit, so callers whose claims give them another
/// grant never share an entry.
fn cache_key(engine: &Engine, caller: Option<&Caller>) -> String {
    let mut groups = caller.map(|c| c.groups.clone()).unwrap_or_default();
    groups.sort();
    groups.dedup();
    format!(
        "{:p}\u{1f}{}\u{1f}{}",
        Arc::as_ptr(engine.model()),
        caller.and_then(|c| c.tenant.as_deref()).unwrap_or(""),
        groups.join("\u{1f}")
    )
}

/// Reads up to `max_values` distinct values of every candidate dimension,
/// concurrently, in the caller's `scope` (its engine, claims and grant);
/// keeps them where there are at most `max_values`. Failures leave a
/// dimension without values. Returns how many dimensions got values.
async fn load_sample_values(scope: OwnedScope, catalog: &mut Catalog, max_values: usize) -> usize {
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

/// One member as the schema document lists it (empty fields left out).
fn member_json(m: &CatalogMember) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), json!(m.name));
    o.insert("title".into(), json!(m.title));
    o.insert("type".into(), json!(m.data_type));
    if let Some(agg) = &m.agg_type {
        o.insert("aggType".into(), json!(agg));
    }
    if let Some(format) = &m.format {
        o.insert("format".into(), json!(format));
    }
    if let Some(d) = &m.description {
        o.insert("description".into(), json!(d));
    }
    if !m.synonyms.is_empty() {
        o.insert("synonyms".into(), json!(m.synonyms));
    }
    if m.primary_key {
        o.insert("primaryKey".into(), json!(true));
    }
    if !m.sample_values.is_empty() {
        o.insert("sampleValues".into(), json!(m.sample_values));
    }
    Value::Object(o)
}

/// The model as the translator sees it: the caller's cubes and views with
/// their allowed members, and the LLM's system prompt made from them.
fn schema_document(catalog: &Catalog, tenant: Option<&str>, ttl: Duration) -> Value {
    let mut owners: Vec<(String, Map<String, Value>)> = Vec::new();
    for m in catalog.members() {
        let i = match owners.iter().position(|(name, _)| *name == m.owner) {
            Some(i) => i,
            None => {
                let mut o = Map::new();
                o.insert("name".into(), json!(m.owner));
                o.insert("title".into(), json!(m.owner_title));
                o.insert(
                    "type".into(),
                    json!(if m.in_view { "view" } else { "cube" }),
                );
                for list in ["measures", "dimensions", "segments"] {
                    o.insert(list.into(), json!([]));
                }
                owners.push((m.owner.clone(), o));
                owners.len() - 1
            }
        };
        let list = match m.kind {
            MemberKind::Measure => "measures",
            MemberKind::Dimension => "dimensions",
            MemberKind::Segment => "segments",
        };
        if let Some(Value::Array(items)) = owners[i].1.get_mut(list) {
            items.push(member_json(m));
        }
    }
    let now = chrono::Utc::now();
    let expires = now + chrono::Duration::from_std(ttl).unwrap_or_default();
    let stamp =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    json!({
        "tenantId": tenant,
        "generatedAt": stamp(now),
        "expiresAt": stamp(expires),
        "ttlSeconds": ttl.as_secs(),
        "memberCount": catalog.members().len(),
        "cubes": owners.into_iter().map(|(_, o)| Value::Object(o)).collect::<Vec<_>>(),
        "prompt": strata_llm::prompt::system_prompt(catalog, now.date_naive()),
    })
}
