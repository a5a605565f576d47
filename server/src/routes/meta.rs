//! `/cubejs-api/v1/meta`: the cubes, views and members clients may query.

use axum::extract::State;
use axum::Json;
use serde_json::Value;

use crate::state::AppState;

/// `GET /cubejs-api/v1/meta`: the document built from the model at start-up.
pub async fn get(State(state): State<AppState>) -> Json<Value> {
    Json(state.meta().clone())
}
