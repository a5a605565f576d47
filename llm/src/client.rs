//! An OpenAI-compatible chat-completions client: configuration, timeouts and
//! retries with exponential backoff.
//!
//! Any endpoint that speaks `POST {base}/chat/completions` serves: OpenAI,
//! LiteLLM, vLLM, Ollama (`http://localhost:11434/v1`). Requests and answers
//! are raw JSON (async-openai's "bring your own types"), so strict
//! `response_format` json_schema and tool definitions go out exactly as
//! written and nothing the endpoint returns can fail to deserialize.

use std::time::Duration;

use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use serde_json::Value;

/// Environment variable with the endpoint's base URL (`https://api.openai.com/v1`).
pub const ENV_BASE_URL: &str = "STRATA_LLM_BASE_URL";
/// Environment variable with the model name (`gpt-4o-mini`, `llama3.1`...).
pub const ENV_MODEL: &str = "STRATA_LLM_MODEL";
/// Environment variable with the API key (optional for local endpoints).
pub const ENV_API_KEY: &str = "STRATA_LLM_API_KEY";
/// Environment variable with the per-request timeout in seconds.
pub const ENV_TIMEOUT_SECS: &str = "STRATA_LLM_TIMEOUT_SECS";
/// Environment variable with the number of transport retries.
pub const ENV_MAX_RETRIES: &str = "STRATA_LLM_MAX_RETRIES";
/// Environment variable with the number of repair rounds.
pub const ENV_MAX_REPAIRS: &str = "STRATA_LLM_MAX_REPAIRS";

/// The model used when `STRATA_LLM_MODEL` is not set.
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";

/// Where the LLM is and how patiently to talk to it.
#[derive(Clone, PartialEq, Eq)]
pub struct LlmConfig {
    /// Base URL up to and including the API version (`http://localhost:4000/v1`);
    /// `/chat/completions` is appended.
    pub base_url: String,
    /// Model name sent with every request.
    pub model: String,
    /// Bearer token, if the endpoint wants one.
    pub api_key: Option<String>,
    /// Limit for one HTTP request, connection to last byte.
    pub timeout: Duration,
    /// How many times a request that timed out, could not connect, or got a
    /// 5xx or 429 answer is sent again.
    pub max_retries: u32,
    /// Delay before the first retry; each further retry waits twice as long
    /// (capped at [`LlmConfig::MAX_BACKOFF`]).
    pub backoff: Duration,
    /// How many times an invalid answer is sent back with its errors.
    pub max_repairs: u32,
}

impl std::fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmConfig")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("backoff", &self.backoff)
            .field("max_repairs", &self.max_repairs)
            .finish()
    }
}

impl LlmConfig {
    /// Default per-request timeout.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default number of transport retries.
    pub const DEFAULT_MAX_RETRIES: u32 = 2;
    /// Default number of repair rounds.
    pub const DEFAULT_MAX_REPAIRS: u32 = 2;
    /// Default delay before the first retry.
    pub const DEFAULT_BACKOFF: Duration = Duration::from_millis(500);
    /// The longest wait between two retries.
    pub const MAX_BACKOFF: Duration = Duration::from_secs(8);

    /// A configuration with the default timeout, retries and repairs.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> LlmConfig {
        LlmConfig {
            base_url: base_url.into().trim().trim_end_matches('/').to_owned(),
            model: model.into(),
            api_key: None,
            timeout: Self::DEFAULT_TIMEOUT,
            max_retries: Self::DEFAULT_MAX_RETRIES,
            backoff: Self::DEFAULT_BACKOFF,
            max_repairs: Self::DEFAULT_MAX_REPAIRS,
        }
    }

    /// The configuration from `STRATA_LLM_*` environment variables; `None`
    /// when `STRATA_LLM_BASE_URL` is unset or empty (no LLM configured).
    pub fn from_env() -> Option<LlmConfig> {
        LlmConfig::from_vars(|name| std::env::var(name).ok())
    }

    /// The configuration from variables looked up by `var` (the environment
    /// in [`LlmConfig::from_env`]). Unparsable numbers keep their defaults.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Option<LlmConfig> {
        let non_empty = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let base_url = non_empty(ENV_BASE_URL)?;
        let model = non_empty(ENV_MODEL).unwrap_or_else(|| DEFAULT_MODEL.to_owned());
        let mut config = LlmConfig::new(base_url, model.trim());
        config.api_key = non_empty(ENV_API_KEY).map(|k| k.trim().to_owned());
        let number = |name: &str| non_empty(name).and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(secs) = number(ENV_TIMEOUT_SECS).filter(|s| *s > 0) {
            config.timeout = Duration::from_secs(secs);
        }
        if let Some(n) = number(ENV_MAX_RETRIES) {
            config.max_retries = n.min(10) as u32;
        }
        if let Some(n) = number(ENV_MAX_REPAIRS) {
            config.max_repairs = n.min(10) as u32;
        }
        Some(config)
    }

    /// The URL requests go to.
    pub fn chat_url(&self) -> String {
        format!("{}/chat/completions", self.base_url)
    }

    /// The wait before retry number `retry` (0-based): `backoff * 2^retry`,
    /// capped at [`LlmConfig::MAX_BACKOFF`].
    pub fn backoff_for(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(16));
        self.backoff
            .checked_mul(factor)
            .unwrap_or(Self::MAX_BACKOFF)
            .min(Self::MAX_BACKOFF)
    }
}

