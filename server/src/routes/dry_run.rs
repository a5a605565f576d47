//! `/cubejs-api/v1/dry-run`: normalize and plan queries without running them.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};

use super::{plan_request, respond, to_json};
use crate::body::RequestBody;
use crate::error::ApiError;
use crate::request::ApiRequest;
use crate::response::{order_map, pivot_query};
use crate::state::AppState;
use crate::tenancy::Caller;

/// `GET /cubejs-api/v1/dry-run?query=...`.
pub async fn get(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let caller = caller.map(|Extension(c)| c);
    let result = match ApiRequest::from_query_string(raw.as_deref()) {
        Ok(request) => run(&state, caller.as_ref(), &request).await,
        Err(e) => Err(e),
    };
    respond(result)
}

/// `POST /cubejs-api/v1/dry-run` with `{"query": ...}`.
pub async fn post(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    RawQuery(raw): RawQuery,
    RequestBody(body): RequestBody,
) -> Response {
    let caller = caller.map(|Extension(c)| c);
    let result = match body.and_then(|bytes| ApiRequest::from_body(&bytes, raw.as_deref())) {
        Ok(request) => run(&state, caller.as_ref(), &request).await,
        Err(e) => Err(e),
    };
    respond(result)
}

/// `{"queryType", "normalizedQueries", "queryOrder", "pivotQuery", "transformedQueries"}`.
pub async fn run(
    state: &AppState,
    caller: Option<&Caller>,
    request: &ApiRequest,
) -> Result<Value, ApiError> {
    let planned = plan_request(state, caller, request).await?;
    let normalized = planned
        .plans
        .iter()
        .map(|p| to_json(&p.query, "normalized query"))
        .collect::<Result<Vec<_>, _>>()?;
    let query_order: Vec<Value> = normalized.iter().map(order_map).collect();
    let transformed: Vec<Value> = normalized.iter().map(|_| Value::Null).collect();
    Ok(json!({
        "queryType": planned.query_type,
        "normalizedQueries": normalized,
        "queryOrder": query_order,
        "pivotQuery": pivot_query(planned.query_type, &normalized),
        "transformedQueries": transformed,
    }))
}
