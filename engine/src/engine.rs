//! [`Engine`]: the entry point that turns Cube queries into SQL and results.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Map, Value};
use strata_schema::SemanticModel;

use crate::access::AccessGrant;
use crate::annotation::Annotation;
use crate::cache::{CacheConfig, CacheKey, CacheMode, CachedResult, ResultCache};
use crate::dialect::{DataFusionDialect, Dialect};
use crate::error::{query_err, EngineError, QueryError};
use crate::exec::Executor;
use crate::gate::ExecutionGate;
use crate::join_graph::JoinGraph;
use crate::limits::QueryLimits;
use crate::plan::{LogicalPlan, Planner};
use crate::preagg::RollupStore;
use crate::query::{NormalizedQuery, Query, QueryRequest};
use crate::result::{JsonStyle, OutputColumn, QueryResult};
use crate::sql::templates::SnippetDialect;
use crate::sql::{CompiledTemplates, RenderedQuery, SqlRenderer};

/// How a `/load` request's queries relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryType {
    /// One query.
    RegularQuery,
    /// One query per range of a `compareDateRange`.
    CompareDateRangeQuery,
    /// Several independent queries (an array).
    BlendingQuery,
}

impl QueryType {
    /// Cube's name for it.
    pub fn as_str(&self) -> &'static str {
        match self {
            QueryType::RegularQuery => "regularQuery",
            QueryType::CompareDateRangeQuery => "compareDateRangeQuery",
            QueryType::BlendingQuery => "blendingQuery",
        }
    }
}

/// A request split into its queries.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedRequest {
    /// How the queries relate.
    pub query_type: QueryType,
    /// The individual queries.
    pub queries: Vec<Query>,
}

/// A query planned and rendered, not run.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedQuery {
    /// The normalized query.
    pub query: NormalizedQuery,
    /// The SQL in its data source's dialect, with its placeholders.
    pub sql: String,
    /// Bound values.
    pub params: Vec<Value>,
    /// Approximate distinct counts are computed exactly (no `hll`).
    exact_approx: Option<&'static str>,
    /// SQL column alias to member name.
    pub alias_to_member: Vec<(String, String)>,
    /// The logical plan.
    pub plan: LogicalPlan,
    /// The data source it runs on.
    pub data_source: String,
    rendered: RenderedQuery,
}

/// A query's answer.
#[derive(Debug, Clone)]
pub struct LoadResult {
    /// The normalized query.
    pub query: NormalizedQuery,
    /// The annotation.
    pub annotation: Annotation,
    /// Row count ignoring limit and offset, when asked with `total`.
    pub total: Option<u64>,
    /// Data source that answered.
    pub data_source: String,
    /// Its type.
    pub db_type: String,
    /// Pre-aggregations used, by name.
    pub used_pre_aggregations: Map<String, Value>,
    /// The values.
    pub result: QueryResult,
}

impl LoadResult {
    /// Cube's `data`.
    pub fn rows_json(&self) -> Vec<Value> {
        self.result.rows_json()
    }

    /// Cube's `data` as a serializer, without building JSON values.
    pub fn rows(&self) -> crate::Rows<'_> {
        self.result.rows()
    }

    /// Chart-ready columns: `[{"member", "type", "title", "values"}]`.
    pub fn columns_json(&self) -> Value {
        let cols: Vec<Value> = self
            .result
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let member = c.names.first().cloned().unwrap_or_default();
                let ann = self
                    .annotation
                    .measures
                    .get(&member)
                    .or_else(|| self.annotation.dimensions.get(&member))
                    .or_else(|| self.annotation.time_dimensions.get(&member));
                json!({
                    "member": member,
                    "type": ann.and_then(|a| a.get("type")).cloned().unwrap_or(Value::Null),
                    "title": ann.and_then(|a| a.get("title")).cloned().unwrap_or(Value::Null),
                    "format": ann.and_then(|a| a.get("format")).cloned().unwrap_or(Value::Null),
                    "values": self.result.chart_values(i),
                })
            })
            .collect();
        Value::Array(cols)
    }
}

/// Where a data source's queries run: any [`Executor`].
pub type Backend = Arc<dyn Executor>;

