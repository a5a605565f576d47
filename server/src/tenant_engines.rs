//! Tenants with their own database or schema (Cube's `driverFactory` use
//! case): each gets an engine that shares the compiled model and runs on its
//! own connection pool.
//!
//! No tenant can make the server hold connections it does not use:
//!
//! * a pool is made only for a tenant whose schema or database exists (a
//!   catalog lookup on a small shared pool; unknown names are remembered for
//!   a while, so a flood of made-up tenant ids costs one lookup each and no
//!   pool at all);
//! * pools open connections on demand and close those idle for
//!   [`TenantRouting::idle_timeout`];
//! * tenant engines unused for that long are dropped with their pools;
//! * the pools of all tenants together hold at most
//!   [`TenantRouting::max_connections`]: beyond it the least recently used
//!   tenant's pool is dropped.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use strata_engine::{Backend, Engine, PgConfig, PostgresExecutor, DEFAULT_DATA_SOURCE};
use strata_schema::identifier::{check_identifier, MAX_IDENTIFIER_LEN};
use strata_schema::SemanticModel;

use crate::error::ApiError;
use crate::model_variants::ModelVariants;
use crate::tenancy::Caller;

/// Where a tenant's rows live. `{tenant}` in a template is replaced with the
/// caller's tenant id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantRouting {
    /// Schema of each tenant, e.g. `tenant_{tenant}` (`STRATA_TENANT_SCHEMA`).
    pub schema: Option<String>,
    /// Database of each tenant, e.g. `shop_{tenant}` (`STRATA_TENANT_DATABASE`).
    pub database: Option<String>,
    /// Connections per tenant pool (`STRATA_TENANT_POOL_SIZE`, default 4).
    pub pool_size: usize,
    /// Connections all tenant pools may hold together
    /// (`STRATA_TENANT_MAX_CONNECTIONS`, default 64).
    pub max_connections: usize,
    /// Idle time after which a tenant's connections are closed and its
    /// engine dropped (`STRATA_TENANT_IDLE_TIMEOUT`, default 5 minutes).
    pub idle_timeout: Duration,
}

impl Default for TenantRouting {
    fn default() -> Self {
        TenantRouting {
            schema: None,
            database: None,
            pool_size: 4,
            max_connections: 64,
            idle_timeout: Duration::from_secs(300),
        }
    }
}

impl TenantRouting {
    /// Whether tenants are routed to their own database or schema.
    pub fn is_enabled(&self) -> bool {
        self.schema.is_some() || self.database.is_some()
    }

    /// Checks a `{tenant}` template: with the longest tenant id substituted
    /// it must pass the identifier rule, so it may hold only lower-case
    /// letters, digits and `_` around `{tenant}`.
    pub fn check_template(template: &str) -> Result<(), String> {
        if !template.contains("{tenant}") {
            return Err("the template must contain {tenant}".into());
        }
        let sample = template.replace("{tenant}", "t");
        check_identifier(&sample).map_err(|why| format!("the name it makes is refused: {why}"))?;
        if sample.len() >= MAX_IDENTIFIER_LEN {
            return Err(format!(
                "the name it makes is longer than {MAX_IDENTIFIER_LEN} bytes"
            ));
        }
        Ok(())
    }
}

/// Most engines of model variants kept at once.
const MAX_VARIANT_ENGINES: u64 = 256;

/// Most unknown tenant names remembered, and for how long.
const MAX_UNKNOWN_TENANTS: u64 = 100_000;
const UNKNOWN_TENANT_TTL: Duration = Duration::from_secs(30);

/// Connections of the pool that looks up tenant schemas and databases.
const CATALOG_POOL_SIZE: usize = 2;

/// The shared engine, and the engines of routed tenants and of model variants.
pub struct TenantEngines {
    shared: Engine,
    db: Option<PgConfig>,
    routing: TenantRouting,
    variants: Option<ModelVariants>,
    /// Engines of `COMPILE_CONTEXT` variants, keyed by the model's address.
    variant_engines: moka::sync::Cache<usize, Engine>,
    /// Engines of routed tenants, weighed by their pool size.
    tenants: moka::sync::Cache<String, Engine>,
    /// Tenant names whose schema or database was looked up and not found.
    unknown: moka::sync::Cache<String, ()>,
    /// Looks up tenant schemas and databases (made when routing is on).
    catalog: Option<PostgresExecutor>,
}

