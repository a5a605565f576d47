//! The engine and access grant a caller's queries are planned and run with.
//!
//! Every endpoint that plans or runs queries — `/load`, `/sql`, `/dry-run`
//! and the AI analytics routes — gets them from [`AppState::scope_for`], and
//! from nowhere else, so no endpoint can plan with another model, engine or
//! grant than `/load` runs with:
//!
//! * the model is the caller's (its `COMPILE_CONTEXT` variant, or the shared
//!   one): the one its [`AccessGrant`] was evaluated against when the caller
//!   was identified ([`crate::tenancy`]), so the grant is checked against the
//!   model that is planned;
//! * the engine is that model's, on the caller's own database or schema when
//!   tenants are routed ([`crate::tenant_engines`]), so a caller that `/load`
//!   refuses (a token naming no tenant, a tenant without data) is refused by
//!   every endpoint;
//! * the claims and admission gate are the caller's.
//!
//! [`AppState::scope_for`]: crate::state::AppState::scope_for

use std::sync::{Arc, LazyLock};

use serde_json::Value;
use strata_engine::{
    AccessGrant, CacheMode, Engine, ExecutionGate, LoadOptions, PlannedQuery, PreparedRequest,
    Query, QueryRequest,
};

use crate::error::ApiError;
use crate::tenancy::Caller;

/// The claims of a request served without a caller (`{}`).
static ANONYMOUS: LazyLock<Value> = LazyLock::new(|| Value::Object(serde_json::Map::new()));

/// What one caller's queries are planned and run with: the engine of its
/// model, its access grant, claims and admission gate. Made by
/// [`AppState::scope_for`](crate::state::AppState::scope_for).
pub struct QueryScope<'a> {
    engine: Engine,
    caller: Option<&'a Caller>,
}

impl std::fmt::Debug for QueryScope<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryScope")
            .field("tenant", &self.caller.and_then(|c| c.tenant.as_deref()))
            .field("model", &Arc::as_ptr(self.engine.model()))
            .finish_non_exhaustive()
    }
}

impl<'a> QueryScope<'a> {
    /// The scope of `caller`'s queries on `engine`, which must be over the
    /// model the caller's grant was evaluated against; `None` plans without
    /// access policies.
    pub(crate) fn new(engine: Engine, caller: Option<&'a Caller>) -> Result<Self, ApiError> {
        if let Some(c) = caller {
            if !Arc::ptr_eq(engine.model(), &c.model) {
                return Err(ApiError::internal(
                    "the caller's queries would be planned with another model than its access grant's",
                ));
            }
        }
        Ok(QueryScope { engine, caller })
    }

    /// The engine of the caller's model.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The caller, when the request has one.
    pub fn caller(&self) -> Option<&'a Caller> {
        self.caller
    }

    /// The caller's access grant (`None`: no access policies apply).
    pub fn grant(&self) -> Option<&'a AccessGrant> {
        self.caller.map(|c| &c.grant)
    }

    /// The caller's verified claims (`{}` without a caller).
    pub fn claims(&self) -> &'a Value {
        self.caller.map_or(&*ANONYMOUS, |c| &c.context.0)
    }

    /// Admission of the caller's queries to the data sources.
    pub fn gate(&self) -> Option<&'a Arc<dyn ExecutionGate>> {
        self.caller.and_then(|c| c.gate.as_ref())
    }

    /// Whether the caller may query the member `name` (`Cube.member`).
    pub fn allows(&self, name: &str) -> bool {
        self.grant()
            .is_none_or(|g| g.allows(self.engine.model(), name))
    }

    /// Splits a request's `query` into the queries to plan or run.
    pub fn prepare(&self, query: &QueryRequest) -> Result<PreparedRequest, ApiError> {
        Ok(self.engine.prepare_request(query)?)
    }

    /// Plans one query with the caller's grant, without running it.
    pub fn plan(&self, query: &Query) -> Result<PlannedQuery, ApiError> {
        Ok(self.engine.plan_with(query, self.grant())?)
    }

    /// How the caller's queries are loaded, in `cache` mode.
    pub fn load_options(&self, cache: CacheMode) -> LoadOptions<'a> {
        LoadOptions {
            cache,
            security_context: Some(self.claims()),
            access: self.grant(),
            gate: self.gate(),
        }
    }

    /// The scope with its parts owned, for queries run on spawned tasks.
    pub fn to_owned_scope(&self) -> OwnedScope {
        OwnedScope {
            engine: self.engine.clone(),
            claims: Arc::new(self.claims().clone()),
            grant: self.grant().map(|g| Arc::new(g.clone())),
            gate: self.gate().cloned(),
        }
    }
}

/// A [`QueryScope`] owning its parts (cheap to clone), for queries run on
/// spawned tasks.
#[derive(Clone)]
pub struct OwnedScope {
    engine: Engine,
    claims: Arc<Value>,
    grant: Option<Arc<AccessGrant>>,
    gate: Option<Arc<dyn ExecutionGate>>,
}

impl std::fmt::Debug for OwnedScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedScope")
            .field("model", &Arc::as_ptr(self.engine.model()))
            .finish_non_exhaustive()
    }
}