/// The data source cubes without `data_source` use.
pub const DEFAULT_DATA_SOURCE: &str = "default";

struct Inner {
    model: Arc<SemanticModel>,
    graph: Arc<JoinGraph>,
    templates: Arc<CompiledTemplates>,
    sources: HashMap<String, Backend>,
    rollups: Option<Arc<RollupStore>>,
    cache: Option<Arc<ResultCache>>,
    limits: QueryLimits,
}

/// Options of [`Engine::load_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions<'a> {
    /// Cube's `cache` mode.
    pub cache: CacheMode,
    /// The caller's verified claims: answers are never shared across contexts.
    pub security_context: Option<&'a Value>,
    /// What the caller may see ([`AccessGrant::evaluate`]); `None` plans
    /// without access policies.
    pub access: Option<&'a AccessGrant>,
    /// Admission of the query to its data source when the cache does not
    /// answer it (`None`: it runs at once).
    pub gate: Option<&'a Arc<dyn ExecutionGate>>,
}

/// An answer and where it came from.
#[derive(Debug, Clone)]
pub struct CachedLoad {
    /// The answer.
    pub result: Arc<LoadResult>,
    /// When it was computed (Cube's `lastRefreshTime`).
    pub computed_at: chrono::DateTime<chrono::Utc>,
    /// Served from the result cache.
    pub from_cache: bool,
}

/// Builds an [`Engine`] with its data sources.
pub struct EngineBuilder {
    model: Arc<SemanticModel>,
    sources: HashMap<String, Backend>,
    rollup_bytes: Option<u64>,
    cache: Option<CacheConfig>,
    limits: QueryLimits,
}

impl EngineBuilder {
    /// Adds (or replaces) a data source; name cubes' `data_source` after it,
    /// or use [`DEFAULT_DATA_SOURCE`].
    pub fn data_source(mut self, name: impl Into<String>, backend: Backend) -> Self {
        self.sources.insert(name.into(), backend);
        self
    }

    /// Serves the model's `rollup` pre-aggregations from Arrow, holding at
    /// most `max_bytes` of them in memory (build them with
    /// [`Engine::build_rollups`] or [`Engine::spawn_rollup_refresh`]).
    pub fn rollups(mut self, max_bytes: u64) -> Self {
        self.rollup_bytes = Some(max_bytes);
        self
    }

    /// Bounds the complexity of each query (defaults: [`QueryLimits::default`]).
    pub fn limits(mut self, limits: QueryLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Keeps answers in a result cache.
    pub fn result_cache(mut self, config: CacheConfig) -> Self {
        self.cache = Some(config);
        self
    }

    /// The engine.
    pub fn build(self) -> Engine {
        let graph = Arc::new(JoinGraph::new(&self.model));
        let templates = Arc::new(CompiledTemplates::with_parsers(
            self.model.clone(),
            parsers(&self.sources),
        ));
        let rollups = self
            .rollup_bytes
            .map(|b| Arc::new(RollupStore::new(&self.model, b)));
        Engine {
            inner: Arc::new(Inner {
                model: self.model,
                graph,
                templates,
                rollups,
                cache: self.cache.map(|c| Arc::new(ResultCache::new(c))),
                sources: self.sources,
                limits: self.limits,
            }),
        }
    }
}

/// Plans Cube queries against a model and runs them on its data sources'
/// executors. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("cubes", &self.inner.model.cubes.len())
            .field("sources", &self.inner.sources)
            .finish()
    }
}

impl Engine {
    /// An engine over `model`, running queries on `executor` (the default
    /// data source) when given.
    pub fn new(model: Arc<SemanticModel>, executor: Option<Backend>) -> Engine {
        let mut b = Engine::builder(model);
        if let Some(e) = executor {
            b = b.data_source(DEFAULT_DATA_SOURCE, e);
        }
        b.build()
    }

    /// A builder for an engine with several data sources.
    pub fn builder(model: Arc<SemanticModel>) -> EngineBuilder {
        EngineBuilder {
            model,
            sources: HashMap::new(),
            rollup_bytes: None,
            cache: None,
            limits: QueryLimits::default(),
        }
    }

