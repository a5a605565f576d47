//! Questions to queries through an LLM: ask with structured output, validate,
//! repair, and fail clearly.
//!
//! The request carries a strict JSON Schema whose member fields are enums of
//! the catalog ([`crate::constrain`]). Endpoints without `response_format`
//! json_schema get the same schema as the parameters of a forced tool call;
//! the translator remembers that and asks that way from then on. Every answer
//! is validated against the catalog and planned by the engine
//! ([`crate::validate`]); an invalid one is sent back with its errors, a
//! bounded number of times. Nothing the endpoint returns is trusted, and no
//! query leaves here that the engine did not accept.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use serde_json::{json, Value};
use strata_engine::Engine;

use crate::catalog::Catalog;
use crate::client::{clip, LlmClient, LlmConfig};
use crate::constrain::{query_schema, response_format, tool_call};
use crate::error::LlmError;
use crate::prompt::{messages, repair_message, Example};
use crate::translation::Translation;
use crate::validate::{parse_answer, validate_answer};

/// Longest question sent (characters); the rest is cut.
pub const MAX_QUESTION_CHARS: usize = 2_000;
/// Longest invalid answer echoed back in a repair round (characters).
const MAX_ECHO_CHARS: usize = 4_000;

/// Translates questions with an OpenAI-compatible LLM.
#[derive(Debug)]
pub struct LlmTranslator {
    client: LlmClient,
    /// Set once the endpoint refused `response_format` json_schema.
    tool_calling: AtomicBool,
}

impl LlmTranslator {
    /// A translator for the endpoint `config` describes.
    pub fn new(config: LlmConfig) -> Result<LlmTranslator, LlmError> {
        let client = LlmClient::new(config).map_err(LlmError::Endpoint)?;
        Ok(LlmTranslator {
            client,
            tool_calling: AtomicBool::new(false),
        })
    }

    /// A translator configured from `STRATA_LLM_*` variables; `Ok(None)` when
    /// no endpoint is configured.
    pub fn from_env() -> Result<Option<LlmTranslator>, LlmError> {
        LlmConfig::from_env().map(LlmTranslator::new).transpose()
    }

    /// The configuration in use.
    pub fn config(&self) -> &LlmConfig {
        self.client.config()
    }

    /// True once the endpoint turned out not to support structured output and
    /// requests use a forced tool call instead.
    pub fn uses_tool_calling(&self) -> bool {
        self.tool_calling.load(Ordering::Relaxed)
    }

    /// Turns `question` into a query over `catalog`'s members that `engine`
    /// plans. `previous` is the last translation of the conversation (for
    /// follow-ups); `today` anchors relative dates in the prompt.
    ///
    /// Fails with [`LlmError::Endpoint`] when the endpoint cannot be reached
    /// or keeps failing, and with [`LlmError::InvalidAnswer`] when its answers
    /// stay invalid after `max_repairs` repair rounds.
    pub async fn translate(
        &self,
        engine: &Engine,
        catalog: &Catalog,
        question: &str,
        previous: Option<&Translation>,
        today: NaiveDate,
    ) -> Result<Translation, LlmError> {
        self.translate_with_examples(engine, catalog, question, previous, &[], today)
            .await
    }

    /// [`LlmTranslator::translate`], showing the LLM `examples`: questions
    /// and the queries people approved for them.
    pub async fn translate_with_examples(
        &self,
        engine: &Engine,
        catalog: &Catalog,
        question: &str,
        previous: Option<&Translation>,
        examples: &[Example],
        today: NaiveDate,
    ) -> Result<Translation, LlmError> {
        let question = question.trim();
        if question.is_empty() {
            return Err(LlmError::NotUnderstood("the question is empty".into()));
        }
        // Requests to change data or for secrets are refused before any
        // model sees them, whatever members their words match.
        if let Some(why) = crate::offline::guard::refusal(question) {
            return Err(LlmError::NotUnderstood(why));
        }
        if catalog.members().is_empty() {
            return Err(LlmError::NotUnderstood(
                "there is nothing to ask about: no members are available".into(),
            ));
        }
        let question = clip(question, MAX_QUESTION_CHARS);
        let schema = query_schema(catalog);
        let mut conversation = messages(catalog, &question, previous, examples, today);
        let max_attempts = self.config().max_repairs.saturating_add(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let response = self.ask(&conversation, &schema).await?;
            let (raw, result) = match answer_text(&response) {
                Ok(text) => {
                    let result = parse_answer(&text)
                        .map_err(|e| vec![e])
                        .and_then(|answer| validate_answer(engine, catalog, &answer));
                    (text, result)
                }
                Err(e) => (String::new(), Err(vec![e])),
            };
            let errors = match result {
                Ok(translation) => {
                    tracing::debug!(attempt, query = ?translation.query, "LLM answer accepted");
                    // A value the data lacks would answer an empty or
                    // broader question: ask back, as the offline parser does.
                    if let Some((message, clarification)) =
                        crate::offline::guard::unknown_filter_value(
                            catalog,
                            &translation.query,
                            &question,
                        )
                    {
                        return Err(LlmError::NeedsClarification {
                            message,
                            clarification,
                        });
                    }
                    return Ok(translation);
                }
                Err(errors) => errors,
            };
            tracing::info!(attempt, ?errors, "LLM answer rejected");
            if attempt >= max_attempts {
                return Err(LlmError::InvalidAnswer {
                    attempts: attempt,
                    last_error: errors.join("; "),
                });
            }
            let echoed = if raw.trim().is_empty() {
                "(no answer)".to_owned()
            } else {
                clip(&raw, MAX_ECHO_CHARS)
            };
            conversation.push(json!({"role": "assistant", "content": echoed}));
            conversation.push(json!({"role": "user", "content": repair_message(&errors)}));
        }
    }

