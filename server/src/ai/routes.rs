//! The `/ai-analytics/*` routes; see [`crate::ai`].

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::json;

use super::conversations::Owner;
use super::service::{self, conversation_not_found, AskRequest};
use crate::auth::require_auth_ai;
use crate::error::ApiError;
use crate::routes::BODY_LIMIT;
use crate::state::AppState;
use crate::tenancy::Caller;

/// The AI analytics routes, authenticated like `/load` and counted against
/// the AI rate limit.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/ai-analytics/query", post(query))
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
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let request = match body {
        Ok(bytes) => AskRequest::from_body(&bytes),
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(ApiError::payload_too_large(BODY_LIMIT))
        }
        Err(r) => Err(ApiError::new(
            r.status(),
            format!("Cannot read the request body: {}", r.body_text()),
        )),
    };
    let result = match request {
        Ok(request) => service::ask(&state, &caller, request).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((status, body)) => (status, Json(body)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /ai-analytics/schema`: the caller's own view of the model.
async fn schema(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Response {
    match state.engine_for(&caller) {
        Ok(engine) => {
            let entry = state.ai().catalogs().for_caller(&engine, &caller).await;
            Json(entry.schema.clone()).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /ai-analytics/schema/{tenantId}`: only for the caller's own tenant.
async fn schema_of_tenant(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let tenant = match path {
        Ok(Path(t)) => t,
        Err(e) => return ApiError::bad_request(e.body_text()).into_response(),
    };
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
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let id = match path {
        Ok(Path(id)) => id,
        Err(e) => return ApiError::bad_request(e.body_text()).into_response(),
    };
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
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let id = match path {
        Ok(Path(id)) => id,
        Err(e) => return ApiError::bad_request(e.body_text()).into_response(),
    };
    match state.ai().store().delete(&Owner::of(&caller), &id).await {
        Ok(true) => Json(json!({"success": true, "conversationId": id})).into_response(),
        Ok(false) => conversation_not_found(&id).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}
