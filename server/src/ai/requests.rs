//! The JSON bodies of the AI analytics routes, read into typed requests;
//! every mistake is a 400 saying what is wrong.

use serde_json::{Map, Value};
use strata_analyst::{ConversationId, FeedbackRequest, Rating, MAX_QUESTION_CHARS};
use strata_engine::Query;
use strata_llm::ChartType;

use crate::error::ApiError;

/// A parsed `POST /ai-analytics/query` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskRequest {
    /// `naturalLanguageQuery`, trimmed.
    pub question: String,
    /// `conversationId`: the conversation a follow-up continues.
    pub conversation_id: Option<ConversationId>,
}

/// A parsed `POST /ai-analytics/chart` body.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartRequest {
    /// `query`: a Cube query.
    pub query: Query,
    /// `chartType`: the chart wanted.
    pub chart_type: Option<ChartType>,
    /// `conversationId`: the conversation to record the answer in.
    pub conversation_id: Option<ConversationId>,
}

fn bad(message: &str) -> ApiError {
    ApiError::bad_request(message)
}

/// The body as a JSON object; `example` shows what to send.
fn object(body: &[u8], example: &str) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(bad(&format!("The request body is empty: send {example}")));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| bad(&format!("Invalid request body: not JSON ({e})")))?;
    match value {
        Value::Object(fields) => Ok(fields),
        _ => Err(bad(&format!(
            "Invalid request body: expected a JSON object like {example}"
        ))),
    }
}

/// `conversationId`: absent, null or blank is none.
fn conversation_id(fields: &Map<String, Value>) -> Result<Option<ConversationId>, ApiError> {
    match fields.get("conversationId") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(ConversationId::from(s.trim()))),
        Some(_) => Err(bad("conversationId must be a string")),
    }
}

/// A Cube query in `field`; a mistake names its path.
fn query(fields: &Map<String, Value>, field: &str) -> Result<Option<Query>, ApiError> {
    match fields.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v @ Value::Object(_)) => Query::from_json(v)
            .map(Some)
            .map_err(|e| bad(&format!("{field} is not a valid query: {e}"))),
        Some(_) => Err(bad(&format!("{field} must be a query object"))),
    }
}

impl AskRequest {
    /// Parses the JSON body.
    pub fn from_body(body: &[u8]) -> Result<AskRequest, ApiError> {
        let fields = object(body, "{\"naturalLanguageQuery\": \"...\"}")?;
        let question = match fields.get("naturalLanguageQuery") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
            None | Some(Value::Null) | Some(Value::String(_)) => {
                return Err(bad("naturalLanguageQuery is required: ask a question"))
            }
            Some(_) => return Err(bad("naturalLanguageQuery must be a string")),
        };
        if question.chars().count() > MAX_QUESTION_CHARS {
            return Err(bad(&format!(
                "naturalLanguageQuery is too long (at most {MAX_QUESTION_CHARS} characters)"
            )));
        }
        Ok(AskRequest {
            question,
            conversation_id: conversation_id(&fields)?,
        })
    }
}

impl ChartRequest {
    /// Parses the JSON body.
    pub fn from_body(body: &[u8]) -> Result<ChartRequest, ApiError> {
        let fields = object(body, "{\"query\": {\"measures\": [...]}}")?;
        let query =
            query(&fields, "query")?.ok_or_else(|| bad("query is required: send a Cube query"))?;
        let chart_type = match fields.get("chartType") {
            None | Some(Value::Null) => None,
            Some(v @ Value::String(name)) => Some(
                serde_json::from_value::<ChartType>(v.clone())
                    .map_err(|_| bad(&format!("chartType {name:?} is not a chart type (line, bar, area, pie, scatter, heatmap, number, gauge, table)")))?,
            ),
            Some(_) => return Err(bad("chartType must be a string")),
        };
        Ok(ChartRequest {
            query,
            chart_type,
            conversation_id: conversation_id(&fields)?,
        })
    }
}