    /// One round trip: structured output unless the endpoint refused it, then
    /// a forced tool call.
    async fn ask(&self, conversation: &[Value], schema: &Value) -> Result<Value, LlmError> {
        let endpoint = LlmError::Endpoint;
        if !self.uses_tool_calling() {
            let request = json!({
                "messages": conversation,
                "response_format": response_format(schema),
            });
            match self.client.chat(&request).await {
                Ok(response) => return Ok(response),
                Err(e) if e.rejects_structured_output() => {
                    tracing::warn!(
                        error = %e,
                        "LLM endpoint has no json_schema structured output; using tool calling"
                    );
                    self.tool_calling.store(true, Ordering::Relaxed);
                }
                Err(e) => return Err(endpoint(e)),
            }
        }
        let (tools, tool_choice) = tool_call(schema);
        let request = json!({
            "messages": conversation,
            "tools": tools,
            "tool_choice": tool_choice,
        });
        self.client.chat(&request).await.map_err(endpoint)
    }
}

/// The answer's text: the first tool call's arguments, else the message
/// content. An error (sent back for repair) when there is neither.
pub fn answer_text(response: &Value) -> Result<String, String> {
    let Some(message) = response.pointer("/choices/0/message") else {
        return Err(format!(
            "the endpoint's response has no choices[0].message: {}",
            clip(&response.to_string(), 200)
        ));
    };
    if let Some(args) = message.pointer("/tool_calls/0/function/arguments") {
        return match args {
            Value::String(s) => Ok(s.clone()),
            // Some servers (Ollama's native API) give the arguments as JSON.
            Value::Object(_) => Ok(args.to_string()),
            other => Err(format!(
                "the tool call's arguments are not a JSON object: {}",
                clip(&other.to_string(), 200)
            )),
        };
    }
    if let Some(content) = message
        .get("content")
        .and_then(Value::as_str)
        .filter(|c| !c.trim().is_empty())
    {
        return Ok(content.to_owned());
    }
    if let Some(refusal) = message.get("refusal").and_then(Value::as_str) {
        return Err(format!("the model refused: {}", clip(refusal, 300)));
    }
    Err("the answer was empty: answer with the JSON object".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_text_prefers_tool_arguments() {
        let r = json!({"choices": [{"message": {"content": "x",
            "tool_calls": [{"function": {"name": "run_query", "arguments": "{\"a\":1}"}}]}}]});
        assert_eq!(answer_text(&r), Ok("{\"a\":1}".to_owned()));
        let r = json!({"choices": [{"message": {
            "tool_calls": [{"function": {"arguments": {"a": 1}}}]}}]});
        assert_eq!(answer_text(&r), Ok("{\"a\":1}".to_owned()));
    }

    #[test]
    fn answer_text_handles_odd_responses() {
        let content = json!({"choices": [{"message": {"content": "{}"}}]});
        assert_eq!(answer_text(&content), Ok("{}".to_owned()));
        let refusal = json!({"choices": [{"message": {"content": null, "refusal": "no"}}]});
        assert!(answer_text(&refusal)
            .expect_err("refusal")
            .contains("refused"));
        assert!(answer_text(&json!({})).is_err());
        assert!(answer_text(&json!({"choices": []})).is_err());
        assert!(answer_text(&json!({"choices": [{"message": {"content": "  "}}]})).is_err());
    }

    #[tokio::test]
    async fn empty_question_or_catalog_is_refused_without_a_request() {
        // Port 9 (discard) on localhost: nothing may be sent there.
        let translator =
            LlmTranslator::new(LlmConfig::new("http://127.0.0.1:9/v1", "m")).expect("client");
        let model = strata_demo::model().expect("demo model compiles");
        let catalog = Catalog::from_model(&model);
        let engine = Engine::new(std::sync::Arc::new(model), None);
        let today = NaiveDate::from_ymd_opt(2024, 6, 1).expect("date");
        let e = translator
            .translate(&engine, &catalog, "  ", None, today)
            .await
            .expect_err("empty");
        assert!(matches!(e, LlmError::NotUnderstood(_)));
        let e = translator
            .translate(&engine, &Catalog::default(), "how many orders", None, today)
            .await
            .expect_err("nothing allowed");
        assert!(e.to_string().contains("no members are available"));
    }
}
