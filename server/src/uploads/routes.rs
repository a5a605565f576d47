//! `/strata/v1/uploads`: upload, list and delete a tenant's CSV tables.
//!
//! * `POST /strata/v1/uploads?name=<cube>[&file=<file name>]`, the CSV file
//!   as the body → 201 with the [`UploadInfo`] of the inferred cube;
//! * `GET /strata/v1/uploads` → `{"uploads": [...]}`, the tenant's own;
//! * `DELETE /strata/v1/uploads/{name}` → 204, or 404.
//!
//! Authenticated and rate-limited like `/load`.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use axum::{Extension, Json, Router};
use serde_json::json;

use super::{CsvError, UploadError, UploadInfo};
use crate::auth::require_auth;
use crate::body::{read_limited, DRAIN_LIMIT};
use crate::error::ApiError;
use crate::state::AppState;
use crate::tenancy::Caller;

/// The upload routes.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/strata/v1/uploads", post(upload).get(list))
        .route("/strata/v1/uploads/{name}", delete(remove))
        .route_layer(middleware::from_fn_with_state(state, require_auth))
}

/// `POST /strata/v1/uploads`.
async fn upload(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<HashMap<String, String>>,
    req: Request,
) -> Response {
    match upload_file(&state, &caller, &params, req).await {
        Ok(info) => (StatusCode::CREATED, Json(info)).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn upload_file(
    state: &AppState,
    caller: &Caller,
    params: &HashMap<String, String>,
    req: Request,
) -> Result<UploadInfo, ApiError> {
    let name = params.get("name").map(|n| n.trim()).unwrap_or_default();
    if name.is_empty() {
        return Err(ApiError::bad_request(
            "Name the cube: POST /strata/v1/uploads?name=<cube name> with the CSV file as the body",
        ));
    }
    let file_name = params
        .get("file")
        .map_or_else(|| format!("{name}.csv"), |f| f.trim().to_string());
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/") {
        return Err(ApiError::bad_request(
            "Send the CSV file itself as the request body (Content-Type: text/csv), not as a form",
        ));
    }
    let uploads = state.uploads();
    let limit = uploads.limits().file.max_bytes;
    let bytes = read_limited(req.into_body(), limit, DRAIN_LIMIT.max(limit)).await?;
    // Parsing a file of several megabytes is CPU work: off the async workers.
    let (state, caller, name) = (state.clone(), caller.clone(), name.to_string());
    let added = tokio::task::spawn_blocking(move || {
        let base = caller
            .uploads
            .as_ref()
            .map_or(&caller.model, |u| u.base_model());
        state
            .uploads()
            .add(&caller, base, &name, &file_name, &bytes)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "the upload task failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The upload could not be processed",
        )
    })?;
    added.map_err(upload_error)
}

/// The HTTP answer for a refused upload: 413 over a size limit, 409 when the
/// tenant holds as many tables as it may, 507 when the server is full, 400
/// for everything about the file or the name.
fn upload_error(e: UploadError) -> ApiError {
    let status = match &e {
        UploadError::File(CsvError::TooLarge { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
        UploadError::TooManyTables { .. } => StatusCode::CONFLICT,
        UploadError::Full { .. } => StatusCode::INSUFFICIENT_STORAGE,
        UploadError::Cube(_) | UploadError::Register(_) => {
            tracing::error!(error = %e, "an uploaded file's cube could not be set up");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        _ => StatusCode::BAD_REQUEST,
    };
    ApiError::new(status, format!("Upload refused: {e}"))
}

/// `GET /strata/v1/uploads`.
async fn list(State(state): State<AppState>, Extension(caller): Extension<Caller>) -> Response {
    Json(json!({ "uploads": state.uploads().list(&caller) })).into_response()
}

/// `DELETE /strata/v1/uploads/{name}`.
async fn remove(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
) -> Response {
    if state.uploads().remove(&caller, &name) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("You have no upload named {name:?}"),
        )
        .into_response()
    }
}