/// Why a chat request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    /// HTTP status, when the endpoint answered.
    pub status: Option<u16>,
    /// What went wrong, for humans.
    pub message: String,
    /// Whether sending the request again may help (timeouts, connection
    /// failures, 5xx, 429).
    pub retryable: bool,
}

impl std::fmt::Display for EndpointError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(status) => write!(f, "HTTP {status}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for EndpointError {}

impl EndpointError {
    /// True when the endpoint refused the request because it does not support
    /// `response_format` json_schema (structured output).
    pub fn rejects_structured_output(&self) -> bool {
        let message = self.message.to_ascii_lowercase();
        matches!(self.status, Some(400 | 404 | 415 | 422 | 501))
            && ["response_format", "json_schema", "structured output"]
                .iter()
                .any(|needle| message.contains(needle))
    }
}

/// Sends chat-completion requests to one configured endpoint.
#[derive(Clone)]
pub struct LlmClient {
    inner: async_openai::Client<OpenAIConfig>,
    config: LlmConfig,
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient")
            .field("config", &self.config)
            .finish()
    }
}

impl LlmClient {
    /// A client for `config`. Fails when the base URL is not an http(s) URL,
    /// the key cannot be sent in a header, or the HTTP client cannot be built.
    pub fn new(config: LlmConfig) -> Result<LlmClient, EndpointError> {
        let invalid = |message: String| EndpointError {
            status: None,
            message,
            retryable: false,
        };
        let url = config.base_url.to_ascii_lowercase();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(invalid(format!(
                "the base URL must be an http:// or https:// URL, got \"{}\"",
                config.base_url
            )));
        }
        let key = config.api_key.clone().unwrap_or_default();
        // async-openai builds the Authorization header with `unwrap()`: make
        // sure it cannot fail.
        if key.chars().any(|c| !(' '..='~').contains(&c)) {
            return Err(invalid(
                "the API key contains characters that cannot be sent in an HTTP header".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()
            .map_err(|e| invalid(format!("cannot build the HTTP client: {e}")))?;
        // Explicit empty organization and project: the defaults would read
        // OPENAI_* variables meant for other programs.
        let openai = OpenAIConfig::new()
            .with_api_base(config.base_url.clone())
            .with_api_key(key)
            .with_org_id("")
            .with_project_id("");
        // A plain transport without async-openai's built-in retry layer: the
        // retries below are the only ones, so `max_retries` means what it says.
        let inner = async_openai::Client::build(http.clone(), openai)
            .with_http_service(async_openai::middleware::ReqwestService::new(http));
        Ok(LlmClient { inner, config })
    }

    /// The configuration.
    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// Sends one chat-completion request (raw JSON; `model` is filled in when
    /// absent) and returns the raw JSON answer. Retryable failures are sent
    /// again after a growing delay, up to `max_retries` times.
    pub async fn chat(&self, request: &Value) -> Result<Value, EndpointError> {
        let mut request = request.clone();
        if let Some(obj) = request.as_object_mut() {
            obj.entry("model")
                .or_insert_with(|| Value::String(self.config.model.clone()));
            obj.insert("stream".into(), Value::Bool(false));
        }
        let mut retry = 0;
        loop {
            let result = self.send_once(&request).await;
            match result {
                Err(e) if e.retryable && retry < self.config.max_retries => {
                    let wait = self.config.backoff_for(retry);
                    tracing::warn!(
                        error = %e,
                        retry = retry + 1,
                        wait_ms = wait.as_millis() as u64,
                        "LLM request failed, retrying"
                    );
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
                Err(mut e) => {
                    if e.retryable {
                        e.message = format!(
                            "{} (gave up after {} attempt{})",
                            e.message,
                            retry + 1,
                            if retry == 0 { "" } else { "s" }
                        );
                    }
                    return Err(e);
                }
                Ok(v) => return Ok(v),
            }
        }
    }

    async fn send_once(&self, request: &Value) -> Result<Value, EndpointError> {
        // The reqwest timeout covers the request; this one also covers a body
        // that trickles in forever.
        let limit = self.config.timeout + Duration::from_millis(250);
        let chat = self.inner.chat();
        let call = chat.create_byot::<&Value, Value>(request);
        match tokio::time::timeout(limit, call).await {
            Err(_) => Err(self.timed_out()),
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => Err(self.classify(e)),
        }
    }

    fn timed_out(&self) -> EndpointError {
        EndpointError {
            status: None,
            message: format!(
                "no answer from {} within {:?}",
                self.config.chat_url(),
                self.config.timeout
            ),
            retryable: true,
        }
    }

    fn classify(&self, error: OpenAIError) -> EndpointError {
        match error {
            OpenAIError::Reqwest(e) if e.is_timeout() => self.timed_out(),
            OpenAIError::Reqwest(e) => EndpointError {
                status: e.status().map(|s| s.as_u16()),
                message: format!(
                    "cannot reach {}: {}",
                    self.config.chat_url(),
                    error_chain(&e)
                ),
                retryable: e.is_connect()
                    || e.is_request()
                    || e.is_body()
                    || e.status()
                        .is_some_and(|s| s.is_server_error() || s.as_u16() == 429),
            },
            OpenAIError::ApiError(api) => {
                let status = api.status_code.as_u16();
                // OpenAI answers 429 both for rate limits (worth waiting for)
                // and for an exhausted quota (not).
                let quota = api.api_error.code.as_deref() == Some("insufficient_quota")
                    || api.api_error.r#type.as_deref() == Some("insufficient_quota");
                EndpointError {
                    status: Some(status),
                    message: clip(&api.api_error.to_string(), 500),
                    retryable: status >= 500 || status == 408 || (status == 429 && !quota),
                }
            }
            // A 4xx whose body was not an OpenAI error object, or a 2xx whose
            // body was not JSON.
            OpenAIError::JSONDeserialize(e, body) => EndpointError {
                status: None,
                message: format!("unreadable answer ({e}): {}", clip(&body, 300)),
                retryable: false,
            },
            other => EndpointError {
                status: None,
                message: clip(&other.to_string(), 500),
                retryable: false,
            },
        }
    }
}

/// The error and its sources, joined (reqwest hides the useful part in them).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// At most `max` characters of `s`, with an ellipsis when cut.
pub(crate) fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn no_base_url_means_no_llm() {
        assert!(LlmConfig::from_vars(vars(&[])).is_none());
        assert!(LlmConfig::from_vars(vars(&[(ENV_BASE_URL, "  ")])).is_none());
    }

    #[test]
    fn reads_every_setting() {
        let c = LlmConfig::from_vars(vars(&[
            (ENV_BASE_URL, "http://localhost:11434/v1/"),
            (ENV_MODEL, "llama3.1"),
            (ENV_API_KEY, "sk-test"),
            (ENV_TIMEOUT_SECS, "5"),
            (ENV_MAX_RETRIES, "4"),
            (ENV_MAX_REPAIRS, "1"),
        ]))
        .expect("configured");
        assert_eq!(c.base_url, "http://localhost:11434/v1");
        assert_eq!(c.chat_url(), "http://localhost:11434/v1/chat/completions");
        assert_eq!(c.model, "llama3.1");
        assert_eq!(c.api_key.as_deref(), Some("sk-test"));
        assert_eq!(c.timeout, Duration::from_secs(5));
        assert_eq!((c.max_retries, c.max_repairs), (4, 1));
        assert!(!format!("{c:?}").contains("sk-test"), "key is redacted");
    }

    #[test]
    fn defaults_and_bad_numbers() {
        let c = LlmConfig::from_vars(vars(&[
            (ENV_BASE_URL, "https://api.openai.com/v1"),
            (ENV_TIMEOUT_SECS, "soon"),
        ]))
        .expect("configured");
        assert_eq!(c.model, DEFAULT_MODEL);
        assert_eq!(c.api_key, None);
        assert_eq!(c.timeout, LlmConfig::DEFAULT_TIMEOUT);
        assert_eq!(c.max_retries, 2);
        assert_eq!(c.max_repairs, 2);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let mut c = LlmConfig::new("http://x", "m");
        c.backoff = Duration::from_millis(100);
        assert_eq!(c.backoff_for(0), Duration::from_millis(100));
        assert_eq!(c.backoff_for(1), Duration::from_millis(200));
        assert_eq!(c.backoff_for(3), Duration::from_millis(800));
        assert_eq!(c.backoff_for(40), LlmConfig::MAX_BACKOFF);
    }

    #[test]
    fn rejects_bad_url_and_key() {
        assert!(LlmClient::new(LlmConfig::new("localhost:4000", "m")).is_err());
        let mut c = LlmConfig::new("http://localhost:4000", "m");
        c.api_key = Some("bad\nkey".into());
        assert!(LlmClient::new(c).is_err());
    }

    #[test]
    fn recognises_missing_structured_output() {
        let e = |status, message: &str| EndpointError {
            status: Some(status),
            message: message.into(),
            retryable: false,
        };
        assert!(e(400, "response_format json_schema is not supported").rejects_structured_output());
        assert!(e(422, "Unknown field: json_schema").rejects_structured_output());
        assert!(!e(400, "bad model").rejects_structured_output());
        assert!(!e(500, "response_format crashed").rejects_structured_output());
    }

    #[test]
    fn clip_cuts_on_characters() {
        assert_eq!(clip("héllo", 2), "hé…");
        assert_eq!(clip("abc", 3), "abc");
    }
}
