//! Errors: [`ApiError`] (an HTTP response in Cube's `{"error": ...}` shape) and
//! [`ServerError`] (why a server could not start).

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use strata_analyst::{AnalystError, StoreError};
use strata_engine::{EngineError, QueryError};
use strata_schema::ModelErrors;

/// An error answered to an API client as `{"error": "<message>"}` with a status code.
///
/// The message is what the client reads; whatever would show the server's
/// internals (database host, port and name, raw driver and DataFusion
/// errors, panic text) goes in [`ApiError::detail`], which is logged with the
/// request id and never sent. Server errors (5xx) carry the request id in
/// their body (`requestId`) so that a client's report can be matched with
/// the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// Message put in the `error` field.
    pub message: String,
    /// What went wrong inside, for the log only.
    pub detail: Option<String>,
    /// Seconds to wait before retrying (`Retry-After`), for 429 and 503.
    pub retry_after: Option<u64>,
}

/// What a client reads of an internal error.
pub const INTERNAL_MESSAGE: &str = "Internal error while answering the request";

/// What a client reads when a data source cannot be reached.
pub const UNAVAILABLE_MESSAGE: &str = "The data source is unavailable; try again shortly";

/// What a client reads when the model needs a database and none is set up.
pub const NO_DATABASE_MESSAGE: &str =
    "No database is configured: set CUBEJS_DB_TYPE=postgres and the CUBEJS_DB_* variables";

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            detail: None,
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

    /// 503: the server is busy (a limit of concurrent work is reached);
    /// the message says which, and the client may retry after `secs`.
    pub fn busy(message: impl Into<String>, secs: u64) -> Self {
        ApiError {
            retry_after: Some(secs),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
        }
    }

    /// 500: a fault of the server, not of the client. `detail` is logged;
    /// the client reads a generic message and the request id.
    pub fn internal(detail: impl Into<String>) -> Self {
        ApiError {
            detail: Some(detail.into()),
            ..Self::new(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL_MESSAGE)
        }
    }

    /// 503: a data source cannot be reached; `detail` is logged.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        ApiError {
            detail: Some(detail.into()),
            retry_after: Some(5),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE)
        }
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        ApiError::bad_request(e.to_string())
    }
}

impl From<StoreError> for ApiError {
    /// A database that cannot be reached is a 503 to retry; anything else
    /// (a corrupt file, a disk error) the server's fault.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Database { .. } => {
                let mut err = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("Conversations are unavailable: {e}"),
                );
                err.retry_after = Some(5);
                err
            }
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl From<AnalystError> for ApiError {
    /// The caller's mistakes (a bad question or query, members outside its
    /// grant) are 400s, someone else's conversation a 404; the store and
    /// the engine answer as they do everywhere.
    fn from(e: AnalystError) -> Self {
        match e {
            AnalystError::ConversationNotFound(_) | AnalystError::TurnNotFound { .. } => {
                ApiError::new(StatusCode::NOT_FOUND, e.to_string())
            }
            AnalystError::InvalidQuestion(_)
            | AnalystError::OutsideCatalog { .. }
            | AnalystError::Query(_) => ApiError::bad_request(e.to_string()),
            AnalystError::Store(s) | AnalystError::StoreSetup(s) => ApiError::from(s),
            AnalystError::Engine(e) => ApiError::from(e),
            other => ApiError::internal(other.to_string()),
        }
    }
}

/// The HTTP status Cube answers an engine error with: 400 for the caller's
/// mistake, 503 when the database (or room to run the query) is missing
/// for now, 504 for a query past its time limit, 500 for anything else.
pub fn engine_status(e: &EngineError) -> StatusCode {
    match e {
        EngineError::Query(_) => StatusCode::BAD_REQUEST,
        EngineError::NoDatabase
        | EngineError::Unavailable { .. }
        | EngineError::ResourcesExhausted(_) => StatusCode::SERVICE_UNAVAILABLE,
        EngineError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
        EngineError::Database { .. } | EngineError::Result { .. } => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        let status = engine_status(&e);
        match (&e, status) {
            // The caller's mistake, a timeout, or a full server: Strata's
            // own words, which name no internals.
            (EngineError::ResourcesExhausted(exhausted), _) => {
                if let Some(source) = std::error::Error::source(exhausted) {
                    tracing::debug!(error = %source, "query refused for lack of resources");
                }
                ApiError::busy(e.to_string(), 2)
            }
            // A setup the operator can fix: say how (the engine names no
            // server variable itself).
            (EngineError::NoDatabase, _) => ApiError::busy(NO_DATABASE_MESSAGE, 5),
            (_, s) if s.is_client_error() || s == StatusCode::GATEWAY_TIMEOUT => {
                ApiError::new(status, e.to_string())
            }
            (_, StatusCode::SERVICE_UNAVAILABLE) => ApiError::unavailable(e.to_string()),
            (_, _) => ApiError {
                status,
                ..ApiError::internal(e.to_string())
            },
        }
    }
}

