//! Shared state of the HTTP handlers.

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use axum::Json;
use strata_engine::{Engine, PgConfig};
use strata_schema::SemanticModel;

use crate::admission::{Admission, AdmissionSettings};
use crate::ai::Analyst;
use crate::auth::AuthSettings;
use crate::error::ApiError;
use crate::meta::MetaDocument;
use crate::model_variants::ModelVariants;
use crate::plugins::PluginRegistry;
use crate::rate_limit::{RateLimitSettings, RateLimits};
use crate::scope::QueryScope;
use crate::tenancy::{Caller, TenancySettings};
use crate::tenant_engines::{TenantEngines, TenantRouting};
use crate::uploads::{UploadLimits, Uploads};

/// Identity, isolation and limits of a server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecuritySettings {
    /// Which claims (and trusted headers) name tenant, user and groups.
    pub tenancy: TenancySettings,
    /// Per-user rate limits.
    pub rate_limits: RateLimitSettings,
    /// Tenants with their own database or schema.
    pub routing: TenantRouting,
    /// In-flight caps per server, tenant and user.
    pub admission: AdmissionSettings,
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
    admission: Admission,
    meta: Arc<MetaDocument>,
    /// `/meta` documents of `COMPILE_CONTEXT` variants, keyed by the model's
    /// address; the entry holds the model, so the address is not reused meanwhile.
    variant_metas: moka::sync::Cache<usize, (Arc<SemanticModel>, Arc<MetaDocument>)>,
    ai: Analyst,
    uploads: Uploads,
    plugins: Arc<PluginRegistry>,
}

/// Most `/meta` documents of model variants kept at once.
const MAX_VARIANT_METAS: u64 = 256;

/// Builds an [`AppState`]; every part but the engine and auth is optional.
pub struct AppStateBuilder {
    engine: Engine,
    auth: AuthSettings,
    security: SecuritySettings,
    db: Option<PgConfig>,
    variants: Option<ModelVariants>,
    ai: Analyst,
    uploads: UploadLimits,
    plugins: Arc<PluginRegistry>,
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

    /// The AI analytics pipeline (default: the offline parser and a file
    /// store in `.strata-data`).
    pub fn ai(mut self, ai: Analyst) -> Self {
        self.ai = ai;
        self
    }

    /// Limits of uploaded CSV tables (default [`UploadLimits::default`]).
    pub fn uploads(mut self, limits: UploadLimits) -> Self {
        self.uploads = limits;
        self
    }

    /// The chart plugins offered (default: the built-in ones).
    pub fn plugins(mut self, plugins: PluginRegistry) -> Self {
        self.plugins = Arc::new(plugins);
        self
    }

    /// The state.
    pub fn build(self) -> AppState {
        let meta = Arc::new(MetaDocument::build(self.engine.model()));
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
                admission: Admission::new(self.security.admission),
                meta,
                variant_metas: moka::sync::Cache::new(MAX_VARIANT_METAS),
                ai: self.ai,
                uploads: Uploads::new(self.uploads),
                plugins: self.plugins,
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
            ai: Analyst::default(),
            uploads: UploadLimits::default(),
            plugins: Arc::new(PluginRegistry::built_in()),
        }
    }

    /// The engine shared by every tenant, over the shared model (the
    /// placeholder compile of a `COMPILE_CONTEXT` model). Not for a caller's
    /// queries, which are planned and run in [`AppState::scope_for`].
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

    /// What `caller`'s queries are planned and run with: the engine of its
    /// model (on its own database or schema when tenants are routed), its
    /// access grant, claims and admission gate. Every endpoint that plans or
    /// runs queries takes them from here (see [`crate::scope`]). `None` (only
    /// without the auth middleware) plans on the shared engine without
    /// access policies.
    ///
    /// Refuses a caller whose queries cannot run: with routed tenants, a
    /// token naming no tenant or a tenant without data.
    pub async fn scope_for<'a>(
        &self,
        caller: Option<&'a Caller>,
    ) -> Result<QueryScope<'a>, ApiError> {
        let engine = match caller {
            Some(c) => self.inner.engines.engine_for(c).await?,
            None => self.engine().clone(),
        };
        QueryScope::new(engine, caller)
    }

    /// The tenant engines and pools alive now.
    pub fn tenant_engines(&self) -> u64 {
        self.inner.engines.tenant_engines()
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

    /// The in-flight caps of queries.
    pub fn admission(&self) -> &Admission {
        &self.inner.admission
    }

    /// The AI analytics translator, catalogs and conversations.
    pub fn ai(&self) -> &Analyst {
        &self.inner.ai
    }

    /// Every tenant's uploaded tables.
    pub fn uploads(&self) -> &Uploads {
        &self.inner.uploads
    }

    /// The chart plugins.
    pub fn plugins(&self) -> &PluginRegistry {
        &self.inner.plugins
    }

    /// The `/cubejs-api/v1/meta` document of the whole model.
    pub fn meta(&self) -> &MetaDocument {
        &self.inner.meta
    }

    /// The `/meta` answer for `caller`: the document of its model (the shared
    /// one, or its `COMPILE_CONTEXT` variant's, each built once), narrowed to
    /// the cubes, views and members its access policies grant.
    pub fn meta_for(&self, caller: &Caller) -> Response {
        let document = if Arc::ptr_eq(&caller.model, self.engine().model()) {
            self.inner.meta.clone()
        } else {
            let key = Arc::as_ptr(&caller.model) as usize;
            self.inner
                .variant_metas
                .get_with(key, || {
                    let document = Arc::new(MetaDocument::build(&caller.model));
                    (caller.model.clone(), document)
                })
                .1
        };
        if caller.grant.is_unrestricted() {
            return document.response();
        }
        Json(crate::meta::filter_meta(
            &document.value,
            &caller.model,
            &caller.grant,
        ))
        .into_response()
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