/// Parses a `POST /ai-analytics/feedback` body.
pub fn feedback_from_body(body: &[u8]) -> Result<FeedbackRequest, ApiError> {
    let fields = object(
        body,
        "{\"conversationId\": \"...\", \"turn\": 1, \"rating\": \"up\"}",
    )?;
    let conversation =
        conversation_id(&fields)?.ok_or_else(|| bad("conversationId is required"))?;
    let turn = match fields.get("turn") {
        Some(Value::Number(n)) => n
            .as_u64()
            .filter(|n| *n >= 1)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| bad("turn must be a whole number from 1"))?,
        None | Some(Value::Null) => return Err(bad("turn is required (1 for the first)")),
        Some(_) => return Err(bad("turn must be a whole number from 1")),
    };
    let rating = match fields.get("rating") {
        Some(Value::String(s)) => s.parse::<Rating>().map_err(|e| bad(&e))?,
        None | Some(Value::Null) => return Err(bad("rating is required: \"up\" or \"down\"")),
        Some(_) => return Err(bad("rating must be \"up\" or \"down\"")),
    };
    Ok(FeedbackRequest {
        conversation,
        turn,
        rating,
        corrected_query: query(&fields, "correctedQuery")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn refused(result: Result<impl std::fmt::Debug, ApiError>, needle: &str) {
        let e = result.expect_err("refused");
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(e.message.contains(needle), "{}: {}", needle, e.message);
    }

    #[test]
    fn ask_bodies() {
        let r = AskRequest::from_body(br#"{"naturalLanguageQuery": "  orders by month "}"#)
            .expect("valid");
        assert_eq!(r.question, "orders by month");
        assert_eq!(r.conversation_id, None);
        let r = AskRequest::from_body(
            br#"{"naturalLanguageQuery": "by week", "conversationId": "abc", "extra": 1}"#,
        )
        .expect("valid");
        assert_eq!(r.conversation_id, Some(ConversationId::from("abc")));

        let long = format!(
            r#"{{"naturalLanguageQuery": "{}"}}"#,
            "a".repeat(MAX_QUESTION_CHARS + 1)
        );
        for (body, needle) in [
            (&b""[..], "empty"),
            (b"{not json", "not JSON"),
            (b"[1]", "JSON object"),
            (b"{}", "required"),
            (br#"{"naturalLanguageQuery": "  "}"#, "required"),
            (br#"{"naturalLanguageQuery": 5}"#, "must be a string"),
            (
                br#"{"naturalLanguageQuery": "x", "conversationId": 7}"#,
                "conversationId",
            ),
            (long.as_bytes(), "too long"),
        ] {
            refused(AskRequest::from_body(body), needle);
        }
    }

    #[test]
    fn chart_bodies() {
        let r = ChartRequest::from_body(
            br#"{"query": {"measures": ["Orders.count"]}, "chartType": "bar"}"#,
        )
        .expect("valid");
        assert_eq!(r.chart_type, Some(ChartType::Bar));
        assert_eq!(r.query.measures, ["Orders.count"]);
        for (body, needle) in [
            (&b"{}"[..], "query is required"),
            (br#"{"query": 3}"#, "must be a query object"),
            (
                br#"{"query": {"measures": 3}}"#,
                "query is not a valid query",
            ),
            (
                br#"{"query": {"measures": []}, "chartType": "radar"}"#,
                "not a chart type",
            ),
        ] {
            refused(ChartRequest::from_body(body), needle);
        }
    }

    #[test]
    fn feedback_bodies() {
        let r = feedback_from_body(
            br#"{"conversationId": "c", "turn": 2, "rating": "down",
                 "correctedQuery": {"measures": ["Orders.count"]}}"#,
        )
        .expect("valid");
        assert_eq!((r.turn, r.rating), (2, Rating::Down));
        assert!(r.corrected_query.is_some());
        for (body, needle) in [
            (&br#"{"turn": 1, "rating": "up"}"#[..], "conversationId is required"),
            (br#"{"conversationId": "c", "rating": "up"}"#, "turn is required"),
            (br#"{"conversationId": "c", "turn": 0, "rating": "up"}"#, "from 1"),
            (br#"{"conversationId": "c", "turn": 1.5, "rating": "up"}"#, "from 1"),
            (br#"{"conversationId": "c", "turn": 1, "rating": "meh"}"#, "\"up\" or \"down\""),
            (
                br#"{"conversationId": "c", "turn": 1, "rating": "up", "correctedQuery": {"measures": 1}}"#,
                "correctedQuery is not a valid query",
            ),
        ] {
            refused(feedback_from_body(body), needle);
        }
    }
}
