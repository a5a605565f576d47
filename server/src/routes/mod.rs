//! The HTTP routes and the router that ties them together.

mod dry_run;
mod health;
mod load;
mod meta;
mod sql;

use std::time::Instant;

use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;
use strata_engine::PlannedQuery;
use tower_http::catch_panic::CatchPanicLayer;

use crate::auth::require_auth;
use crate::error::ApiError;
use crate::request::ApiRequest;
use crate::state::AppState;
use crate::tenancy::Caller;

/// Largest accepted request body (1 MiB); larger bodies get a JSON 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Builds the full router: health checks, the authenticated
/// `/cubejs-api/v1/*` API, the AI analytics API (`/ai-analytics/*`), the
/// page (`/`, `/assets/...`), the chart plugins (`/strata/v1/plugins`,
/// `/plugins/...`), and JSON 404/405/413 answers.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/cubejs-api/v1/load", get(load::get).post(load::post))
        .route("/cubejs-api/v1/sql", get(sql::get).post(sql::post))
        .route(
            "/cubejs-api/v1/dry-run",
            get(dry_run::get).post(dry_run::post),
        )
        .route(
            "/cubejs-api/v1/meta",
            get(meta::get).layer(middleware::from_fn(crate::page::compress::compress_json)),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(middleware::from_fn_with_state(state.clone(), require_auth));
    Router::new()
        .route("/livez", get(health::livez))
        .route("/readyz", get(health::readyz))
        .merge(api)
        .merge(crate::ai::routes::router(state.clone()))
        .merge(crate::uploads::routes::router(state.clone()))
        .merge(crate::page::router())
        .merge(crate::plugins::routes::router())
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(crate::panics::panic_response))
        .layer(middleware::from_fn(log_request))
        .layer(middleware::from_fn(crate::error::with_request_id))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}

async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

/// Logs one line per request (at debug) with its status and duration.
async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    tracing::debug!(
        %method,
        %path,
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}

/// Serializes an engine value (normalized query, annotation) to JSON.
fn to_json<T: serde::Serialize>(value: &T, what: &str) -> Result<Value, ApiError> {
    serde_json::to_value(value)
        .map_err(|e| ApiError::internal(format!("cannot serialize the {what}: {e}")))
}

/// What `/sql` and `/dry-run` share: the request split into queries, each planned.
struct Planned {
    /// `regularQuery`, `compareDateRangeQuery` or `blendingQuery`.
    query_type: &'static str,
    /// One plan per query.
    plans: Vec<PlannedQuery>,
}

/// Splits the request's query and plans every part for the caller, with the
/// engine, grant and dialect `/load` runs it with
/// ([`AppState::scope_for`]).
async fn plan_request(
    state: &AppState,
    caller: Option<&Caller>,
    request: &ApiRequest,
) -> Result<Planned, ApiError> {
    let scope = state.scope_for(caller).await?;
    // What the data sources support (e.g. `hll`) decides the SQL: learn it
    // before planning, as `/load` does, so that the SQL shown is the SQL run.
    scope.engine().prepare().await?;
    let prepared = scope.prepare(&request.query)?;
    let plans = prepared
        .queries
        .iter()
        .map(|q| scope.plan(q))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Planned {
        query_type: prepared.query_type.as_str(),
        plans,
    })
}

/// A JSON response serialized straight from `value` (no `Value` tree).
fn json_response<T: serde::Serialize>(value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value)
        .map_err(|e| ApiError::internal(format!("cannot serialize the answer: {e}")))?;
    Ok(crate::response::json_text(body))
}

/// Turns a handler result into a response: the value serialized straight
/// to JSON ([`json_response`]), or the error.
fn respond<T: serde::Serialize>(result: Result<T, ApiError>) -> Response {
    result
        .and_then(|value| json_response(&value))
        .unwrap_or_else(IntoResponse::into_response)
}

#[cfg(test)]
mod tests;
