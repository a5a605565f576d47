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
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Serialize;
use serde_json::{Map, Value};
use strata_engine::{
    Annotation, CachedLoad, EngineError, LoadOptions, LoadResult, NormalizedQuery, QueryType, Rows,
};
use tokio::task::JoinHandle;

use super::json_response;
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
    result.unwrap_or_else(IntoResponse::into_response)
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
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Runs every query of the request (concurrently) for the caller (anonymous
/// and unrestricted when `None`, which only happens without the auth
/// middleware) and builds the response.
pub async fn run(
    state: &AppState,
    caller: Option<&Caller>,
    headers: &HeaderMap,
    request: ApiRequest,
) -> Result<Response, ApiError> {
    let engine = match caller {
        Some(c) => state.engine_for(c).await?,
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
            gate: caller.and_then(|c| c.gate.as_ref()),
        };
        vec![engine.load_with(query, &options).await?]
    } else {
        let grant = caller.map(|c| Arc::new(c.grant.clone()));
        let gate = caller.and_then(|c| c.gate.clone());
        let handles: Vec<JoinHandle<Result<CachedLoad, EngineError>>> = prepared
            .queries
            .into_iter()
            .map(|q| {
                let engine = engine.clone();
                let claims = context.0.clone();
                let grant = grant.clone();
                let gate = gate.clone();
                tokio::spawn(async move {
                    let options = LoadOptions {
                        cache,
                        security_context: Some(&claims),
                        access: grant.as_deref(),
                        gate: gate.as_ref(),
                    };
                    engine.load_with(&q, &options).await
                })
            })
            .collect();
        join_all(handles).await?
    };

    // The id the request is answered and logged under (set by the
    // request-id middleware); a router without it makes one here.
    let request_id = crate::error::current_request_id().unwrap_or_else(|| request_id(headers));
    let columns = request.wants_columns();
    let mut results: Vec<ResultObject<'_>> = loaded
        .iter()
        .map(|r| ResultObject::new(r, &request_id, columns))
        .collect();
    if !multi {
        let single = results
            .pop()
            .ok_or_else(|| ApiError::internal("the query produced no result"))?;
        return json_response(&single);
    }
    let normalized: Vec<Value> = loaded.iter().map(|r| r.result.query.0.clone()).collect();
    json_response(&MultiResponse {
        query_type,
        results,
        pivot_query: pivot_query(query_type, &normalized),
        slow_query: false,
    })
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

/// One result object in Cube's `/load` shape, serialized straight from the
/// result (the rows are never built as JSON values).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultObject<'a> {
    query: &'a NormalizedQuery,
    data: Rows<'a>,
    last_refresh_time: String,
    refresh_key_values: [(); 0],
    used_pre_aggregations: &'a Map<String, Value>,
    transformed_query: Option<()>,
    request_id: &'a str,
    annotation: &'a Annotation,
    data_source: &'a str,
    db_type: &'a str,
    ext_db_type: &'static str,
    external: bool,
    slow_query: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    columns: Option<Value>,
}

impl<'a> ResultObject<'a> {
    fn new(loaded: &'a CachedLoad, request_id: &'a str, columns: bool) -> Self {
        let r: &LoadResult = &loaded.result;
        ResultObject {
            query: &r.query,
            data: r.rows(),
            last_refresh_time: loaded
                .computed_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            refresh_key_values: [],
            used_pre_aggregations: &r.used_pre_aggregations,
            transformed_query: None,
            request_id,
            annotation: &r.annotation,
            data_source: &r.data_source,
            db_type: &r.db_type,
            ext_db_type: "cubestore",
            external: false,
            slow_query: false,
            total: r.total,
            columns: columns.then(|| r.columns_json()),
        }
    }
}

/// The multi-result answer (`queryType=multi`, arrays, compare-date-range).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MultiResponse<'a> {
    query_type: &'a str,
    results: Vec<ResultObject<'a>>,
    pivot_query: Value,
    slow_query: bool,
}
