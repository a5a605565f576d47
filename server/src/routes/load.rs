//! `/cubejs-api/v1/load`: run queries and answer in Cube's result shape.
//!
//! A single plain query without `queryType=multi` gets one result object. With
//! `queryType=multi`, an array query or a `compareDateRange` query the answer is
//! `{"queryType", "results", "pivotQuery", "slowQuery"}` (Cube refuses the last
//! two without `queryType=multi`; Strata answers them in the multi shape).
//!
//! `responseFormat` (see [`ResponseFormat`]): `compact` writes each result's `data` as
//! `{"members", "dataset"}` and echoes the format in each `query` (and `pivotQuery`), as Cube
//! does; `columns` (Strata's) adds `columns` to each result and keeps `data`. The rows of a
//! compare-date-range result end with `"compareDateRange": "<from> - <to>"`, its resolved
//! range, as Cube's do.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde::Serialize;
use serde_json::{Map, Value};
use strata_engine::{Annotation, CachedLoad, EngineError, LoadResult, QueryType};
use tokio::task::JoinHandle;

use super::json_response;
use crate::body::RequestBody;
use crate::error::ApiError;
use crate::request::{ApiRequest, ResponseFormat};
use crate::response::{compare_label, pivot_query, request_id, EchoedQuery, ResultData};
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
/// middleware), with the engine and grant of [`AppState::scope_for`], and
/// builds the response.
pub async fn run(
    state: &AppState,
    caller: Option<&Caller>,
    headers: &HeaderMap,
    request: ApiRequest,
) -> Result<Response, ApiError> {
    let scope = state.scope_for(caller).await?;
    let prepared = scope.prepare(&request.query)?;
    let regular = matches!(prepared.query_type, QueryType::RegularQuery);
    // The time dimension whose ranges split a compare-date-range query: its resolved range
    // labels each result's rows.
    let compare = match prepared.query_type {
        QueryType::CompareDateRangeQuery => Some(
            request
                .query
                .compare_time_dimension()
                .ok_or_else(|| ApiError::internal("a compare query without compareDateRange"))?,
        ),
        _ => None,
    };
    let multi = request.is_multi() || request.query.is_many() || !regular;
    let query_type = prepared.query_type.as_str();

    let cache = request.cache;
    let loaded = if let [query] = prepared.queries.as_slice() {
        // One query runs on the request's own task: spawning it would wake a
        // second worker thread and hand the result back across threads, which
        // showed up as a good part of Strata's time on an uncached /load.
        vec![
            scope
                .engine()
                .load_with(query, &scope.load_options(cache))
                .await?,
        ]
    } else {
        let owned = scope.to_owned_scope();
        let handles: Vec<JoinHandle<Result<CachedLoad, EngineError>>> = prepared
            .queries
            .into_iter()
            .map(|q| {
                let scope = owned.clone();
                tokio::spawn(async move {
                    scope
                        .engine()
                        .load_with(&q, &scope.load_options(cache))
                        .await
                })
            })
            .collect();
        join_all(handles).await?
    };

    // The id the request is answered and logged under (set by the
    // request-id middleware); a router without it makes one here.
    let request_id = crate::error::current_request_id().unwrap_or_else(|| request_id(headers));
    let format = Format {
        data: request.format(),
        echo: request
            .response_format
            .filter(|f| f.is_cube_format())
            .map(ResponseFormat::as_str),
    };
    let labels = loaded
        .iter()
        .map(|r| match compare {
            Some(i) => compare_label(&r.result.query.0, i)
                .map(Some)
                .ok_or_else(|| {
                    ApiError::internal("a compare query result without its resolved dateRange")
                }),
            None => Ok(None),
        })
        .collect::<Result<Vec<Option<String>>, ApiError>>()?;
    let mut results: Vec<ResultObject<'_>> = loaded
        .iter()
        .zip(&labels)
        .map(|(r, label)| ResultObject::new(r, &request_id, format, label.as_deref()))
        .collect();
    if !multi {
        let single = results
            .pop()
            .ok_or_else(|| ApiError::internal("the query produced no result"))?;
        return json_response(&single);
    }
    let mut normalized: Vec<Value> = loaded.iter().map(|r| r.result.query.0.clone()).collect();
    if let Some(echo) = format.echo {
        for query in normalized.iter_mut().filter_map(Value::as_object_mut) {
            query.insert("responseFormat".into(), echo.into());
        }
    }
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

/// How a request's results are written.
#[derive(Debug, Clone, Copy)]
struct Format {
    /// The shape of `data` (and whether `columns` is added).
    data: ResponseFormat,
    /// The `responseFormat` echoed in each `query`: one of Cube's, when the request named it.
    echo: Option<&'static str>,
}

/// One result object in Cube's `/load` shape, serialized straight from the
/// result (the rows are never built as JSON values).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultObject<'a> {
    query: EchoedQuery<'a>,
    data: ResultData<'a>,
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
    /// The result of `loaded` in `format`; `compare_range` labels the rows of a
    /// compare-date-range result.
    fn new(
        loaded: &'a CachedLoad,
        request_id: &'a str,
        format: Format,
        compare_range: Option<&'a str>,
    ) -> Self {
        let r: &LoadResult = &loaded.result;
        ResultObject {
            query: EchoedQuery {
                query: &r.query.0,
                response_format: format.echo,
            },
            data: ResultData::new(
                &r.result,
                format.data == ResponseFormat::Compact,
                compare_range,
            ),
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
            columns: (format.data == ResponseFormat::Columns).then(|| r.columns_json()),
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