    /// An engine over the same compiled model (shared, not copied) running on
    /// other data sources: a tenant's own database or schema. It has its own
    /// result cache (same settings) and no rollups, so nothing computed for
    /// one set of sources can answer another.
    pub fn with_sources(&self, sources: HashMap<String, Backend>) -> Engine {
        // The parsed snippets are shared when the sources speak the same
        // dialects; otherwise the snippets are read again in the new ones.
        let templates = if dialect_names(&sources) == dialect_names(&self.inner.sources) {
            self.inner.templates.clone()
        } else {
            Arc::new(CompiledTemplates::with_parsers(
                self.inner.model.clone(),
                parsers(&sources),
            ))
        };
        self.derived(
            self.inner.model.clone(),
            self.inner.graph.clone(),
            templates,
            sources,
        )
    }

    /// An engine over `model` with one more data source (`name`, e.g. the
    /// tables a tenant uploaded) beside this engine's sources: like
    /// [`Engine::with_model`] followed by [`Engine::with_sources`], with its
    /// own result cache and no rollups.
    pub fn with_model_and_source(
        &self,
        model: Arc<SemanticModel>,
        name: &str,
        backend: Backend,
    ) -> Engine {
        let mut sources = self.inner.sources.clone();
        sources.insert(name.to_string(), backend);
        let graph = Arc::new(JoinGraph::new(&model));
        let templates = Arc::new(CompiledTemplates::with_parsers(
            model.clone(),
            parsers(&sources),
        ));
        self.derived(model, graph, templates, sources)
    }

    /// An engine over another compiled model (a tenant's variant of the
    /// model) on the same data sources, with its own result cache (same
    /// settings) and no rollups.
    pub fn with_model(&self, model: Arc<SemanticModel>) -> Engine {
        let graph = Arc::new(JoinGraph::new(&model));
        let templates = Arc::new(CompiledTemplates::with_parsers(
            model.clone(),
            parsers(&self.inner.sources),
        ));
        self.derived(model, graph, templates, self.inner.sources.clone())
    }

    /// An engine with this one's limits and cache settings, a fresh result
    /// cache and no rollups, over the given model and sources.
    fn derived(
        &self,
        model: Arc<SemanticModel>,
        graph: Arc<JoinGraph>,
        templates: Arc<CompiledTemplates>,
        sources: HashMap<String, Backend>,
    ) -> Engine {
        Engine {
            inner: Arc::new(Inner {
                model,
                graph,
                templates,
                sources,
                rollups: None,
                cache: self
                    .inner
                    .cache
                    .as_ref()
                    .map(|c| Arc::new(ResultCache::new(*c.config()))),
                limits: self.inner.limits,
            }),
        }
    }

    /// The pre-aggregation store, when enabled.
    pub fn rollups(&self) -> Option<&Arc<RollupStore>> {
        self.inner.rollups.as_ref()
    }

    /// Renders a plan for the backend of its data source.
    pub(crate) fn render_for_source(
        &self,
        plan: &LogicalPlan,
    ) -> Result<(Backend, RenderedQuery), EngineError> {
        let ds = self.data_source_of(plan)?;
        let backend = self.source(&ds)?;
        let rendered =
            SqlRenderer::new(&self.inner.model, &self.inner.templates, backend.dialect())
                .render(plan)?;
        Ok((backend, rendered))
    }

    /// The backend of a data source.
    pub fn backend(&self, name: &str) -> Option<&Backend> {
        self.inner.sources.get(name)
    }

    /// The backend queries of data source `name` run on, or why there is
    /// none: no database at all for the default source, an unconfigured
    /// source otherwise.
    fn source(&self, name: &str) -> Result<Backend, EngineError> {
        self.inner
            .sources
            .get(name)
            .cloned()
            .ok_or_else(|| match name {
                DEFAULT_DATA_SOURCE => EngineError::NoDatabase,
                other => {
                    EngineError::Query(query_err!("data source \"{other}\" is not configured"))
                }
            })
    }

