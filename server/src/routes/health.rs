//! `/livez` and `/readyz`, as Cube answers them.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::state::AppState;

/// How long `/readyz` waits for the database.
const PING_TIMEOUT: Duration = Duration::from_secs(5);

/// `GET /livez`: the process is up.
pub async fn livez() -> Json<Value> {
    Json(json!({ "health": "HEALTH" }))
}

/// `GET /readyz`: 200 when the database answers (or none is configured),
/// else 500 `{"health": "DOWN"}`.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let Some(executor) = state.engine().executor() else {
        return (StatusCode::OK, Json(json!({ "health": "HEALTH" })));
    };
    match tokio::time::timeout(PING_TIMEOUT, executor.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, Json(json!({ "health": "HEALTH" }))),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check: database unreachable");
            down()
        }
        Err(_) => {
            tracing::warn!("readiness check: database ping timed out");
            down()
        }
    }
}

fn down() -> (StatusCode, Json<Value>) {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({ "health": "DOWN" })),
    )
}
