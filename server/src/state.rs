//! Shared state of the HTTP handlers.

use std::sync::Arc;

use strata_engine::{Engine, PgConfig};

use crate::ai::AiService;
use crate::auth::AuthSettings;
use crate::error::ApiError;
use crate::model_variants::ModelVariants;
use crate::rate_limit::{RateLimitSettings, RateLimits};
use crate::tenancy::{Caller, TenancySettings};
use crate::tenant_engines::{TenantEngines, TenantRouting};

/// Identity, isolation and limits of a server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecuritySettings {
    /// Which claims (and trusted headers) name tenant, user and groups.
    pub tenancy: TenancySettings,
    /// Per-user rate limits.
    pub rate_limits: RateLimitSettings,
    /// Tenants with their own database or schema.
    pub routing: TenantRouting,
}

/// What every handler can reach: the engines, the auth and tenancy settings,
/// the rate limiters and the `/meta` document (built once from the model).
/// Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    engines: TenantEngines,
    auth: AuthSettings,
    tenancy: TenancySettings,
    rate_limits: RateLimits,
    meta: serde_json::Value,
    ai: AiService,
}

/// Builds an [`AppState`]; every part but the engine and auth is optional.
pub struct AppStateBuilder {
    engine: Engine,
    auth: AuthSettings,
    security: SecuritySettings,
    db: Option<PgConfig>,
    variants: Option<ModelVariants>,
    ai: AiService,
}

impl AppStateBuilder {
    /// Tenancy, rate limits and tenant routing.
    pub fn security(mut self, security: SecuritySettings) -> Self {
        self.security = security;
        self
    }

    /// The connection routed tenants' databases or schemas are reached through.
    pub fn db(mut self, db: Option<PgConfig>) -> Self {
        self.db = db;
        self
    }

    /// `COMPILE_CONTEXT` variants of the model, compiled per caller.
    pub fn variants(mut self, variants: Option<ModelVariants>) -> Self {
        self.variants = variants;
        self
    }

    /// The AI analytics service (default: the offline parser and a file
    /// store in `.strata-data`).
    pub fn ai(mut self, ai: AiService) -> Self {
        self.ai = ai;
        self
    }

    /// The state.
    pub fn build(self) -> AppState {
        let meta = crate::meta::build_meta(self.engine.model());
        AppState {
            inner: Arc::new(Inner {
                engines: TenantEngines::new(
                    self.engine,
                    self.db,
                    self.security.routing,
                    self.variants,
                ),
                auth: self.auth,
                tenancy: self.security.tenancy,
                rate_limits: RateLimits::new(self.security.rate_limits),
                meta,
                ai: self.ai,
            }),
        }
    }
}

impl AppState {
    /// State over `engine`, authenticating requests with `auth`, with default
    /// tenancy settings, no tenant routing and the default AI service.
    pub fn new(engine: Engine, auth: AuthSettings) -> Self {
        AppState::builder(engine, auth).build()
    }

    /// A builder for a state with more than the defaults.
    pub fn builder(engine: Engine, auth: AuthSettings) -> AppStateBuilder {
        AppStateBuilder {
            engine,
            auth,
            security: SecuritySettings::default(),
            db: None,
            variants: None,
            ai: AiService::default(),
        }
    }

    /// The engine shared by every tenant (its model is every tenant's model).
    pub fn engine(&self) -> &Engine {
        self.inner.engines.shared()
    }

    /// The model for a caller with these claims (its `COMPILE_CONTEXT`
    /// variant, or the shared model).
    pub fn model_for(
        &self,
        claims: &serde_json::Value,
    ) -> Result<Arc<strata_schema::SemanticModel>, ApiError> {
        self.inner.engines.model_for(claims)
    }

    /// The engine a caller's queries run on.
    pub fn engine_for(&self, caller: &Caller) -> Result<Engine, ApiError> {
        self.inner.engines.engine_for(caller)
    }

    /// How requests are authenticated.
    pub fn auth(&self) -> &AuthSettings {
        &self.inner.auth
    }

    /// How callers are identified.
    pub fn tenancy(&self) -> &TenancySettings {
        &self.inner.tenancy
    }

    /// The rate limiters.
    pub fn rate_limits(&self) -> &RateLimits {
        &self.inner.rate_limits
    }

    /// The AI analytics translator, catalogs and conversations.
    pub fn ai(&self) -> &AiService {
        &self.inner.ai
    }

    /// The `/cubejs-api/v1/meta` document of the whole model.
    pub fn meta(&self) -> &serde_json::Value {
        &self.inner.meta
    }

    /// The `/meta` document as `caller` may see it: only the cubes, views
    /// and members its access policies grant.
    pub fn meta_for(&self, caller: &Caller) -> serde_json::Value {
        let shared = Arc::ptr_eq(&caller.model, self.engine().model());
        if shared && caller.grant.is_unrestricted() {
            return self.inner.meta.clone();
        }
        let full = if shared {
            self.inner.meta.clone()
        } else {
            crate::meta::build_meta(&caller.model)
        };
        if caller.grant.is_unrestricted() {
            return full;
        }
        crate::meta::filter_meta(&full, &caller.model, &caller.grant)
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("auth_dev_mode", &self.inner.auth.dev_mode)
            .field("has_secret", &self.inner.auth.api_secret.is_some())
            .field("engines", &self.inner.engines)
            .finish_non_exhaustive()
    }
}