    /// The data source a plan runs on: that of its cubes, which must agree.
    fn data_source_of(&self, plan: &LogicalPlan) -> Result<String, QueryError> {
        let mut found: Option<&str> = None;
        for c in plan.all_cubes() {
            let ds = self
                .inner
                .model
                .cube(c)
                .and_then(|c| c.data_source.as_deref())
                .unwrap_or(DEFAULT_DATA_SOURCE);
            match found {
                None => found = Some(ds),
                Some(f) if f != ds => {
                    return Err(query_err!(
                        "this query joins cubes of two data sources ({f} and {ds}); a query \
                         must stay within one"
                    ))
                }
                _ => {}
            }
        }
        Ok(found.unwrap_or(DEFAULT_DATA_SOURCE).to_string())
    }

    /// Parses every SQL snippet of the model in its data source's dialect
    /// and reports those that do not parse, each with its file, line and
    /// member. Queries parse snippets lazily, cube by cube; run this when a
    /// model is loaded so that a broken snippet is a model error there and
    /// not a surprise at the first query that touches it.
    pub fn check_model(&self) -> Result<(), strata_schema::ModelErrors> {
        self.inner.templates.check()
    }

    /// The model.
    pub fn model(&self) -> &Arc<SemanticModel> {
        &self.inner.model
    }

    /// The executor of the default data source, if any.
    pub fn executor(&self) -> Option<&Backend> {
        self.inner.sources.get(DEFAULT_DATA_SOURCE)
    }

    /// Splits a `/load` request into its individual queries: a
    /// `compareDateRange` becomes one query per range.
    pub fn prepare_request(&self, request: &QueryRequest) -> Result<PreparedRequest, QueryError> {
        let query = match request {
            QueryRequest::Many(items) => {
                return Ok(PreparedRequest {
                    query_type: if items.len() == 1 {
                        QueryType::RegularQuery
                    } else {
                        QueryType::BlendingQuery
                    },
                    queries: items.clone(),
                })
            }
            QueryRequest::One(query) => query,
        };
        let compare = query
            .time_dimensions
            .iter()
            .enumerate()
            .find_map(|(i, td)| td.compare_date_range.as_ref().map(|c| (i, c)));
        let Some((i, ranges)) = compare else {
            return Ok(PreparedRequest {
                query_type: QueryType::RegularQuery,
                queries: vec![query.clone()],
            });
        };
        self.inner.limits.check_compare_ranges(ranges.len())?;
        let queries = ranges
            .iter()
            .map(|range| {
                let mut q = query.clone();
                let td = &mut q.time_dimensions[i];
                td.compare_date_range = None;
                td.date_range = Some(range.clone());
                q
            })
            .collect();
        Ok(PreparedRequest {
            query_type: QueryType::CompareDateRangeQuery,
            queries,
        })
    }

    /// The dialect of a data source.
    fn dialect(&self, data_source: &str) -> &dyn Dialect {
        match self.inner.sources.get(data_source) {
            Some(executor) => executor.dialect(),
            None => crate::dialect::default_dialect(),
        }
    }

    /// Parses, validates, plans and renders a query without running it, in
    /// the dialect of its data source. What a data source supports is
    /// learned once by [`Engine::prepare`], which loads run first; call it
    /// before planning so that the SQL is the SQL a load runs.
    pub fn plan(&self, query: &Query) -> Result<PlannedQuery, QueryError> {
        self.plan_with(query, None)
    }

    /// Like [`Engine::plan`], for a caller with an access grant: members the
    /// grant refuses are errors, and its row filters are part of the plan.
    pub fn plan_with(
        &self,
        q: &Query,
        access: Option<&AccessGrant>,
    ) -> Result<PlannedQuery, QueryError> {
        self.inner.limits.check_query(q)?;
        if q.time_dimensions
            .iter()
            .any(|t| t.compare_date_range.is_some())
        {
            return Err(query_err!(
                "compareDateRange queries return one result per range: send them with queryType=multi"
            ));
        }
        let mut planner = Planner::new(&self.inner.model, &self.inner.graph, chrono::Utc::now());
        if let Some(grant) = access {
            planner = planner.with_access(grant);
        }
        let plan = planner.plan(q)?;
        self.inner.limits.check_plan(&self.inner.model, &plan)?;
        let data_source = self.data_source_of(&plan)?;
        let dialect = self.dialect(&data_source);
        let rendered =
            SqlRenderer::new(&self.inner.model, &self.inner.templates, dialect).render(&plan)?;
        let alias_to_member = plan
            .dimensions
            .iter()
            .map(|d| (d.alias.clone(), d.name.clone()))
            .chain(
                plan.measures
                    .iter()
                    .map(|m| (m.alias.clone(), m.name.clone())),
            )
            .collect();
        Ok(PlannedQuery {
            query: NormalizedQuery::new(q, &plan),
            sql: rendered.main.sql.clone(),
            params: rendered
                .main
                .params
                .iter()
                .map(|p| p.clone().map(Value::String).unwrap_or(Value::Null))
                .collect(),
            exact_approx: dialect.exact_distinct_reason(),
            alias_to_member,
            plan,
            data_source,
            rendered,
        })
    }

