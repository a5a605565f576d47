//! Helpers shared by the integration tests: the conformance database, an in-process server,
//! an authenticated HTTP client and the corpus comparison rules (`corpus.rs`), a plain JSON
//! client (`api.rs`), the hardening fixture (`hardening.rs`), a scripted OpenAI-compatible
//! endpoint (`openai_mock.rs`) and the comparison of Cube queries (`query_compare.rs`).

pub mod api;
pub mod corpus;
pub mod hardening;
pub mod openai_mock;
pub mod query_compare;

pub use corpus::*;

use serde_json::{json, Value};
use std::io::Write;
use std::time::Duration;
use strata_engine::PgConfig;
use strata_server::{RunningServer, ServerConfig};
use tokio::sync::OnceCell;
use tokio_postgres::NoTls;

/// The API secret the corpus uses upstream (`mysupersecret`).
pub const API_SECRET: &str = "mysupersecret";
/// The database the conformance dataset is loaded into.
pub const DB_NAME: &str = "strata_conformance";

/// Writes straight to the process's stdout, bypassing libtest's output capture, so summaries
/// show up in `cargo test` output even when the test passes.
pub fn report(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

/// A connection to `dbname` on the local Postgres; panics loudly when Postgres is unreachable
/// (tests never skip silently).
pub async fn pg_client(dbname: &str) -> tokio_postgres::Client {
    let conn_str =
        format!("host=127.0.0.1 port=5432 user=postgres dbname={dbname} connect_timeout=10");
    let (client, conn) = tokio_postgres::connect(&conn_str, NoTls)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "\n\n*** PostgreSQL is not reachable ({conn_str}): {e} ***\n\
                 These tests need a local PostgreSQL (trust auth, user postgres). Start it, e.g. \
                 with `bash scripts/test.sh`, which starts it when it is down. Refusing to skip.\n"
            )
        });
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            eprintln!("postgres connection error: {e}");
        }
    });
    client
}

static DATABASE: OnceCell<()> = OnceCell::const_new();

/// Drops and re-creates database `strata_conformance` and loads `dataset/postgres.sql` into
/// it, once per test process (later callers wait for the first). Every module that needs the
/// conformance data shares this one load and only reads it.
pub async fn setup_database() {
    DATABASE.get_or_init(load_dataset).await;
}

async fn load_dataset() {
    let sql_path = corpus_dir().join("dataset/postgres.sql");
    let sql = std::fs::read_to_string(&sql_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", sql_path.display()));
    let admin = pg_client("postgres").await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)"))
        .await
        .unwrap_or_else(|e| panic!("DROP DATABASE {DB_NAME}: {e:?}"));
    admin
        .batch_execute(&format!("CREATE DATABASE {DB_NAME}"))
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {DB_NAME}: {e:?}"));
    let db = pg_client(DB_NAME).await;
    db.batch_execute(&sql)
        .await
        .unwrap_or_else(|e| panic!("loading {} into {DB_NAME}: {e:?}", sql_path.display()));
    // Row counts the corpus README documents: a cheap check that the dataset loaded whole.
    for (table, rows) in [
        ("products", 28),
        ("customers", 41),
        ("ecommerce", 44),
        ("bigecommerce", 44),
    ] {
        let n: i64 = db
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await
            .unwrap_or_else(|e| panic!("counting {table}: {e:?}"))
            .get(0);
        assert_eq!(n, rows, "table {table} of the conformance dataset");
    }
}

/// An HS256 JWT over `claims`, signed with `secret`.
pub fn sign_token(secret: &str, claims: &Value) -> String {
    let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()).expect("HS256 key");
    jsonwebtoken::encode(&jsonwebtoken::Header::default(), claims, &key).expect("signing a JWT")
}

/// The token the tests authenticate with: `{"tenant":"t1"}` signed with [`API_SECRET`].
pub fn test_token() -> String {
    sign_token(API_SECRET, &json!({"tenant": "t1"}))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// An HTTP response as the tests see it.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub text: String,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<Value>,
}

impl Resp {
    /// The JSON body, or the raw text as a JSON string when the body is not JSON.
    pub fn body(&self) -> Value {
        self.json
            .clone()
            .unwrap_or_else(|| Value::String(self.text.clone()))
    }

    /// The `error` member of a JSON error body.
    pub fn error_message(&self) -> Option<&str> {
        self.json.as_ref()?.get("error")?.as_str()
    }
}

