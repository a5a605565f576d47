//! Strata's Cube-compatible HTTP API.
//!
//! [`start`] loads the data model, builds the [`strata_engine::Engine`] and
//! serves `/cubejs-api/v1/{load,sql,dry-run,meta}`, `/livez` and `/readyz` with
//! the same JSON shapes and status codes as Cube.js 1.x.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = strata_server::ServerConfig::from_env()?;
//! let server = strata_server::start(config).await?;
//! println!("listening on {}", server.url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```

pub mod admission;
pub mod ai;
pub mod auth;
pub mod body;
pub mod config;
pub mod connections;
pub mod error;
pub mod gateway;
pub mod meta;
pub mod model_variants;
pub mod page;
pub mod panics;
pub mod plugins;
pub mod rate_limit;
pub mod request;
pub mod response;
pub mod routes;
pub mod scope;
pub mod setup;
pub mod sources;
pub mod state;
pub mod table;
pub mod tenancy;
pub mod tenant_engines;
pub mod uploads;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use auth::{AuthError, AuthSettings, SecurityContext};
pub use config::{ConfigError, ServerConfig};
pub use error::{ApiError, ServerError};
pub use routes::router;
pub use setup::EngineSettings;
pub use state::{AppState, AppStateBuilder, SecuritySettings};
pub use tenancy::{Caller, TenancySettings};

/// A server started by [`start`], serving in the background until
/// [`RunningServer::shutdown`] (or until it is dropped, which stops it too).
#[derive(Debug)]
pub struct RunningServer {
    /// The address actually bound (with the real port when port 0 was asked).
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningServer {
    /// Base URL of the server, e.g. `http://127.0.0.1:4000` (a wildcard
    /// listen address is reported as loopback).
    pub fn url(&self) -> String {
        let ip = match self.addr.ip() {
            ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// Stops accepting connections, lets in-flight requests finish, and waits.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "server stopped with an error"),
                Err(e) => tracing::warn!(error = %e, "server task failed"),
            }
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Loads the model from `config.models_dir`, builds the engine (with a
/// Postgres executor when `config.db` is set), binds `config.listen` and
/// serves in a background task.
///
/// Refuses to start outside dev mode without an API secret, and when the model
/// has errors (all of them are in the returned [`ServerError::Model`]).
pub async fn start(config: ServerConfig) -> Result<RunningServer, ServerError> {
    if !config.dev_mode && config.api_secret.is_none() && config.jwks_file.is_none() {
        return Err(ServerError::MissingApiSecret);
    }
    if config.db.is_none() && config.engine.demo.is_none() && config.engine.data_sources.is_none() {
        tracing::warn!("no database configured (CUBEJS_DB_TYPE): /load will fail for cubes on the default data source");
    }
    let engine = setup::build_engine(&config.models_dir, config.db.clone(), &config.engine).await?;
    if engine.rollups().is_some_and(|r| !r.defs().is_empty()) {
        // Rollups build in the background; until one is built its queries
        // go to the source.
        engine.spawn_rollup_refresh();
    }
    let mut auth = AuthSettings::new(config.api_secret.clone(), config.dev_mode);
    auth.issuer.clone_from(&config.jwt_issuer);
    auth.audience.clone_from(&config.jwt_audience);
    if let Some(path) = &config.jwks_file {
        let jwks = AuthSettings::load_jwks(path).map_err(ServerError::Config)?;
        auth.jwks = Some(std::sync::Arc::new(jwks));
    }
    let variants = setup::model_variants(&config.models_dir, &config.engine)?;
    let (plugins, plugin_errors) = plugins::PluginRegistry::load(config.plugins_dir.as_deref());
    for e in &plugin_errors {
        tracing::warn!("chart plugin left out: {e}");
    }
    tracing::info!(
        plugins = ?plugins.plugins().iter().map(|p| p.manifest.name.as_str()).collect::<Vec<_>>(),
        "chart plugins loaded"
    );
    // The page's files are compressed once, before the first visitor asks.
    tokio::task::spawn_blocking(page::precompress);
    let state = AppState::builder(engine, auth)
        .security(config.security.clone())
        .db(config.db.clone())
        .variants(variants)
        .ai(ai::build_analyst(&config.ai)?)
        .plugins(plugins)
        .build();
    let app = router(state);

    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Bind {
        addr: config.listen,
        source,
    })?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(connections::serve(listener, app, config.http, rx));
    tracing::info!(%addr, dev_mode = config.dev_mode, "listening");
    Ok(RunningServer {
        addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A fresh directory holding `files` (name, contents).
    fn model_dir(tag: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "strata-server-{tag}-{}-{}",
            std::process::id(),
            response::random_uuid()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        dir
    }

    fn config(dir: PathBuf, dev_mode: bool, secret: Option<&str>) -> ServerConfig {
        ServerConfig {
            models_dir: dir,
            listen: "127.0.0.1:0".parse().unwrap(),
            api_secret: secret.map(str::to_string),
            dev_mode,
            db: None,
            engine: EngineSettings::default(),
            ..Default::default()
        }
    }

    const MODEL: &str = "cubes:\n  - name: orders\n    sql_table: orders\n    \
                         dimensions:\n      - name: id\n        sql: id\n        type: number\n        \
                         primary_key: true\n    measures:\n      - name: count\n        type: count\n";

    /// A raw HTTP/1.1 GET (blocking socket on a blocking thread).
    async fn http_get(addr: SocketAddr, path: &str) -> String {
        let path = path.to_string();
        tokio::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            s.write_all(req.as_bytes()).unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).unwrap();
            out
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn refuses_to_start_without_secret_outside_dev_mode() {
        let err = start(config(PathBuf::from("nowhere"), false, None))
            .await
            .unwrap_err();
        assert!(matches!(err, ServerError::MissingApiSecret));
        let msg = err.to_string();
        assert!(msg.contains("CUBEJS_API_SECRET is not set"), "{msg}");
        assert!(msg.contains("CUBEJS_DEV_MODE=true"), "{msg}");
    }

    #[tokio::test]
    async fn reports_every_model_error() {
        let dir = model_dir(
            "bad",
            &[
                ("a.yml", "cubes:\n  - name: a\n    sql_table: a\n    measures:\n      - name: m\n        type: nope\n"),
                ("b.yml", "cubes:\n  - name: b\n    sql_table: b\n    dimensions:\n      - name: d\n        sql: d\n        type: wrong\n"),
            ],
        );
        let err = start(config(dir.clone(), true, None)).await.unwrap_err();
        let ServerError::Model { errors, .. } = &err else {
            panic!("expected a model error, got {err}");
        };
        assert!(errors.0.len() >= 2, "{err}");
        let msg = err.to_string();
        assert!(msg.contains("a.yml") && msg.contains("b.yml"), "{msg}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn serves_and_shuts_down() {
        let dir = model_dir("ok", &[("orders.yml", MODEL)]);
        let server = start(config(dir.clone(), true, Some("s"))).await.unwrap();
        assert_eq!(
            server.url(),
            format!("http://127.0.0.1:{}", server.addr.port())
        );
        let live = http_get(server.addr, "/livez").await;
        assert!(live.starts_with("HTTP/1.1 200"), "{live}");
        assert!(live.contains(r#"{"health":"HEALTH"}"#), "{live}");
        let meta = http_get(server.addr, "/cubejs-api/v1/meta").await;
        assert!(meta.contains(r#""name":"orders.count""#), "{meta}");
        let addr = server.addr;
        server.shutdown().await;
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
