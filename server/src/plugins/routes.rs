//! `GET /strata/v1/plugins` and `GET /plugins/<name>.js`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::Fits;
use crate::error::ApiError;
use crate::page::{compress, REVALIDATE};
use crate::state::AppState;

/// The plugin routes (no authentication: plugins are code, not data).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/strata/v1/plugins", get(list))
        .route("/plugins/{file}", get(script))
}

/// One entry of `GET /strata/v1/plugins`.
#[derive(Debug, Serialize)]
struct Listed<'a> {
    name: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    fits: &'a Fits,
    script: String,
}

/// The `GET /strata/v1/plugins` body.
#[derive(Debug, Serialize)]
struct PluginList<'a> {
    plugins: Vec<Listed<'a>>,
}

async fn list(State(state): State<AppState>) -> Response {
    let plugins = state
        .plugins()
        .plugins()
        .iter()
        .map(|p| Listed {
            name: &p.manifest.name,
            title: &p.manifest.title,
            description: p.manifest.description.as_deref(),
            fits: &p.manifest.fits,
            script: format!("/plugins/{}.js", p.manifest.name),
        })
        .collect();
    Json(PluginList { plugins }).into_response()
}

async fn script(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let plugin = file
        .strip_suffix(".js")
        .and_then(|name| state.plugins().get(name));
    match plugin {
        Some(p) => compress::static_response(
            &headers,
            &Bytes::copy_from_slice(&p.script),
            "text/javascript; charset=utf-8",
            &p.etag,
            REVALIDATE,
        ),
        None => ApiError::not_found().into_response(),
    }
}
