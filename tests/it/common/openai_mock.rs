//! A scripted OpenAI-compatible endpoint: a real HTTP server on 127.0.0.1
//! answering `POST /v1/chat/completions` (and `/chat/completions`) with the
//! replies it was given, in order, and recording every request it got.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

/// One scripted reply.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A JSON body with a status.
    Json(u16, Value),
    /// A raw text body with a status.
    Text(u16, String),
    /// Wait, then send the inner reply (the client may have given up by then).
    Delay(Duration, Box<Reply>),
}

impl Reply {
    /// A 200 chat completion whose message content is `content`.
    pub fn content(content: &str) -> Reply {
        Reply::Json(
            200,
            json!({
                "id": "chatcmpl-mock",
                "object": "chat.completion",
                "created": 1_700_000_000,
                "model": "mock-model",
                "choices": [{
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": null},
                    "finish_reason": "stop",
                }],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }),
        )
    }

    /// A 200 chat completion whose content is `answer` serialized.
    pub fn answer(answer: &Value) -> Reply {
        Reply::content(&answer.to_string())
    }

    /// A 200 chat completion calling tool `run_query` with `answer` as arguments.
    pub fn tool_call(answer: &Value) -> Reply {
        Reply::Json(
            200,
            json!({
                "id": "chatcmpl-mock",
                "object": "chat.completion",
                "created": 1_700_000_000,
                "model": "mock-model",
                "choices": [{
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": null,
                        "tool_calls": [{
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "run_query", "arguments": answer.to_string()},
                        }],
                    },
                    "finish_reason": "tool_calls",
                }],
            }),
        )
    }

    /// An OpenAI-style error object with `status`.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply::Json(
            status,
            json!({"error": {"message": message, "type": "invalid_request_error",
                             "param": null, "code": null}}),
        )
    }

    /// `reply`, sent after `delay`.
    pub fn delayed(delay: Duration, reply: Reply) -> Reply {
        Reply::Delay(delay, Box::new(reply))
    }
}

/// A request the mock received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Request path (`/v1/chat/completions`).
    pub path: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The body as JSON (a JSON string holding the raw text when it was not JSON).
    pub body: Value,
}

impl Recorded {
    /// The JSON Schema the request constrained the answer with: from
    /// `response_format`, or from the first tool's parameters.
    pub fn schema(&self) -> Option<&Value> {
        self.body
            .pointer("/response_format/json_schema/schema")
            .or_else(|| self.body.pointer("/tools/0/function/parameters"))
    }

    /// The messages sent.
    pub fn messages(&self) -> &[Value] {
        self.body
            .get("messages")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The content of the last message.
    pub fn last_message(&self) -> &str {
        self.messages()
            .last()
            .and_then(|m| m.get("content"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// True when the request used the tool-calling form.
    pub fn uses_tools(&self) -> bool {
        self.body.get("tools").is_some()
    }
}

#[derive(Default)]
struct Shared {
    script: VecDeque<Reply>,
    requests: Vec<Recorded>,
}

/// The running mock; the server stops when this is dropped.
pub struct OpenAiMock {
    addr: std::net::SocketAddr,
    shared: Arc<Mutex<Shared>>,
    server: tokio::task::JoinHandle<()>,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

impl OpenAiMock {
    /// Starts a mock that gives `script`'s replies in order (a 500 "script
    /// exhausted" error after the last).
    pub async fn start(script: Vec<Reply>) -> OpenAiMock {
        let shared = Arc::new(Mutex::new(Shared {
            script: script.into(),
            requests: Vec::new(),
        }));
        let app = Router::new()
            .route("/v1/chat/completions", post(chat))
            .route("/chat/completions", post(chat))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the mock LLM endpoint");
        let addr = listener.local_addr().expect("mock address");
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        OpenAiMock {
            addr,
            shared,
            server,
        }
    }

    /// The base URL to configure (`http://127.0.0.1:PORT/v1`).
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared).requests.clone()
    }

    /// Replies not sent yet.
    pub fn remaining(&self) -> usize {
        lock(&self.shared).script.len()
    }
}

impl Drop for OpenAiMock {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn chat(
    State(shared): State<Arc<Mutex<Shared>>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    let reply = {
        let mut s = lock(&shared);
        s.requests.push(Recorded {
            path: uri.path().to_owned(),
            authorization: headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body,
        });
        s.script.pop_front()
    };
    let mut reply = reply.unwrap_or_else(|| Reply::error(500, "mock script exhausted"));
    while let Reply::Delay(delay, inner) = reply {
        tokio::time::sleep(delay).await;
        reply = *inner;
    }
    match reply {
        Reply::Json(status, body) => (status_code(status), axum::Json(body)).into_response(),
        Reply::Text(status, body) => (status_code(status), body).into_response(),
        Reply::Delay(..) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A complete, valid structured answer for the demo model ("orders per
/// month by channel in the first half of 2024"), with `overrides` replacing
/// fields.
pub fn scripted_answer(overrides: Value) -> Value {
    let mut a = json!({
        "intent": "trend",
        "measures": ["Orders.count"],
        "dimensions": ["Orders.channel"],
        "segments": [],
        "timeDimension": {"dimension": "Orders.created_at", "granularity": "month",
                          "dateRange": "from 2024-01-01 to 2024-06-30"},
        "filters": [],
        "order": [{"member": "Orders.count", "direction": "desc"}],
        "limit": 100,
        "chart": null,
        "unmatched": [],
    });
    if let (Some(a), Some(o)) = (a.as_object_mut(), overrides.as_object()) {
        for (k, v) in o {
            a.insert(k.clone(), v.clone());
        }
    }
    a
}
