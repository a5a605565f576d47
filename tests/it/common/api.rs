//! A running server and a minimal JSON client for it: a request is a path, an optional JSON
//! body (POST, else GET) and raw headers; an answer is a status and a JSON body.

use std::time::Duration;

use serde_json::{json, Value};
use strata_server::{RunningServer, ServerConfig};

/// A running server and a client for it.
pub struct Api {
    /// The server.
    pub server: RunningServer,
    base: String,
    http: reqwest::Client,
}

/// An answer: status and JSON body (a string when the body is not JSON).
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The body.
    pub body: Value,
}

impl Api {
    /// Starts a server with `config`.
    pub async fn start(config: ServerConfig) -> Api {
        let server = strata_server::start(config)
            .await
            .unwrap_or_else(|e| panic!("server start: {e}"));
        Api {
            base: server.url().trim_end_matches('/').to_string(),
            server,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .expect("client"),
        }
    }

    /// Sends a request (POST with `body`, else GET) with these headers
    /// (a name given twice is sent twice).
    pub async fn send(&self, path: &str, body: Option<Value>, headers: &[(&str, &str)]) -> Reply {
        let url = format!("{}{path}", self.base);
        let mut req = match &body {
            Some(b) => self.http.post(&url).json(b),
            None => self.http.get(&url),
        };
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        Reply {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        }
    }

    /// `/load` of `query` with these headers.
    pub async fn load_with(&self, query: &Value, headers: &[(&str, &str)]) -> Reply {
        self.send(
            "/cubejs-api/v1/load",
            Some(json!({ "query": query })),
            headers,
        )
        .await
    }

    /// `/load` of `query` with `token`.
    pub async fn load(&self, token: &str, query: &Value) -> Reply {
        self.load_with(query, &[("Authorization", token)]).await
    }
}