/// What `Authorization` header to send.
#[derive(Debug, Clone, Copy)]
pub enum Auth<'a> {
    /// The valid test token.
    Valid,
    /// No header at all.
    None,
    /// This exact header value.
    Header(&'a str),
}

/// A Strata server running in this process against the conformance model and database.
pub struct TestServer {
    server: RunningServer,
    pub base: String,
    pub http: reqwest::Client,
    pub token: String,
}

/// Loads the dataset (once per process) and starts a server on an ephemeral port with the
/// corpus model, API secret `mysupersecret`, dev mode off.
pub async fn start_server() -> TestServer {
    setup_database().await;
    let config = ServerConfig {
        models_dir: model_dir(),
        listen: "127.0.0.1:0".parse().unwrap(),
        api_secret: Some(API_SECRET.to_string()),
        dev_mode: false,
        db: Some(PgConfig {
            dbname: DB_NAME.to_string(),
            ..Default::default()
        }),
        engine: Default::default(),
        ..Default::default()
    };
    let server = strata_server::start(config)
        .await
        .unwrap_or_else(|e| panic!("strata_server::start failed: {e}"));
    let base = server.url().trim_end_matches('/').to_string();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("reqwest client");
    TestServer {
        server,
        base,
        http,
        token: test_token(),
    }
}

impl TestServer {
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }

    /// Sends a request to `path` (e.g. `/cubejs-api/v1/load`) with an optional raw body
    /// (sent as `application/json`).
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<String>,
        auth: Auth<'_>,
    ) -> Resp {
        let url = format!("{}{path}", self.base);
        let mut req = self.http.request(method.clone(), &url);
        match auth {
            Auth::Valid => req = req.header("Authorization", &self.token),
            Auth::Header(h) => req = req.header("Authorization", h),
            Auth::None => {}
        }
        if let Some(body) = body {
            req = req.header("Content-Type", "application/json").body(body);
        }
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: request failed: {e}"));
        let status = resp.status().as_u16();
        let text = resp
            .text()
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: reading body: {e}"));
        let json = serde_json::from_str(&text).ok();
        Resp { status, text, json }
    }

    /// `POST /cubejs-api/v1/load` with body `{"query": query}`.
    pub async fn post_load(&self, query: &Value) -> Resp {
        let body = json!({ "query": query }).to_string();
        self.request(
            reqwest::Method::POST,
            "/cubejs-api/v1/load",
            Some(body),
            Auth::Valid,
        )
        .await
    }

    /// `GET /cubejs-api/v1/load?query=<urlencoded JSON>`.
    pub async fn get_load(&self, query: &Value) -> Resp {
        let path = format!(
            "/cubejs-api/v1/load?query={}",
            urlencode(&query.to_string())
        );
        self.request(reqwest::Method::GET, &path, None, Auth::Valid)
            .await
    }

    /// `GET <path>` with the valid token.
    pub async fn get(&self, path: &str) -> Resp {
        self.request(reqwest::Method::GET, path, None, Auth::Valid)
            .await
    }

    /// The `/cubejs-api/v1/sql` answer for `query`, for failure diagnostics.
    pub async fn sql_for(&self, query: &Value) -> String {
        let path = format!("/cubejs-api/v1/sql?query={}", urlencode(&query.to_string()));
        let resp = self.get(&path).await;
        let sql = resp
            .json
            .as_ref()
            .and_then(|j| j.pointer("/sql/sql"))
            .map(Value::to_string)
            .unwrap_or(resp.text);
        let mut sql = sql.replace("\\n", " ");
        if sql.len() > 1500 {
            let cut = (0..=1500)
                .rev()
                .find(|&i| sql.is_char_boundary(i))
                .unwrap_or(0);
            sql.truncate(cut);
            sql.push('…');
        }
        sql
    }
}

/// A server on loopback (any free port) serving the bundled demo in dev mode.
pub async fn start_demo_server() -> RunningServer {
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        dev_mode: true,
        engine: strata_server::EngineSettings {
            demo: Some(strata::demo::DemoData::pinned()),
            ..strata_server::EngineSettings::default()
        },
        ..ServerConfig::default()
    };
    strata_server::start(config)
        .await
        .unwrap_or_else(|e| panic!("demo server: {e}"))
}
