//! The `/ai-analytics/*` routes; see [`crate::ai`].

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::json;

use super::conversations::Owner;
use super::direct;
use super::service::{self, conversation_not_found, AskRequest};
use crate::auth::require_auth_ai;
use crate::body::RequestBody;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tenancy::Caller;

/// The AI analytics routes, authenticated like `/load` and counted against
/// the AI rate limit.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/ai-analytics/query", post(query))
        .route("/ai-analytics/chart", post(chart))
        .route("/ai-analytics/schema", get(schema))
        .route("/ai-analytics/schema/{tenant_id}", get(schema_of_tenant))
        .route(
            "/ai-analytics/conversations/{id}",
            get(get_conversation).delete(delete_conversation),
        )
        .route_layer(middleware::from_fn_with_state(state, require_auth_ai))
}

/// `POST /ai-analytics/query`.
async fn query(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    RequestBody(body): RequestBody,
) -> Response {
    let request = body.and_then(|bytes| AskRequest::from_body(&bytes));
    let result = match request {
        Ok(request) => service::ask(&state, &caller, request).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((status, body)) => (status, Json(body)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST /ai-analytics/chart`.
async fn chart(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    RequestBody(body): RequestBody,
) -> Response {
    let request = body.and_then(|bytes| direct::ChartRequest::from_body(&bytes));
    let result = match request {
        Ok(request) => direct::run(&state, &caller, request).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((status, body)) => (status, Json(body)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /ai-analytics/schema`: the caller's own view of the model.
async fn schema(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Response {
    match state.scope_for(Some(&caller)).await {
        Ok(scope) => {
            let entry = state.ai().catalogs().for_caller(&scope).await;
            Json(entry.schema.clone()).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /ai-analytics/schema/{tenantId}`: only for the caller's own tenant.
async fn schema_of_tenant(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathSegment(tenant): PathSegment,
) -> Response {
    if caller.tenant.as_deref() != Some(tenant.as_str()) {
        return ApiError::forbidden(format!(
            "Access denied: you may only read the schema of your own tenant, not {tenant:?}"
        ))
        .into_response();
    }
    schema(State(state), Extension(caller)).await
}

/// `GET /ai-analytics/conversations/{id}`: the caller's conversation.
async fn get_conversation(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathSegment(id): PathSegment,
) -> Response {
    match state.ai().store().get(&Owner::of(&caller), &id).await {
        Ok(Some(c)) => Json(json!({
            "conversationId": c.id,
            "createdAt": c.created_at,
            "updatedAt": c.updated_at,
            "turns": c.turns,
        }))
        .into_response(),
        Ok(None) => conversation_not_found(&id).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// `DELETE /ai-analytics/conversations/{id}`.
async fn delete_conversation(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathSegment(id): PathSegment,
) -> Response {
    match state.ai().store().delete(&Owner::of(&caller), &id).await {
        Ok(true) => Json(json!({"success": true, "conversationId": id})).into_response(),
        Ok(false) => conversation_not_found(&id).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// The one `{...}` segment of a route's path. A segment that cannot be read
/// (bad percent-encoding, say) is a 400 in Cube's error shape.
struct PathSegment(String);

impl<S: Send + Sync> FromRequestParts<S> for PathSegment {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(segment)| PathSegment(segment))
            .map_err(|e| ApiError::bad_request(e.body_text()))
    }
}
