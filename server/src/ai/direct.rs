//! `POST /ai-analytics/chart`: a Cube query given directly (edited by hand,
//! built in a schema browser, or re-run as another chart type) answered
//! like a question, with data, chart and insights, in a conversation.

use axum::http::StatusCode;
use serde_json::{json, Map, Value};
use strata_engine::Query;
use strata_llm::{ChartType, Intent, Translation};

use super::conversations::Owner;
use super::guard::outside_catalog;
use super::service::{answer, answered, conversation_of, record};
use crate::error::ApiError;
use crate::state::AppState;
use crate::tenancy::Caller;

/// A parsed `POST /ai-analytics/chart` body.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartRequest {
    /// `query`: the Cube query to run.
    pub query: Query,
    /// `chartType`: the chart wanted, when it can show the data.
    pub chart_type: Option<ChartType>,
    /// `conversationId`: the conversation to record the answer in (a new
    /// one when absent).
    pub conversation_id: Option<String>,
}

impl ChartRequest {
    /// Parses the JSON body; every mistake is a 400 saying what is wrong.
    pub fn from_body(body: &[u8]) -> Result<ChartRequest, ApiError> {
        let bad = |m: String| ApiError::bad_request(m);
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| bad(format!("Invalid request body: not JSON ({e})")))?;
        let Value::Object(fields) = value else {
            return Err(bad(
                "Invalid request body: expected a JSON object with `query`".to_owned(),
            ));
        };
        let query = match fields.get("query") {
            Some(q @ Value::Object(_)) => {
                Query::from_json(q).map_err(|e| bad(format!("Invalid query: {e}")))?
            }
            None | Some(Value::Null) => {
                return Err(bad("query is required: send {\"query\": {...}}".to_owned()))
            }
            Some(_) => return Err(bad("query must be a JSON object".to_owned())),
        };
        let chart_type = match fields.get("chartType") {
            None | Some(Value::Null) => None,
            Some(v) => Some(serde_json::from_value::<ChartType>(v.clone()).map_err(|_| {
                bad(format!(
                    "chartType {v} is not one of: {}",
                    strata_llm::chart::CHART_TYPES
                        .map(ChartType::as_str)
                        .join(", ")
                ))
            })?),
        };
        let conversation_id = match fields.get("conversationId") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(s.trim().to_owned()),
            Some(_) => return Err(bad("conversationId must be a string".to_owned())),
        };
        Ok(ChartRequest {
            query,
            chart_type,
            conversation_id,
        })
    }
}

/// What a query asks for, read from its shape (there is no question).
fn intent_of(query: &Query) -> Intent {
    let td = query.time_dimensions.iter();
    if td.clone().any(|t| t.compare_date_range.is_some()) {
        Intent::Comparison
    } else if td.clone().any(|t| t.granularity.is_some()) {
        Intent::Trend
    } else if query.dimensions.is_empty() {
        Intent::Metric
    } else if query.limit.is_some() && query.order.is_some() {
        Intent::TopN
    } else {
        Intent::Distribution
    }
}

/// A short description of the query, recorded as the turn's question:
/// `Query: Orders.count, Orders.revenue by Orders.status`.
fn describe(query: &Query) -> String {
    let by: Vec<String> = query
        .dimensions
        .iter()
        .cloned()
        .chain(query.time_dimensions.iter().filter_map(|t| {
            t.granularity
                .map(|g| format!("{} by {}", t.dimension, g.as_str()))
        }))
        .collect();
    let mut text = format!("Query: {}", query.measures.join(", "));
    if !by.is_empty() {
        text.push_str(&format!(" by {}", by.join(", ")));
    }
    text
}

/// Runs `request` for `caller`. A query outside the caller's grant, or one
/// that cannot be planned, is a 400 naming the problem.
pub async fn run(
    state: &AppState,
    caller: &Caller,
    request: ChartRequest,
) -> Result<(StatusCode, Value), ApiError> {
    let ai = state.ai();
    let owner = Owner::of(caller);
    let existing = conversation_of(ai, &owner, request.conversation_id.as_deref()).await?;
    let scope = state.scope_for(Some(caller)).await?;
    let entry = ai.catalogs().for_caller(&scope).await;
    let outside = outside_catalog(&entry.catalog, &request.query);
    if !outside.is_empty() {
        return Err(ApiError::bad_request(format!(
            "The query names members that do not exist or that you may not use: {}",
            outside.join(", ")
        )));
    }
    let question = describe(&request.query);
    let translation = Translation {
        intent: intent_of(&request.query),
        query: request.query,
        chart: request.chart_type,
        unmatched: Vec::new(),
    };
    let a = match answer(&scope, &entry.catalog, translation).await? {
        Ok(a) => a,
        Err(refusal) => return Err(ApiError::bad_request(refusal.message)),
    };
    let mut body = Map::new();
    body.insert("naturalLanguageQuery".into(), json!(question));
    let turn = answered(&question, a, state.plugins(), &mut body);
    body.insert("translator".into(), json!("query"));
    record(ai, &owner, existing, turn, &mut body).await?;
    Ok((StatusCode::OK, Value::Object(body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        let r = ChartRequest::from_body(
            br#"{"query": {"measures": ["Orders.count"], "dimensions": ["Orders.status"]},
                 "chartType": "pie", "conversationId": "c1"}"#,
        )
        .expect("valid");
        assert_eq!(r.chart_type, Some(ChartType::Pie));
        assert_eq!(r.conversation_id.as_deref(), Some("c1"));
        assert_eq!(intent_of(&r.query), Intent::Distribution);
        assert_eq!(describe(&r.query), "Query: Orders.count by Orders.status");
        for (body, needle) in [
            (&b"nope"[..], "not JSON"),
            (b"{}", "query is required"),
            (br#"{"query": 1}"#, "must be a JSON object"),
            (br#"{"query": {"measures": "x"}}"#, "Invalid query"),
            (br#"{"query": {}, "chartType": "donut"}"#, "is not one of"),
            (br#"{"query": {}, "conversationId": 3}"#, "conversationId"),
        ] {
            let e = ChartRequest::from_body(body).expect_err("refused");
            assert_eq!(e.status, StatusCode::BAD_REQUEST);
            assert!(e.message.contains(needle), "{needle}: {}", e.message);
        }
    }
}
