//! Running a query for a caller: checked against its catalog
//! ([`crate::guard`]), split and planned by the engine with its grant, run
//! with its claims and gate, and shaped into a table, chart and insights.

use strata_engine::{
    Annotation, CacheMode, CachedLoad, EngineError, LoadResult, Query, QueryRequest, QueryType,
};
use strata_llm::{chart, insights, Catalog, ChartType, Intent, ResultTable};

use crate::error::AnalystError;
use crate::guard::outside_catalog;
use crate::scope::AnalystScope;

/// A query's data, in the shape answers carry.
#[derive(Debug)]
pub(crate) struct Ran {
    pub query_type: QueryType,
    pub table: ResultTable,
    pub metadata: Annotation,
    pub sql: Option<String>,
}

/// Why a query gave no data.
#[derive(Debug)]
pub(crate) enum NotRun {
    /// It names members outside the catalog.
    Outside(Vec<String>),
    /// The engine refused it (the query's fault): the engine's message.
    Refused(AnalystError),
    /// The engine, a data source or the analyst failed.
    Failed(AnalystError),
}

/// Runs `query` in `scope`, keeping to `catalog`.
pub(crate) async fn run(
    scope: &AnalystScope,
    catalog: &Catalog,
    query: &Query,
) -> Result<Ran, NotRun> {
    let outside = outside_catalog(catalog, query);
    if !outside.is_empty() {
        return Err(NotRun::Outside(outside));
    }
    let engine = scope.engine();
    let prepared = engine
        .prepare_request(&QueryRequest::One(query.clone()))
        .map_err(|e| NotRun::Refused(e.into()))?;
    let options = scope.load_options(CacheMode::default());
    let mut loaded: Vec<CachedLoad> = Vec::with_capacity(prepared.queries.len());
    for q in &prepared.queries {
        match engine.load_with(q, &options).await {
            Ok(l) => loaded.push(l),
            Err(e @ EngineError::Query(_)) => return Err(NotRun::Refused(e.into())),
            Err(e) => return Err(NotRun::Failed(e.into())),
        }
    }
    let results: Vec<LoadResult> = loaded.iter().map(|l| (*l.result).clone()).collect();
    let Some(first) = results.first() else {
        return Err(NotRun::Failed(AnalystError::Internal(
            "the query produced no result".into(),
        )));
    };
    let table = match prepared.query_type {
        QueryType::CompareDateRangeQuery => ResultTable::from_compare(&results),
        _ => ResultTable::from_load(first),
    }
    .with_catalog(catalog);
    // Planned again only to show the SQL: the load above planned it with
    // the same grant, so this cannot fail where that succeeded.
    let sql = prepared
        .queries
        .first()
        .and_then(|q| engine.plan_with(q, scope.grant()).ok())
        .map(|p| p.sql);
    Ok(Ran {
        query_type: prepared.query_type,
        metadata: first.annotation.clone(),
        table,
        sql,
    })
}

/// The chart and insights of `table` for a question asking for `intent`.
pub(crate) fn present(
    intent: Intent,
    table: &ResultTable,
    requested: Option<ChartType>,
) -> (chart::Chart, Vec<insights::Insight>) {
    let today = chrono::Utc::now().date_naive();
    let mut chart = chart::recommend(intent, table, requested);
    chart::mark_partial_period(&mut chart, table, today);
    (chart, insights::compute_as_of(intent, table, today))
}

/// What a query asks for, read from its shape: two periods side by side, a
/// measure over time, the top few, a split, or plain numbers.
pub fn intent_of(query: &Query) -> Intent {
    if query
        .time_dimensions
        .iter()
        .any(|t| t.compare_date_range.is_some())
    {
        return Intent::Comparison;
    }
    if query
        .time_dimensions
        .iter()
        .any(|t| t.granularity.is_some())
    {
        return Intent::Trend;
    }
    if query.dimensions.is_empty() {
        return Intent::Metric;
    }
    let ordered = query.order.as_ref().is_some_and(|o| !o.is_empty());
    if ordered && query.limit.is_some_and(|l| l <= 50) {
        Intent::TopN
    } else {
        Intent::Distribution
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn intents_from_query_shapes() {
        for (q, intent) in [
            (json!({"measures": ["Orders.count"]}), Intent::Metric),
            (
                json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"]}),
                Intent::Distribution,
            ),
            (
                json!({"measures": ["Orders.count"], "dimensions": ["Orders.status"],
                       "order": {"Orders.count": "desc"}, "limit": 5}),
                Intent::TopN,
            ),
            (
                json!({"measures": ["Orders.count"], "timeDimensions":
                       [{"dimension": "Orders.created_at", "granularity": "month"}]}),
                Intent::Trend,
            ),
            (
                json!({"measures": ["Orders.count"], "timeDimensions":
                       [{"dimension": "Orders.created_at",
                         "compareDateRange": ["this month", "last month"]}]}),
                Intent::Comparison,
            ),
        ] {
            let query = Query::from_json(&q).expect("query");
            assert_eq!(intent_of(&query), intent, "{q}");
        }
    }
}