impl std::fmt::Debug for TenantEngines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantEngines")
            .field("routing", &self.routing)
            .field("tenants", &self.tenants.entry_count())
            .finish()
    }
}

impl TenantEngines {
    /// Routes to `shared` unless `routing` is enabled and `db` is set, or
    /// the model has `COMPILE_CONTEXT` variants.
    pub fn new(
        shared: Engine,
        db: Option<PgConfig>,
        routing: TenantRouting,
        variants: Option<ModelVariants>,
    ) -> Self {
        let pool_size = routing.pool_size.max(1);
        let tenants = moka::sync::Cache::builder()
            .max_capacity(routing.max_connections.max(pool_size) as u64)
            .weigher(move |_: &String, _: &Engine| u32::try_from(pool_size).unwrap_or(u32::MAX))
            .time_to_idle(routing.idle_timeout)
            .build();
        let catalog = match (&db, routing.is_enabled()) {
            (Some(db), true) => {
                let config = PgConfig {
                    pool_size: CATALOG_POOL_SIZE,
                    search_path: None,
                    idle_timeout: Some(routing.idle_timeout),
                    ..db.clone()
                };
                match PostgresExecutor::new(config) {
                    Ok(pg) => Some(pg),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot set up the tenant catalog pool");
                        None
                    }
                }
            }
            _ => None,
        };
        TenantEngines {
            shared,
            db,
            routing,
            variants,
            variant_engines: moka::sync::Cache::new(MAX_VARIANT_ENGINES),
            tenants,
            unknown: moka::sync::Cache::builder()
                .max_capacity(MAX_UNKNOWN_TENANTS)
                .time_to_live(UNKNOWN_TENANT_TTL)
                .build(),
            catalog,
        }
    }

    /// The model for claims: their `COMPILE_CONTEXT` variant, or the shared one.
    pub fn model_for(&self, claims: &serde_json::Value) -> Result<Arc<SemanticModel>, ApiError> {
        match &self.variants {
            Some(v) => v.model_for(claims),
            None => Ok(self.shared.model().clone()),
        }
    }

    /// The engine every tenant shares (with access policies applied per caller).
    pub fn shared(&self) -> &Engine {
        &self.shared
    }

    /// Tenant engines alive now (each with its pool).
    pub fn tenant_engines(&self) -> u64 {
        self.tenants.run_pending_tasks();
        self.tenants.entry_count()
    }

    /// The engine for `caller`: over the caller's model (its `COMPILE_CONTEXT`
    /// variant or the shared one), on its own pool when tenants are routed.
    /// A routed server refuses callers without a tenant, and tenants whose
    /// schema or database does not exist. Endpoints reach it only through
    /// [`AppState::scope_for`](crate::state::AppState::scope_for).
    /// A caller with uploaded cubes gets that engine extended with them.
    pub async fn engine_for(&self, caller: &Caller) -> Result<Engine, ApiError> {
        let Some(uploads) = &caller.uploads else {
            return self.engine_of_model(caller, &caller.model).await;
        };
        let engine = self.engine_of_model(caller, uploads.base_model()).await?;
        // A routed tenant's engine may be dropped with its pool at any time;
        // keep no reference to it beyond this request.
        let cache = !(self.routing.is_enabled() && self.db.is_some());
        Ok(uploads.engine_over(&engine, cache))
    }

    /// The engine for `caller` over `model` (its model without uploads).
    async fn engine_of_model(
        &self,
        caller: &Caller,
        model: &Arc<SemanticModel>,
    ) -> Result<Engine, ApiError> {
        let base = self.variant_engine(model);
        let (true, Some(db)) = (self.routing.is_enabled(), &self.db) else {
            return Ok(base);
        };
        let tenant = caller.tenant.as_deref().ok_or_else(|| {
            ApiError::forbidden("Access denied: the token names no tenant, and every query runs in a tenant's own database")
        })?;
        check_identifier(tenant).map_err(|why| {
            ApiError::forbidden(format!("Access denied: the tenant id is refused: {why}"))
        })?;
        let key = format!("{tenant}:{:p}", Arc::as_ptr(base.model()));
        if let Some(engine) = self.tenants.get(&key) {
            return Ok(engine);
        }
        let mut config = db.clone();
        let schema = self.render(self.routing.schema.as_deref(), tenant)?;
        let database = self.render(self.routing.database.as_deref(), tenant)?;
        self.check_exists(tenant, schema.as_deref(), database.as_deref())
            .await?;
        if let Some(schema) = schema {
            config.search_path = Some(schema);
        }
        if let Some(database) = database {
            config.dbname = database;
        }
        config.pool_size = self.routing.pool_size.max(1);
        config.idle_timeout = Some(self.routing.idle_timeout);
        let pg = PostgresExecutor::new(config).map_err(ApiError::from)?;
        let engine = base.with_sources(HashMap::from([(
            DEFAULT_DATA_SOURCE.to_string(),
            Arc::new(pg) as Backend,
        )]));
        self.tenants.insert(key, engine.clone());
        // Apply the connection budget now, not at some later cache operation.
        self.tenants.run_pending_tasks();
        Ok(engine)
    }

    /// The engine of a model variant, on the shared sources.
    fn variant_engine(&self, model: &Arc<SemanticModel>) -> Engine {
        if Arc::ptr_eq(model, self.shared.model()) {
            return self.shared.clone();
        }
        // Keyed by the model's address: the cached engine holds the model,
        // so the address cannot be reused by another model meanwhile.
        self.variant_engines
            .get_with(Arc::as_ptr(model) as usize, || {
                self.shared.with_model(model.clone())
            })
    }

    /// A `{tenant}` template with the tenant filled in, checked again as a
    /// whole name.
    fn render(&self, template: Option<&str>, tenant: &str) -> Result<Option<String>, ApiError> {
        let Some(template) = template else {
            return Ok(None);
        };
        let name = template.replace("{tenant}", tenant);
        check_identifier(&name).map_err(|why| {
            ApiError::forbidden(format!("Access denied: the tenant id is refused: {why}"))
        })?;
        Ok(Some(name))
    }

    /// Refuses a tenant whose schema or database does not exist, before any
    /// pool is made for it.
    async fn check_exists(
        &self,
        tenant: &str,
        schema: Option<&str>,
        database: Option<&str>,
    ) -> Result<(), ApiError> {
        let denied = || {
            ApiError::forbidden(format!(
                "Access denied: no data is set up for tenant \"{tenant}\""
            ))
        };
        if self.unknown.contains_key(tenant) {
            return Err(denied());
        }
        let Some(catalog) = &self.catalog else {
            return Ok(());
        };
        let exists = match (database, schema) {
            // A schema inside a tenant's own database is checked when the
            // tenant's pool first connects; the database is checked here.
            (Some(database), _) => catalog.database_exists(database).await,
            (None, Some(schema)) => catalog.schema_exists(schema).await,
            (None, None) => Ok(true),
        }
        .map_err(ApiError::from)?;
        if !exists {
            self.unknown.insert(tenant.to_string(), ());
            return Err(denied());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_must_make_lower_case_identifiers() {
        assert!(TenantRouting::check_template("tenant_{tenant}").is_ok());
        assert!(TenantRouting::check_template("{tenant}").is_ok());
        for bad in [
            "tenant",
            "Tenant_{tenant}",
            "tenant-{tenant}",
            "t.{tenant}",
            "\"{tenant}\"",
        ] {
            assert!(TenantRouting::check_template(bad).is_err(), "{bad}");
        }
        let long = format!("{}{{tenant}}", "a".repeat(62));
        assert!(TenantRouting::check_template(&long).is_err());
    }
}
