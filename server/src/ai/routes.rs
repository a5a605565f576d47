//! The `/ai-analytics/*` routes; see [`crate::ai`].

use axum::extract::{FromRequestParts, Path, Query as UrlQuery, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::json;
use strata_analyst::{AnalystError, AnalystScope, Answer, Outcome, RefusalReason};

use crate::page::compress::compress_json;
use crate::plugins::ResultShape;

use super::requests::{feedback_from_body, AskRequest, ChartRequest};
use super::{analyst_scope, owner_of};
use crate::auth::require_auth_ai;
use crate::body::RequestBody;
use crate::error::ApiError;
use crate::state::AppState;
use crate::tenancy::Caller;

/// Conversations listed when the request does not say (`?limit=`).
const DEFAULT_LIST_LIMIT: usize = 50;
/// Most conversations listed at once.
const MAX_LIST_LIMIT: usize = 500;

/// The AI analytics routes, authenticated like `/load` and counted against
/// the AI rate limit.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/ai-analytics/query", post(query))
        .route("/ai-analytics/chart", post(chart))
        .route("/ai-analytics/feedback", post(feedback))
        .route(
            "/ai-analytics/schema",
            get(schema).layer(middleware::from_fn(compress_json)),
        )
        .route(
            "/ai-analytics/schema/{tenant_id}",
            get(schema_of_tenant).layer(middleware::from_fn(compress_json)),
        )
        .route("/ai-analytics/conversations", get(list_conversations))
        .route(
            "/ai-analytics/conversations/{id}",
            get(get_conversation).delete(delete_conversation),
        )
        .route_layer(middleware::from_fn_with_state(state, require_auth_ai))
}

/// The analyst's scope of `caller`: its engine, grant, claims and owner.
async fn scope_of(state: &AppState, caller: &Caller) -> Result<AnalystScope, ApiError> {
    let scope = state.scope_for(Some(caller)).await?;
    Ok(analyst_scope(&scope))
}

/// The status a question's outcome is answered with: refusals are the
/// question's (200) unless the translator failed.
fn outcome_status(outcome: &Outcome) -> StatusCode {
    match outcome {
        Outcome::Answer(_) => StatusCode::OK,
        Outcome::Refusal(r) => match r.reason {
            RefusalReason::TranslatorUnavailable => StatusCode::BAD_GATEWAY,
            RefusalReason::TranslatorFailed => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::OK,
        },
    }
}

/// Adds the chart plugins that fit the answer's result to its chart
/// alternatives.
fn with_plugins(state: &AppState, answer: &mut Answer) {
    let shape = ResultShape::of(&answer.table);
    let plugins = state.plugins().fitting(&shape);
    answer
        .chart_alternatives
        .extend(plugins.into_iter().map(str::to_string));
}

/// `POST /ai-analytics/query`.
async fn query(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    RequestBody(body): RequestBody,
) -> Response {
    let result = async {
        let request = AskRequest::from_body(&body?)?;
        let scope = scope_of(&state, &caller).await?;
        let outcome = state
            .ai()
            .ask(&scope, &request.question, request.conversation_id.as_ref())
            .await?;
        let outcome = match outcome {
            Outcome::Answer(mut a) => {
                with_plugins(&state, &mut a);
                Outcome::Answer(a)
            }
            refusal => refusal,
        };
        Ok::<_, ApiError>((outcome_status(&outcome), Json(outcome)).into_response())
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// `POST /ai-analytics/chart`: a Cube query answered like a question.
async fn chart(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    RequestBody(body): RequestBody,
) -> Response {
    let result = async {
        let request = ChartRequest::from_body(&body?)?;
        let scope = scope_of(&state, &caller).await?;
        let ai = state.ai();
        let answer = match &request.conversation_id {
            Some(id) => {
                ai.chart_in_conversation(&scope, &request.query, request.chart_type, id)
                    .await?
            }
            None => ai.chart(&scope, &request.query, request.chart_type).await?,
        };
        let mut answer = answer;
        with_plugins(&state, &mut answer);
        Ok::<_, ApiError>(Json(answer).into_response())
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// `POST /ai-analytics/feedback`: `{"stored": true}`.
async fn feedback(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    RequestBody(body): RequestBody,
) -> Response {
    let result = async {
        let request = feedback_from_body(&body?)?;
        let scope = scope_of(&state, &caller).await?;
        state.ai().feedback(&scope, request).await?;
        Ok::<_, ApiError>(Json(json!({"stored": true})).into_response())
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /ai-analytics/schema`: the caller's own view of the model.
async fn schema(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Response {
    match scope_of(&state, &caller).await {
        Ok(scope) => {
            let entry = state.ai().schema(&scope).await;
            Json(&entry.schema).into_response()
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

/// `?limit=` of `GET /ai-analytics/conversations`.
#[derive(Debug, Deserialize)]
struct ListParams {
    limit: Option<String>,
}

/// `GET /ai-analytics/conversations`: the caller's own, newest first.
async fn list_conversations(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    params: Result<UrlQuery<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let limit = match params.map(|UrlQuery(p)| p.limit) {
        Ok(None) => DEFAULT_LIST_LIMIT,
        Ok(Some(text)) => match text.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_LIST_LIMIT).contains(&n) => n,
            _ => {
                return ApiError::bad_request(format!(
                    "limit must be a whole number from 1 to {MAX_LIST_LIMIT}, not {text:?}"
                ))
                .into_response()
            }
        },
        Err(e) => return ApiError::bad_request(e.body_text()).into_response(),
    };
    match state.ai().store().list(&owner_of(&caller), limit).await {
        Ok(list) => Json(json!({ "conversations": list })).into_response(),
        Err(e) => ApiError::from(AnalystError::from(e)).into_response(),
    }
}

/// `GET /ai-analytics/conversations/{id}`: the caller's conversation.
async fn get_conversation(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathSegment(id): PathSegment,
) -> Response {
    match state.ai().store().get(&owner_of(&caller), &id).await {
        Ok(Some(c)) => Json(json!({
            "conversationId": c.id,
            "createdAt": c.created_at,
            "updatedAt": c.updated_at,
            "turns": c.turns,
        }))
        .into_response(),
        Ok(None) => ApiError::from(AnalystError::ConversationNotFound(id)).into_response(),
        Err(e) => ApiError::from(AnalystError::from(e)).into_response(),
    }
}

/// `DELETE /ai-analytics/conversations/{id}`.
async fn delete_conversation(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    PathSegment(id): PathSegment,
) -> Response {
    match state.ai().store().delete(&owner_of(&caller), &id).await {
        Ok(true) => Json(json!({"success": true, "conversationId": id})).into_response(),
        Ok(false) => ApiError::from(AnalystError::ConversationNotFound(id)).into_response(),
        Err(e) => ApiError::from(AnalystError::from(e)).into_response(),
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
