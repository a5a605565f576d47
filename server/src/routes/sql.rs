//! `/cubejs-api/v1/sql`: the SQL a query would run, without running it.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::Extension;
use serde::{Serialize, Serializer};
use serde_json::Value;
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
    let result = match ApiRequest::from_query_string(raw.as_deref()) {
        Ok(request) => run(&state, caller.as_ref(), &request).await,
        Err(e) => Err(e),
    };
    respond(result)
}

/// `POST /cubejs-api/v1/sql` with `{"query": ...}`.
pub async fn post(
    State(state): State<AppState>,
    caller: Option<Extension<Caller>>,
    RawQuery(raw): RawQuery,
    RequestBody(body): RequestBody,
) -> Response {
    let caller = caller.map(|Extension(c)| c);
    let result = match body.and_then(|bytes| ApiRequest::from_body(&bytes, raw.as_deref())) {
        Ok(request) => run(&state, caller.as_ref(), &request).await,
        Err(e) => Err(e),
    };
    respond(result)
}

/// The `/sql` answer: `{"sql": {...}}` for a regular query; for
/// compare-date-range and blending queries an array with one `{"sql": {...}}`
/// per query, as Cube does.
#[derive(Debug)]
pub struct SqlAnswer {
    plans: Vec<SqlObject>,
    /// One object, not an array of them.
    single: bool,
}

impl Serialize for SqlAnswer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.single {
            if let Some(first) = self.plans.first() {
                return Wrapped { sql: first }.serialize(serializer);
            }
        }
        serializer.collect_seq(self.plans.iter().map(|sql| Wrapped { sql }))
    }
}

/// `{"sql": {...}}`.
#[derive(Serialize)]
struct Wrapped<'a> {
    sql: &'a SqlObject,
}

/// Plans the request's queries for `/sql`, for the caller as `/load` runs them.
pub async fn run(
    state: &AppState,
    caller: Option<&Caller>,
    request: &ApiRequest,
) -> Result<SqlAnswer, ApiError> {
    let planned = plan_request(state, caller, request).await?;
    let single = planned.query_type == "regularQuery" && !request.query.is_many();
    if single && planned.plans.is_empty() {
        return Err(ApiError::internal("the query produced no SQL"));
    }
    Ok(SqlAnswer {
        single,
        plans: planned.plans.into_iter().map(SqlObject::from).collect(),
    })
}

/// Cube's SQL object for one planned query, its fields in Cube's order.
/// `order` is `{member: "asc"|"desc"}` as in Cube's `/sql` response.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SqlObject {
    /// `[sql, params]`.
    sql: (String, Vec<Value>),
    time_dimension_alias: Option<()>,
    time_dimension_field: Option<()>,
    order: Value,
    cache_key_queries: [(); 0],
    pre_aggregations: [(); 0],
    data_source: &'static str,
    alias_name_to_member: AliasMap,
    rollup_match_results: [(); 0],
    can_use_transformed_query: Allowed,
    external: bool,
}

/// `{"allowed": false}`.
#[derive(Debug, Serialize)]
struct Allowed {
    allowed: bool,
}

/// `{alias: member}` in select-list order.
#[derive(Debug)]
struct AliasMap(Vec<(String, String)>);

impl Serialize for AliasMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(a, m)| (a, m)))
    }
}

impl From<PlannedQuery> for SqlObject {
    fn from(plan: PlannedQuery) -> Self {
        SqlObject {
            order: order_map(&plan.query.0),
            sql: (plan.sql, plan.params),
            time_dimension_alias: None,
            time_dimension_field: None,
            cache_key_queries: [],
            pre_aggregations: [],
            data_source: "default",
            alias_name_to_member: AliasMap(plan.alias_to_member),
            rollup_match_results: [],
            can_use_transformed_query: Allowed { allowed: false },
            external: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::auth::AuthSettings;
    use strata_engine::Engine;

    fn state() -> AppState {
        let model = strata_demo::model().unwrap();
        let engine = Engine::new(Arc::new(model), None);
        AppState::new(engine, AuthSettings::new(None, true))
    }

    async fn answer(body: &str) -> String {
        let request = ApiRequest::from_body(body.as_bytes(), None).unwrap();
        serde_json::to_string(&run(&state(), None, &request).await.unwrap()).unwrap()
    }

    #[tokio::test]
    async fn the_answer_has_cubes_fields_in_cubes_order() {
        let text = answer(
            r#"{"query": {"measures": ["Orders.count"], "dimensions": ["Orders.status"],
                "filters": [{"member": "Orders.status", "operator": "equals", "values": ["shipped"]}],
                "order": [["Orders.count", "desc"]], "limit": 5}}"#,
        )
        .await;
        let value: Value = serde_json::from_str(&text).unwrap();
        let sql = &value["sql"];
        let keys: Vec<&str> = sql
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "sql",
                "timeDimensionAlias",
                "timeDimensionField",
                "order",
                "cacheKeyQueries",
                "preAggregations",
                "dataSource",
                "aliasNameToMember",
                "rollupMatchResults",
                "canUseTransformedQuery",
                "external"
            ]
        );
        let statement = sql["sql"][0].as_str().unwrap();
        assert!(statement.contains("$1"), "{statement}");
        assert_eq!(sql["sql"][1], serde_json::json!(["shipped"]));
        assert_eq!(sql["order"], serde_json::json!({"Orders.count": "desc"}));
        assert_eq!(sql["timeDimensionAlias"], Value::Null);
        assert_eq!(sql["cacheKeyQueries"], serde_json::json!([]));
        assert_eq!(sql["dataSource"], "default");
        assert_eq!(
            sql["canUseTransformedQuery"],
            serde_json::json!({"allowed": false})
        );
        assert_eq!(sql["external"], false);
        let aliases = sql["aliasNameToMember"].as_object().unwrap();
        let members: Vec<&Value> = aliases.values().collect();
        assert_eq!(members, ["Orders.status", "Orders.count"]);
    }

    #[tokio::test]
    async fn a_compare_date_range_query_answers_an_array() {
        let text = answer(
            r#"{"query": {"measures": ["Orders.count"], "timeDimensions": [{
                "dimension": "Orders.created_at",
                "compareDateRange": [["2024-01-01", "2024-01-31"], ["2024-02-01", "2024-02-29"]]}]}}"#,
        )
        .await;
        let value: Value = serde_json::from_str(&text).unwrap();
        let items = value.as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert!(items.iter().all(|i| i["sql"]["sql"][0].is_string()));
    }
}
