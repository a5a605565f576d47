//! `/cubejs-api/v1/meta`: the cubes, views and members clients may query.

use axum::extract::State;
use axum::response::Response;
use axum::Extension;

use crate::state::AppState;
use crate::tenancy::Caller;

/// `GET /cubejs-api/v1/meta`: the document built from the model at start-up,
/// narrowed to what the caller's access policies grant.
pub async fn get(State(state): State<AppState>, caller: Option<Extension<Caller>>) -> Response {
    match caller {
        Some(Extension(caller)) => state.meta_for(&caller),
        None => state.meta().response(),
    }
}
