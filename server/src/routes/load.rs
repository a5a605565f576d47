//! `/cubejs-api/v1/load`: run queries and answer in Cube's result shape.
//!
//! A single plain query without `queryType=multi` gets one result object. With
//! `queryType=multi`, an array query or a `compareDateRange` query the answer is
//! `{"queryType", "results", "pivotQuery", "slowQuery"}` (Cube refuses the last
//! two without `queryType=multi`; Strata answers them in the multi shape).
//! `responseFormat=columns` adds `columns` to each result; `data` is kept.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Map, Value};
use strata_engine::{CachedLoad, EngineError, LoadOptions, LoadResult, QueryType};
use tokio::task::JoinHandle;

use super::{respond, to_json};
use crate::auth::SecurityContext;
use crate::body::RequestBody;
use crate::error::ApiError;
use crate::request::ApiRequest;
use crate::response::{pivot_query, request_id};
use crate::state::AppState;
use crate::tenancy::Caller;

/// `GET /cubejs-api/v1/load?query=...&queryType=multi`.
pub async fn get(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let caller = caller.map(|Extension(c)| c);
    let result = match ApiRequest::from_query_string(raw.as_deref()) {
        Ok(request) => run(&state, caller.as_ref(), &headers, request).await,
        Err(e) => Err(e),
    };
    respond(result)
}

/// `POST /cubejs-api/v1/load` with `{"query": ..., "queryType": "multi"}`.
pub async fn post(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    RequestBody(body): RequestBody,
) -> Response {
    let caller = caller.map(|Extension(c)| c);
    let result = match body.and_then(|bytes| ApiRequest::from_body(&bytes, raw.as_deref())) {
        Ok(request) => run(&state, caller.as_ref(), &headers, request).await,
        Err(e) => Err(e),
    };
    respond(result)
}

/// Runs every query of the request (concurrently) for the caller (anonymous
/// and unrestricted when `None`, which only happens without the auth
/// middleware) and builds the response.
pub async fn run(
    state: &AppState,
    caller: Option<&Caller>,
    headers: &HeaderMap,
    request: ApiRequest,
) -> Result<Value, ApiError> {
    let engine = match caller {
        Some(c) => state.engine_for(c)?,
        None => state.engine().clone(),
    };
    let anonymous = SecurityContext::anonymous();
    let context = caller.map_or(&anonymous, |c| &c.context);
    let prepared = engine.prepare_request(&request.query)?;
    let regular = matches!(prepared.query_type, QueryType::RegularQuery);
    let multi = request.is_multi() || request.query.is_array() || !regular;
    let query_type = prepared.query_type.as_str();

    let cache = request.cache;
    let loaded = if let [query] = prepared.queries.as_slice() {
        // One query runs on the request's own task: spawning it would wake a
        // second worker thread and hand the result back across threads, which
        // showed up as a good part of Strata's time on an uncached /load.
        let options = LoadOptions {
            cache,
            security_context: Some(&context.0),
            access: caller.map(|c| &c.grant),
        };
        vec![engine.load_with(query, &options).await?]
    } else {
        let grant = caller.map(|c| Arc::new(c.grant.clone()));
        let handles: Vec<JoinHandle<Result<CachedLoad, EngineError>>> = prepared
            .queries
            .into_iter()
            .map(|q| {
                let engine = engine.clone();
                let claims = context.0.clone();
                let grant = grant.clone();
                tokio::spawn(async move {
                    let options = LoadOptions {
                        cache,
                        security_context: Some(&claims),
                        access: grant.as_deref(),
                    };
                    engine.load_with(&q, &options).await
                })
            })
            .collect();
        join_all(handles).await?
    };

    let request_id = request_id(headers);
    let mut results = Vec::with_capacity(loaded.len());
    for r in &loaded {
        results.push(result_object(r, &request_id, request.wants_columns())?);
    }
    if !multi {
        return results
            .pop()
            .ok_or_else(|| ApiError::internal("the query produced no result"));
    }
    let normalized: Vec<Value> = results
        .iter()
        .map(|r| r.get("query").cloned().unwrap_or(Value::Null))
        .collect();
    Ok(json!({
        "queryType": query_type,
        "results": results,
        "pivotQuery": pivot_query(query_type, &normalized),
        "slowQuery": false,
    }))
}

/// Awaits every task in order; on the first failure the remaining ones are aborted.
async fn join_all(
    handles: Vec<JoinHandle<Result<CachedLoad, EngineError>>>,
) -> Result<Vec<CachedLoad>, ApiError> {
    let mut out = Vec::with_capacity(handles.len());
    let mut pending = handles.into_iter();
    while let Some(handle) = pending.next() {
        let outcome = match handle.await {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(e)) => Err(ApiError::from(e)),
            Err(join) => Err(ApiError::internal(format!("query task failed: {join}"))),
        };
        match outcome {
            Ok(r) => out.push(r),
            Err(e) => {
                pending.for_each(|h| h.abort());
                return Err(e);
            }
        }
    }
    Ok(out)
}

/// One result object in Cube's `/load` shape.
fn result_object(loaded: &CachedLoad, request_id: &str, columns: bool) -> Result<Value, ApiError> {
    let r: &LoadResult = &loaded.result;
    let mut o = Map::new();
    o.insert("query".into(), to_json(&r.query, "normalized query")?);
    o.insert("data".into(), Value::Array(r.rows_json()));
    o.insert(
        "lastRefreshTime".into(),
        json!(loaded
            .computed_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
    );
    o.insert("refreshKeyValues".into(), json!([]));
    o.insert(
        "usedPreAggregations".into(),
        Value::Object(r.used_pre_aggregations.clone()),
    );
    o.insert("transformedQuery".into(), Value::Null);
    o.insert("requestId".into(), json!(request_id));
    o.insert("annotation".into(), to_json(&r.annotation, "annotation")?);
    o.insert("dataSource".into(), json!(r.data_source));
    o.insert("dbType".into(), json!(r.db_type));
    o.insert("extDbType".into(), json!("cubestore"));
    o.insert("external".into(), json!(false));
    o.insert("slowQuery".into(), json!(false));
    if let Some(total) = r.total {
        o.insert("total".into(), json!(total));
    }
    if columns {
        o.insert("columns".into(), r.columns_json());
    }
    Ok(Value::Object(o))
}
