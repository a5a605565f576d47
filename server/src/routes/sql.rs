//! `/cubejs-api/v1/sql`: the SQL a query would run, without running it.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Map, Value};
use strata_engine::PlannedQuery;

use super::{plan_request, respond};
use crate::body::RequestBody;
use crate::error::ApiError;
use crate::request::ApiRequest;
use crate::response::order_map;
use crate::state::AppState;
use crate::tenancy::Caller;

/// `GET /cubejs-api/v1/sql?query=...`.
pub async fn get(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let caller = caller.map(|Extension(c)| c);
    respond(
        ApiRequest::from_query_string(raw.as_deref())
            .and_then(|r| run(&state, caller.as_ref(), &r)),
    )
}

/// `POST /cubejs-api/v1/sql` with `{"query": ...}`.
pub async fn post(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    RawQuery(raw): RawQuery,
    RequestBody(body): RequestBody,
) -> Response {
    let caller = caller.map(|Extension(c)| c);
    respond(
        body.and_then(|bytes| ApiRequest::from_body(&bytes, raw.as_deref()))
            .and_then(|r| run(&state, caller.as_ref(), &r)),
    )
}

/// `{"sql": {...}}` for a regular query; for compare-date-range and blending
/// queries an array with one `{"sql": {...}}` per query, as Cube does.
pub fn run(
    state: &AppState,
    caller: Option<&Caller>,
    request: &ApiRequest,
) -> Result<Value, ApiError> {
    let planned = plan_request(state, caller, request)?;
    let single = planned.query_type == "regularQuery" && !request.query.is_array();
    let objects: Vec<Value> = planned.plans.iter().map(sql_object).collect();
    if single {
        let first = objects
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::internal("the query produced no SQL"))?;
        return Ok(json!({ "sql": first }));
    }
    Ok(Value::Array(
        objects.into_iter().map(|o| json!({ "sql": o })).collect(),
    ))
}

/// Cube's SQL object for one planned query. `order` is `{member: "asc"|"desc"}`
/// as in Cube's `/sql` response.
fn sql_object(plan: &PlannedQuery) -> Value {
    let alias_to_member: Map<String, Value> = plan
        .alias_to_member
        .iter()
        .map(|(alias, member)| (alias.clone(), json!(member)))
        .collect();
    json!({
        "sql": [plan.sql, plan.params],
        "timeDimensionAlias": null,
        "timeDimensionField": null,
        "order": order_map(&plan.query.0),
        "cacheKeyQueries": [],
        "preAggregations": [],
        "dataSource": "default",
        "aliasNameToMember": alias_to_member,
        "rollupMatchResults": [],
        "canUseTransformedQuery": { "allowed": false },
        "external": false,
    })
}
