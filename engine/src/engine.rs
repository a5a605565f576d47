//! [`Engine`]: the entry point that turns Cube queries into SQL and results.

use std::sync::Arc;

use serde_json::{json, Map, Value};
use strata_schema::SemanticModel;
use tokio::sync::OnceCell;

use crate::annotation::Annotation;
use crate::error::{query_err, EngineError, QueryError};
use crate::exec::PostgresExecutor;
use crate::join_graph::JoinGraph;
use crate::plan::{LogicalPlan, Planner};
use crate::query::{NormalizedQuery, Query};
use crate::result::{JsonStyle, OutputColumn, QueryResult};
use crate::sql::{CompiledTemplates, DialectOptions, PostgresRenderer, RenderedQuery};

/// How a `/load` request's queries relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    pub queries: Vec<Value>,
}

/// A query planned and rendered, not run.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedQuery {
    /// The normalized query.
    pub query: NormalizedQuery,
    /// PostgreSQL with `$n` placeholders.
    pub sql: String,
    /// Bound values.
    pub params: Vec<Value>,
    /// The annotation of the result.
    pub annotation: Annotation,
    /// SQL column alias to member name.
    pub alias_to_member: Vec<(String, String)>,
    /// The logical plan.
    pub plan: LogicalPlan,
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

struct Inner {
    model: Arc<SemanticModel>,
    graph: JoinGraph,
    templates: CompiledTemplates,
    executor: Option<Arc<PostgresExecutor>>,
    hll: OnceCell<bool>,
}

/// Plans Cube queries against a model and runs them on PostgreSQL.
/// Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("cubes", &self.inner.model.cubes.len())
            .field("executor", &self.inner.executor)
            .finish()
    }
}

impl Engine {
    /// An engine over `model`, running queries on `executor` when given.
    pub fn new(model: Arc<SemanticModel>, executor: Option<Arc<PostgresExecutor>>) -> Engine {
        let graph = JoinGraph::new(&model);
        let templates = CompiledTemplates::new(&model);
        if !templates.unparsed.is_empty() {
            tracing::warn!(members = ?templates.unparsed, "model SQL the parser could not read is used as written");
        }
        Engine {
            inner: Arc::new(Inner {
                model,
                graph,
                templates,
                executor,
                hll: OnceCell::new(),
            }),
        }
    }

    /// The model.
    pub fn model(&self) -> &Arc<SemanticModel> {
        &self.inner.model
    }

    /// The database executor, if any.
    pub fn executor(&self) -> Option<&Arc<PostgresExecutor>> {
        self.inner.executor.as_ref()
    }

    /// Splits a `/load` request's `query` into individual queries.
    pub fn prepare_request(&self, query: &Value) -> Result<PreparedRequest, QueryError> {
        match query {
            Value::Array(items) => {
                if items.is_empty() {
                    return Err(query_err!("query array is empty"));
                }
                if items.len() > 32 {
                    return Err(query_err!(
                        "at most 32 queries may be sent at once, got {}",
                        items.len()
                    ));
                }
                Ok(PreparedRequest {
                    query_type: if items.len() == 1 {
                        QueryType::RegularQuery
                    } else {
                        QueryType::BlendingQuery
                    },
                    queries: items.clone(),
                })
            }
            Value::Object(o) => {
                let compare = o
                    .get("timeDimensions")
                    .and_then(Value::as_array)
                    .and_then(|tds| {
                        tds.iter()
                            .enumerate()
                            .find_map(|(i, td)| td.get("compareDateRange").map(|c| (i, c.clone())))
                    });
                let Some((i, ranges)) = compare else {
                    return Ok(PreparedRequest {
                        query_type: QueryType::RegularQuery,
                        queries: vec![query.clone()],
                    });
                };
                let ranges = ranges.as_array().filter(|r| !r.is_empty()).ok_or_else(|| {
                    query_err!("compareDateRange must be a non-empty array of date ranges")
                })?;
                let queries = ranges
                    .iter()
                    .map(|r| {
                        let mut q = query.clone();
                        if let Some(td) = q
                            .get_mut("timeDimensions")
                            .and_then(|t| t.get_mut(i))
                            .and_then(Value::as_object_mut)
                        {
                            td.remove("compareDateRange");
                            td.insert("dateRange".into(), r.clone());
                        }
                        q
                    })
                    .collect();
                Ok(PreparedRequest {
                    query_type: QueryType::CompareDateRangeQuery,
                    queries,
                })
            }
            other => Err(query_err!(
                "query must be a JSON object or an array of objects, got {}",
                match other {
                    Value::String(_) => "a string",
                    Value::Number(_) => "a number",
                    Value::Bool(_) => "a boolean",
                    _ => "null",
                }
            )),
        }
    }

    fn options(&self) -> DialectOptions {
        DialectOptions {
            hll: self.inner.hll.get().copied().unwrap_or(false),
        }
    }

    /// Parses, validates, plans and renders a query without running it.
    pub fn plan(&self, query: &Value) -> Result<PlannedQuery, QueryError> {
        let q = Query::from_json(query)?;
        if q.time_dimensions
            .iter()
            .any(|t| t.compare_date_range.is_some())
        {
            return Err(query_err!(
                "compareDateRange queries return one result per range: send them with queryType=multi"
            ));
        }
        let planner = Planner::new(&self.inner.model, &self.inner.graph, chrono::Utc::now());
        let plan = planner.plan(&q)?;
        let options = self.options();
        let rendered = PostgresRenderer::new(&self.inner.model, &self.inner.templates, options)
            .render(&plan)?;
        let annotation = Annotation::new(&self.inner.model, &plan, !options.hll);
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
            query: NormalizedQuery::new(&q, &plan),
            sql: rendered.main.sql.clone(),
            params: rendered
                .main
                .params
                .iter()
                .map(|p| p.clone().map(Value::String).unwrap_or(Value::Null))
                .collect(),
            annotation,
            alias_to_member,
            plan,
            rendered,
        })
    }

    /// Plans a query and runs it on PostgreSQL.
    pub async fn load(&self, query: &Value) -> Result<LoadResult, EngineError> {
        let executor = self.inner.executor.clone().ok_or(EngineError::NoDatabase)?;
        self.inner
            .hll
            .get_or_try_init(|| async { executor.has_extension("hll").await })
            .await?;
        let planned = self.plan(query)?;
        let columns: Vec<OutputColumn> = planned
            .plan
            .dimensions
            .iter()
            .map(|d| OutputColumn {
                names: std::iter::once(d.name.clone())
                    .chain(d.alt_name.clone())
                    .collect(),
                style: JsonStyle::Text,
            })
            .chain(planned.plan.measures.iter().map(|m| OutputColumn {
                names: vec![m.name.clone()],
                style: JsonStyle::Text,
            }))
            .collect();
        let main = executor.query_result(&planned.rendered.main, columns);
        let (result, total) = match &planned.rendered.total {
            Some(t) => {
                let (r, rows) = tokio::join!(main, executor.query(t));
                let rows = rows?;
                let n: i64 = rows
                    .first()
                    .and_then(|r| r.try_get::<_, i64>(0).ok())
                    .unwrap_or(0);
                (r?, Some(n.max(0) as u64))
            }
            None => (main.await?, None),
        };
        Ok(LoadResult {
            query: planned.query,
            annotation: planned.annotation,
            total,
            data_source: "default".into(),
            db_type: "postgres".into(),
            used_pre_aggregations: Map::new(),
            result,
        })
    }
}
