//! Errors: [`ApiError`] (an HTTP response in Cube's `{"error": ...}` shape) and
//! [`ServerError`] (why a server could not start).

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use strata_engine::{EngineError, QueryError};
use strata_schema::ModelErrors;

/// An error answered to an API client as `{"error": "<message>"}` with a status code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// Message put in the `error` field.
    pub message: String,
    /// Seconds to wait before retrying (`Retry-After`), for 429 and 503.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400: the request is wrong.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 403: authentication failed.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404: no such route.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found")
    }

    /// 405: the route exists but not for this method.
    pub fn method_not_allowed() -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
    }

    /// 413: the request body is over the limit.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Request body is too large (the limit is {limit} bytes)"),
        )
    }

    /// 429: the caller's rate limit is spent; retry after `secs` seconds.
    pub fn too_many_requests(secs: u64) -> Self {
        ApiError {
            retry_after: Some(secs),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Rate limit exceeded: retry in {secs} s"),
            )
        }
    }

    /// 500: a fault of the server, not of the client.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        ApiError::bad_request(e.to_string())
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        let status =
            StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut err = ApiError::new(status, e.to_string());
        if status == StatusCode::SERVICE_UNAVAILABLE {
            // The database is away; clients may try again shortly.
            err.retry_after = Some(5);
        }
        err
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::warn!(status = self.status.as_u16(), error = %self.message, "request failed");
        } else {
            tracing::debug!(status = self.status.as_u16(), error = %self.message, "request refused");
        }
        let mut response = (
            self.status,
            Json(serde_json::json!({ "error": self.message })),
        )
            .into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        response
    }
}

/// Why [`crate::start`] could not start a server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Production mode without an API secret: nothing could be authenticated.
    #[error(
        "CUBEJS_API_SECRET is not set: API tokens can't be verified without it; \
         set it or CUBEJS_DEV_MODE=true"
    )]
    MissingApiSecret,
    /// The data model has errors; every one of them is listed.
    #[error("cannot load the data model from `{}`: {errors}", dir.display())]
    Model {
        /// The model directory.
        dir: PathBuf,
        /// Every error found.
        errors: ModelErrors,
    },
    /// The database settings are unusable.
    #[error("cannot set up the database connection: {0}")]
    Database(#[source] EngineError),
    /// The data-sources file is unusable.
    #[error("data sources: {0}")]
    DataSources(String),
    /// A security setting (JWKS file...) is unusable.
    #[error("{0}")]
    Config(String),
    /// The bundled demo could not be set up.
    #[error("cannot set up the demo: {0}")]
    Demo(String),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address asked for.
        addr: SocketAddr,
        /// The socket error.
        #[source]
        source: std::io::Error,
    },
}
