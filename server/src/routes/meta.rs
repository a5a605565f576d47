//! `/cubejs-api/v1/meta`: the cubes, views and members clients may query.

use axum::extract::State;
use axum::{Extension, Json};
use serde_json::Value;

use crate::state::AppState;
use crate::tenancy::Caller;

/// `GET /cubejs-api/v1/meta`: the document built from the model at start-up,
/// narrowed to what the caller's access policies grant.
pub async fn get(State(state): State<AppState>, caller: Option<Extension<Caller>>) -> Json<Value> {
    match caller {
        Some(Extension(caller)) => Json(state.meta_for(&caller)),
        None => Json(state.meta().clone()),
    }
}