    /// Learns what each data source supports ([`Executor::prepare`]), once
    /// per source; later calls return at once.
    pub async fn prepare(&self) -> Result<(), EngineError> {
        for executor in self.inner.sources.values() {
            executor.prepare().await?;
        }
        Ok(())
    }

    /// Plans a query and runs it on its data source (or a rollup).
    pub async fn load(&self, query: &Query) -> Result<LoadResult, EngineError> {
        self.prepare().await?;
        let planned = self.plan(query)?;
        self.execute(planned).await
    }

    /// Like [`Engine::load`], through the result cache when one is enabled.
    pub async fn load_with(
        &self,
        query: &Query,
        options: &LoadOptions<'_>,
    ) -> Result<CachedLoad, EngineError> {
        self.prepare().await?;
        let planned = self.plan_with(query, options.access)?;
        let gate = options.gate.cloned();
        let Some(cache) = self.inner.cache.clone() else {
            let result = Arc::new(self.execute_gated(planned, gate).await?);
            return Ok(CachedLoad {
                result,
                computed_at: chrono::Utc::now(),
                from_cache: false,
            });
        };
        let ttl = self.refresh_interval(&planned.plan, cache.config().default_ttl);
        let key = CacheKey::new(
            &planned.query.0,
            options.security_context,
            &planned.data_source,
        );
        let cached = cache.get(&key);
        let hit = |e: CachedResult| CachedLoad {
            result: e.result,
            computed_at: e.computed_at,
            from_cache: true,
        };
        match (options.cache, cached) {
            (CacheMode::NoCache, _) | (_, None) => {}
            (_, Some(e)) if e.is_fresh() => return Ok(hit(e)),
            (CacheMode::StaleWhileRevalidate, Some(e)) => {
                let engine = self.clone();
                tokio::spawn(async move {
                    if let Ok(r) = engine.execute_gated(planned, gate).await {
                        cache.insert(key, Arc::new(r), ttl);
                    }
                });
                return Ok(hit(e));
            }
            (CacheMode::StaleIfSlow, Some(e)) => {
                let engine = self.clone();
                let c = cache.clone();
                let task = tokio::spawn(async move {
                    let r = engine.execute_gated(planned, gate).await.map(Arc::new);
                    if let Ok(r) = &r {
                        c.insert(key, r.clone(), ttl);
                    }
                    r
                });
                return match tokio::time::timeout(cache.config().slow_after, task).await {
                    Ok(Ok(Ok(result))) => Ok(CachedLoad {
                        result,
                        computed_at: chrono::Utc::now(),
                        from_cache: false,
                    }),
                    Ok(Ok(Err(err))) => Err(err),
                    // Slow (or the task failed to run): answer with what we have.
                    _ => Ok(hit(e)),
                };
            }
            (CacheMode::MustRevalidate, Some(_)) => {}
        }
        let result = Arc::new(self.execute_gated(planned, gate).await?);
        let entry = cache.insert(key, result, ttl);
        Ok(CachedLoad {
            result: entry.result,
            computed_at: entry.computed_at,
            from_cache: false,
        })
    }

    /// [`Engine::execute`] once `gate` (if any) lets the query in; the
    /// gate's place is held until the query ends.
    async fn execute_gated(
        &self,
        planned: PlannedQuery,
        gate: Option<Arc<dyn ExecutionGate>>,
    ) -> Result<LoadResult, EngineError> {
        let _pass = match &gate {
            Some(gate) => Some(gate.enter().await?),
            None => None,
        };
        let caller = gate.as_ref().and_then(|g| g.caller().cloned());
        crate::gate::with_caller(caller, self.execute(planned)).await
    }

