//! Tenants with their own database or schema (Cube's `driverFactory` use
//! case): each gets an engine that shares the compiled model and runs on its
//! own connection pool, created on first use and kept in a bounded cache.

use std::collections::HashMap;
use std::sync::Arc;

use strata_engine::{Backend, Engine, PgConfig, PostgresExecutor, DEFAULT_DATA_SOURCE};
use strata_schema::SemanticModel;

use crate::error::ApiError;
use crate::model_variants::ModelVariants;
use crate::tenancy::Caller;

/// Where a tenant's rows live. `{tenant}` in a template is replaced with the
/// caller's tenant id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TenantRouting {
    /// Schema of each tenant, e.g. `tenant_{tenant}` (`STRATA_TENANT_SCHEMA`).
    pub schema: Option<String>,
    /// Database of each tenant, e.g. `shop_{tenant}` (`STRATA_TENANT_DATABASE`).
    pub database: Option<String>,
    /// Connections per tenant pool (`STRATA_TENANT_POOL_SIZE`, default 4).
    pub pool_size: usize,
}

impl TenantRouting {
    /// Whether tenants are routed to their own database or schema.
    pub fn is_enabled(&self) -> bool {
        self.schema.is_some() || self.database.is_some()
    }
}

/// Most tenant engines (and pools) kept at once; the least recently used
/// one is dropped beyond it.
const MAX_TENANT_ENGINES: u64 = 1_024;

/// The shared engine, and the engines of routed tenants and of model variants.
pub struct TenantEngines {
    shared: Engine,
    db: Option<PgConfig>,
    routing: TenantRouting,
    variants: Option<ModelVariants>,
    engines: moka::sync::Cache<String, Engine>,
}

impl std::fmt::Debug for TenantEngines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantEngines")
            .field("routing", &self.routing)
            .field("tenants", &self.engines.entry_count())
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
        TenantEngines {
            shared,
            db,
            routing,
            variants,
            engines: moka::sync::Cache::new(MAX_TENANT_ENGINES),
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

    /// The engine for `caller`: its own when tenants are routed, else the
    /// shared one. A routed server refuses callers without a tenant.
    pub fn engine_for(&self, caller: &Caller) -> Result<Engine, ApiError> {
        // A model variant: an engine per compiled variant, on the shared sources.
        let base = if Arc::ptr_eq(&caller.model, self.shared.model()) {
            self.shared.clone()
        } else {
            // Keyed by the model's address: the cached engine holds the model,
            // so the address cannot be reused by another model meanwhile.
            let key = format!("model:{:p}", Arc::as_ptr(&caller.model));
            match self.engines.get(&key) {
                Some(engine) => engine,
                None => {
                    let engine = self.shared.with_model(caller.model.clone());
                    self.engines.insert(key, engine.clone());
                    engine
                }
            }
        };
        let (true, Some(db)) = (self.routing.is_enabled(), &self.db) else {
            return Ok(base);
        };
        let tenant = caller.tenant.as_deref().ok_or_else(|| {
            ApiError::forbidden("Access denied: the token names no tenant, and every query runs in a tenant's own database")
        })?;
        let name = tenant_name(tenant)?;
        let key = format!("tenant:{name}:{:p}", Arc::as_ptr(base.model()));
        if let Some(engine) = self.engines.get(&key) {
            return Ok(engine);
        }
        let mut config = db.clone();
        if let Some(t) = &self.routing.schema {
            config.search_path = Some(t.replace("{tenant}", &name));
        }
        if let Some(t) = &self.routing.database {
            config.dbname = t.replace("{tenant}", &name);
        }
        config.pool_size = self.routing.pool_size.max(1);
        let pg = PostgresExecutor::new(config).map_err(ApiError::from)?;
        let engine = base.with_sources(HashMap::from([(
            DEFAULT_DATA_SOURCE.to_string(),
            Backend::Postgres(Arc::new(pg)),
        )]));
        self.engines.insert(key, engine.clone());
        Ok(engine)
    }
}

/// A tenant id usable as is in a schema or database name: 1-40 lower-case
/// letters, digits and `_`. Nothing is rewritten, so two tenant ids can never
/// land in the same schema.
fn tenant_name(tenant: &str) -> Result<String, ApiError> {
    let ok = !tenant.is_empty()
        && tenant.len() <= 40
        && tenant
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(ApiError::forbidden(
            "Access denied: the tenant id must be 1-40 lower-case letters, digits or `_`",
        ));
    }
    Ok(tenant.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_names_cannot_smuggle_sql() {
        assert_eq!(tenant_name("acme_eu").expect("valid"), "acme_eu");
        // Upper case and `-` would fold onto other tenants' names.
        for bad in [
            "",
            "Acme",
            "a-b",
            "a b",
            "x;drop",
            "a\"b",
            "t1' or '1'='1",
            &"a".repeat(41),
        ] {
            assert!(tenant_name(bad).is_err(), "{bad}");
        }
    }
}