impl OwnedScope {
    /// The engine of the caller's model.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// How the caller's queries are loaded, in `cache` mode.
    pub fn load_options(&self, cache: CacheMode) -> LoadOptions<'_> {
        LoadOptions {
            cache,
            security_context: Some(&self.claims),
            access: self.grant.as_deref(),
            gate: self.gate.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use axum::body::Body;
    use axum::http::{Method, Request, StatusCode};
    use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
    use serde_json::json;
    use tower::ServiceExt;

    use super::*;
    use crate::auth::AuthSettings;
    use crate::model_variants::ModelVariants;
    use crate::state::AppState;

    const SECRET: &str = "scope-secret";

    /// Each tenant's orders in its own schema; `amount` hidden from viewers.
    const MODEL: &str = "cubes:\n  - name: Orders\n    sql_table: tenant_{{ COMPILE_CONTEXT.securityContext.tenant_id }}.orders\n    \
        access_policy:\n      - group: analyst\n        row_level:\n          filters:\n            \
        - {member: tenant_id, operator: equals, values: [\"{ securityContext.tenant_id }\"]}\n      \
        - group: viewer\n        member_level: {excludes: [amount]}\n        row_level:\n          filters:\n            \
        - {member: tenant_id, operator: equals, values: [\"{ securityContext.tenant_id }\"]}\n    \
        dimensions:\n      - {name: id, sql: id, type: number, primary_key: true}\n      \
        - {name: tenant_id, sql: tenant_id, type: string}\n    \
        measures:\n      - {name: count, type: count}\n      - {name: amount, sql: amount, type: sum}\n";

    /// A server state over the per-tenant model, without a database.
    fn state() -> AppState {
        let variants = ModelVariants::scan(vec![(PathBuf::from("orders.yml"), MODEL.into())])
            .expect("the model has COMPILE_CONTEXT templates");
        let shared = strata_schema::load_files(&variants.placeholder_files()).expect("compiles");
        let engine = Engine::new(Arc::new(shared), None);
        AppState::builder(engine, AuthSettings::new(Some(SECRET.into()), false))
            .variants(Some(variants))
            .build()
    }

    fn token(tenant: &str, group: &str) -> String {
        let claims = json!({"tenant_id": tenant, "groups": [group]});
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET.as_bytes()).expect("key"),
        )
        .expect("token")
    }

    async fn post(state: &AppState, path: &str, token: &str, query: Value) -> (StatusCode, Value) {
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("authorization", token)
            .header("content-type", "application/json")
            .body(Body::from(json!({ "query": query }).to_string()))
            .expect("request");
        let res = crate::routes::router(state.clone())
            .oneshot(req)
            .await
            .expect("response");
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, serde_json::from_slice(&bytes).expect("JSON"))
    }

    #[tokio::test]
    async fn sql_and_dry_run_plan_each_callers_own_model() {
        let state = state();
        let q = json!({"measures": ["Orders.count", "Orders.amount"]});
        for (tenant, other) in [("c", "d"), ("d", "c")] {
            let t = token(tenant, "analyst");
            let (status, body) = post(&state, "/cubejs-api/v1/sql", &t, q.clone()).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let sql = body["sql"]["sql"][0].as_str().unwrap_or_default();
            assert!(sql.contains(&format!("tenant_{tenant}.orders")), "{sql}");
            assert!(!sql.contains(&format!("tenant_{other}.")), "{sql}");
            assert!(!sql.contains("compile_context"), "{sql}");
            assert_eq!(
                body["sql"]["sql"][1],
                json!([tenant]),
                "the row rule: {body}"
            );
            let (status, body) = post(&state, "/cubejs-api/v1/dry-run", &t, q.clone()).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }

    #[tokio::test]
    async fn every_endpoint_refuses_what_the_callers_policy_hides() {
        let state = state();
        let t = token("d", "viewer");
        let q = json!({"measures": ["Orders.amount"]});
        // /load refuses while planning, before any database is needed.
        let load = post(&state, "/cubejs-api/v1/load", &t, q.clone()).await;
        assert_eq!(load.0, StatusCode::BAD_REQUEST, "{}", load.1);
        for path in ["/cubejs-api/v1/sql", "/cubejs-api/v1/dry-run"] {
            assert_eq!(post(&state, path, &t, q.clone()).await, load, "{path}");
        }
    }

    #[tokio::test]
    async fn a_scope_plans_with_the_model_its_grant_was_evaluated_on() {
        let state = state();
        let caller = state
            .tenancy()
            .identify(
                |claims| state.model_for(claims),
                crate::auth::SecurityContext(json!({"tenant_id": "c", "groups": ["analyst"]})),
                &Vec::new(),
            )
            .expect("caller");
        assert!(!Arc::ptr_eq(&caller.model, state.engine().model()));
        let scope = state.scope_for(Some(&caller)).await.expect("scope");
        assert!(Arc::ptr_eq(scope.engine().model(), &caller.model));
        // The shared engine is over another model than the caller's grant
        // was evaluated on: refused, never planned.
        let status = QueryScope::new(state.engine().clone(), Some(&caller)).map(|_| ());
        assert_eq!(
            status.map_err(|e| e.status),
            Err(StatusCode::INTERNAL_SERVER_ERROR)
        );
    }
}