tokio::task_local! {
    /// The id of the request being answered on this task (see [`with_request_id`]).
    static REQUEST_ID: String;
}

/// Middleware: answers the request with its id (the client's `x-request-id`,
/// else a new one) known to every [`ApiError`] made while answering it.
pub async fn with_request_id(req: Request, next: Next) -> Response {
    let id = crate::response::request_id(req.headers());
    REQUEST_ID.scope(id, next.run(req)).await
}

/// The id of the request being answered, when inside [`with_request_id`].
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody<'a> {
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let request_id = current_request_id();
        let detail = self.detail.as_deref().unwrap_or(&self.message);
        let rid = request_id.as_deref().unwrap_or("-");
        if self.status.is_server_error() {
            tracing::warn!(status = self.status.as_u16(), request_id = rid, error = %detail, "request failed");
        } else {
            tracing::debug!(status = self.status.as_u16(), request_id = rid, error = %detail, "request refused");
        }
        let body = ErrorBody {
            error: &self.message,
            request_id: request_id
                .as_deref()
                .filter(|_| self.status.is_server_error()),
        };
        let mut response = (self.status, Json(body)).into_response();
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

#[cfg(test)]
mod tests {
    use super::*;
    use strata_engine::Exhausted;

    #[test]
    fn engine_errors_keep_internals_in_the_detail() {
        let e = ApiError::from(EngineError::Database {
            message: "relation \"secret_table\" does not exist (42P01)".into(),
            source: None,
        });
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(e.message, INTERNAL_MESSAGE);
        assert!(e
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("secret_table")));

        let e = ApiError::from(EngineError::unavailable(
            "cannot connect to PostgreSQL at db.internal:5432/shop",
            std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        ));
        assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(e.message, UNAVAILABLE_MESSAGE);
        assert_eq!(e.retry_after, Some(5));
        assert!(e
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("db.internal")));

        let e = ApiError::from(EngineError::Timeout(std::time::Duration::from_secs(2)));
        assert_eq!(e.status, StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(e.message, "query timed out after 2s");

        let e = ApiError::from(EngineError::NoDatabase);
        assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(e.message, NO_DATABASE_MESSAGE);

        let e = ApiError::from(EngineError::ResourcesExhausted(Exhausted::Busy {
            waited: std::time::Duration::from_secs(3),
        }));
        assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(e.message.contains("busy"), "{}", e.message);
        assert!(e.retry_after.is_some());

        let e = ApiError::from(EngineError::Query(QueryError::new("bad member")));
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert_eq!(e.message, "bad member");
    }

    #[test]
    fn analyst_errors_choose_their_status() {
        let cases = [
            (AnalystError::ConversationNotFound("c".into()), 404),
            (
                AnalystError::TurnNotFound {
                    id: "c".into(),
                    turn: 3,
                    turns: 1,
                },
                404,
            ),
            (AnalystError::InvalidQuestion("empty".into()), 400),
            (
                AnalystError::OutsideCatalog {
                    members: vec!["Secrets.count".into()],
                },
                400,
            ),
            (AnalystError::Query(QueryError::new("bad")), 400),
            (AnalystError::Engine(EngineError::NoDatabase), 503),
            (
                AnalystError::Store(StoreError::Corrupt {
                    what: "x".into(),
                    reason: "y".into(),
                }),
                500,
            ),
            (AnalystError::Internal("oops".into()), 500),
        ];
        for (e, status) in cases {
            let text = e.to_string();
            assert_eq!(ApiError::from(e).status.as_u16(), status, "{text}");
        }
        let e = ApiError::from(AnalystError::OutsideCatalog {
            members: vec!["Secrets.count".into()],
        });
        assert!(e.message.contains("Secrets.count"), "{}", e.message);
    }
}
