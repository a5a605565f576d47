//! Shared state of the HTTP handlers.

use std::sync::Arc;

use strata_engine::Engine;

use crate::auth::AuthSettings;

/// What every handler can reach: the engine, the auth settings and the `/meta`
/// document (built once from the model). Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    auth: AuthSettings,
    meta: serde_json::Value,
}

impl AppState {
    /// State over `engine`, authenticating requests with `auth`.
    pub fn new(engine: Engine, auth: AuthSettings) -> Self {
        let meta = crate::meta::build_meta(engine.model());
        AppState {
            inner: Arc::new(Inner { engine, auth, meta }),
        }
    }

    /// The query engine.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    /// How requests are authenticated.
    pub fn auth(&self) -> &AuthSettings {
        &self.inner.auth
    }

    /// The `/cubejs-api/v1/meta` document.
    pub fn meta(&self) -> &serde_json::Value {
        &self.inner.meta
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("auth_dev_mode", &self.inner.auth.dev_mode)
            .field("has_secret", &self.inner.auth.api_secret.is_some())
            .finish_non_exhaustive()
    }
}
