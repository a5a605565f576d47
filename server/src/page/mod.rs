//! The chat-to-chart page: `GET /` (and `/index.html`) and its files under
//! `/assets/<build id>/...`, embedded in the binary (see [`assets`]).
//!
//! `index.html` is sent with `Cache-Control: no-cache` and an ETag (the
//! build id), so a new build is picked up at once; every other file lives
//! under a URL carrying the build id and is cached for a year
//! (`immutable`). Text files are compressed with brotli or gzip as the
//! client accepts, each once ([`compress`]). The page needs no
//! authentication: its API calls carry the person's token.

pub mod assets;
pub mod compress;

use axum::extract::Path;
use axum::http::header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;

/// Caching of files whose URL changes with their content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Caching of files revalidated on every use.
pub const REVALIDATE: &str = "no-cache";

/// What the page may load and talk to: only this server.
const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/// The page's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/index.html", get(index))
        .route("/assets/{build}/{*path}", get(asset))
}

/// `GET /`.
async fn index(headers: HeaderMap) -> Response {
    let page = &*assets::INDEX;
    let mut response = compress::static_response(
        &headers,
        &page.body,
        &page.content_type,
        &page.etag,
        REVALIDATE,
    );
    let h = response.headers_mut();
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// `GET /assets/<build>/<path>`: cached for good when `build` is this
/// build's id; a page of an earlier build gets today's file, revalidated.
async fn asset(Path((build, path)): Path<(String, String)>, headers: HeaderMap) -> Response {
    if path == "index.html" {
        return ApiError::not_found().into_response();
    }
    match assets::get(&path) {
        Some(a) => {
            let caching = if build == *assets::BUILD_ID {
                IMMUTABLE
            } else {
                REVALIDATE
            };
            compress::static_response(&headers, &a.body, &a.content_type, &a.etag, caching)
        }
        None => ApiError::not_found().into_response(),
    }
}

/// Compresses every text asset in both encodings, so that the first visitor
/// does not wait for it (run once at startup, off the request path).
pub fn precompress() {
    let all = [compress::Encoding::Brotli, compress::Encoding::Gzip];
    for path in assets::paths() {
        if let Some(a) = assets::get(&path) {
            if a.body.len() >= 1024 && a.content_type.starts_with("text/") {
                for e in all {
                    compress::encoded(&a.body, &a.etag, e);
                }
            }
        }
    }
    for e in all {
        compress::encoded(&assets::INDEX.body, &assets::INDEX.etag, e);
    }
}

#[cfg(test)]
mod tests;