    /// How long answers over these cubes stay fresh: the shortest
    /// `refresh_key.every` of the cubes, else `default`.
    fn refresh_interval(
        &self,
        plan: &LogicalPlan,
        default: std::time::Duration,
    ) -> std::time::Duration {
        plan.all_cubes()
            .into_iter()
            .filter_map(|c| self.inner.model.cube(c))
            .filter_map(|c| c.refresh_key.as_ref()?.every.as_deref())
            .filter_map(crate::preagg::matching::every_secs)
            .min()
            .map(std::time::Duration::from_secs)
            .unwrap_or(default)
    }

    /// The result cache, when enabled.
    #[cfg(test)]
    pub(crate) fn result_cache(&self) -> Option<&Arc<ResultCache>> {
        self.inner.cache.as_ref()
    }

    /// The annotation of a planned query's result (titles, types, formats).
    pub fn annotation(&self, planned: &PlannedQuery) -> Annotation {
        Annotation::new(&self.inner.model, &planned.plan, planned.exact_approx)
    }

    /// Runs a planned query on its data source (or a rollup).
    pub async fn execute(&self, planned: PlannedQuery) -> Result<LoadResult, EngineError> {
        let columns = output_columns(&planned.plan);
        if let Some(store) = &self.inner.rollups {
            if let Some(rollup) = store.find(&self.inner.model, &planned.plan) {
                if let Some(mapped) = rollup.map_plan(&planned.plan) {
                    let rendered =
                        SqlRenderer::new(&rollup.model, &rollup.templates, &DataFusionDialect)
                            .render(&mapped)?;
                    let executed = rollup.executor.execute(&rendered, columns).await?;
                    let mut used = Map::new();
                    used.insert(
                        rollup.id.clone(),
                        json!({
                            "targetTableName": format!("strata_rollups.{}", rollup.id.replace('.', "_").to_lowercase()),
                            "lastUpdatedAt": rollup.built_at.timestamp_millis(),
                            "rows": rollup.rows,
                            "refreshKeyValues": rollup.refresh_value.iter().collect::<Vec<_>>(),
                        }),
                    );
                    return Ok(LoadResult {
                        annotation: self.annotation(&planned),
                        query: planned.query,
                        total: executed.total,
                        data_source: planned.data_source,
                        db_type: DataFusionDialect.name().into(),
                        used_pre_aggregations: used,
                        result: executed.result,
                    });
                }
            }
        }
        let backend = self.source(&planned.data_source)?;
        let executed = backend.execute(&planned.rendered, columns).await?;
        Ok(LoadResult {
            annotation: self.annotation(&planned),
            query: planned.query,
            total: executed.total,
            data_source: planned.data_source,
            db_type: backend.dialect().name().into(),
            used_pre_aggregations: Map::new(),
            result: executed.result,
        })
    }
}

/// The parser of each data source's dialect.
fn parsers(sources: &HashMap<String, Backend>) -> HashMap<String, &'static SnippetDialect> {
    sources
        .iter()
        .map(|(name, executor)| (name.clone(), executor.dialect().parser()))
        .collect()
}

/// The dialect of each data source, by name, in a comparable order.
fn dialect_names(sources: &HashMap<String, Backend>) -> Vec<(&str, &'static str)> {
    let mut names: Vec<(&str, &'static str)> = sources
        .iter()
        .map(|(name, executor)| (name.as_str(), executor.dialect().name()))
        .collect();
    names.sort_unstable();
    names
}

/// One output column per dimension and measure of a plan, in SQL order.
fn output_columns(plan: &LogicalPlan) -> Vec<OutputColumn> {
    plan.dimensions
        .iter()
        .map(|d| OutputColumn {
            names: std::iter::once(d.name.clone())
                .chain(d.alt_name.clone())
                .collect(),
            style: JsonStyle::Text,
        })
        .chain(plan.measures.iter().map(|m| OutputColumn {
            names: vec![m.name.clone()],
            style: JsonStyle::Text,
        }))
        .collect()
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
