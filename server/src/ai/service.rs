//! Answering one question: translate it (LLM or offline parser, refining the
//! conversation's last query for a follow-up), check it against the caller's
//! catalog, run it as the caller, and shape data, chart and insights into the
//! response; then record the turn.

use axum::http::StatusCode;
use chrono::NaiveDate;
use serde_json::{json, Map, Value};
use strata_engine::{CacheMode, CachedLoad, Engine, LoadResult, QueryRequest, QueryType};
use strata_llm::offline::OfflineParser;
use strata_llm::{chart, insights, Catalog, Clarification, LlmError, ResultTable, Translation};
use strata_schema::MemberKind;

use super::conversations::{now, Conversation, Owner, StoredChart, Turn};
use super::guard::outside_catalog;
use super::AiService;
use crate::error::{engine_status, ApiError};
use crate::scope::QueryScope;
use crate::state::AppState;
use crate::tenancy::Caller;

/// Longest question accepted (characters).
pub const MAX_QUESTION_CHARS: usize = 2_000;

/// Most member names listed in a refusal's `availableMembers`, per kind.
const MAX_LISTED_MEMBERS: usize = 40;

/// A parsed `POST /ai-analytics/query` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskRequest {
    /// `naturalLanguageQuery`, trimmed.
    pub question: String,
    /// `conversationId`: the conversation a follow-up continues.
    pub conversation_id: Option<String>,
}

impl AskRequest {
    /// Parses the JSON body; every mistake is a 400 saying what is wrong.
    pub fn from_body(body: &[u8]) -> Result<AskRequest, ApiError> {
        let bad = |m: &str| ApiError::bad_request(m);
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(bad(
                "The request body is empty: send {\"naturalLanguageQuery\": \"...\"}",
            ));
        }
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| bad(&format!("Invalid request body: not JSON ({e})")))?;
        let Value::Object(fields) = value else {
            return Err(bad(
                "Invalid request body: expected a JSON object with `naturalLanguageQuery`",
            ));
        };
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
        let conversation_id = match fields.get("conversationId") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(s.trim().to_owned()),
            Some(_) => return Err(bad("conversationId must be a string")),
        };
        Ok(AskRequest {
            question,
            conversation_id,
        })
    }
}

/// The 404 for a conversation that does not exist or is someone else's.
pub fn conversation_not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("Conversation {id:?} not found"),
    )
}

/// A question that got no data, and why.
struct Refusal {
    status: StatusCode,
    message: String,
    translation: Option<Translation>,
    /// Unknown words and the questions to choose from, when the person
    /// should pick a reading rather than get a broader answer.
    clarification: Option<Clarification>,
}

impl Refusal {
    fn new(message: String, translation: Option<Translation>) -> Refusal {
        Refusal {
            status: StatusCode::OK,
            message,
            translation,
            clarification: None,
        }
    }
}

/// A question answered with data.
struct Answer {
    translation: Translation,
    query_type: QueryType,
    table: ResultTable,
    metadata: Value,
}

/// Answers `request` for `caller`: `(status, body)`. Refusals (not
/// understood, not allowed, not runnable) are `success: false` bodies;
/// errors of the server or the database are `Err`.
pub async fn ask(
    state: &AppState,
    caller: &Caller,
    request: AskRequest,
) -> Result<(StatusCode, Value), ApiError> {
    let ai = state.ai();
    let owner = Owner::of(caller);
    let existing = match &request.conversation_id {
        Some(id) => Some(
            ai.store()
                .get(&owner, id)
                .await?
                .ok_or_else(|| conversation_not_found(id))?,
        ),
        None => None,
    };
    let scope = state.scope_for(Some(caller)).await?;
    let entry = ai.catalogs().for_caller(&scope).await;
    let catalog = &entry.catalog;
    let previous = existing.as_ref().and_then(Conversation::last_translation);
    let today = chrono::Utc::now().date_naive();

    let outcome = match translate(
        ai,
        scope.engine(),
        catalog,
        &request.question,
        previous.as_ref(),
        today,
    )
    .await
    {
        Ok(t) => answer(&scope, catalog, t).await?,
        Err(e) => Err(refusal(catalog, e)),
    };

    let mut body = Map::new();
    body.insert("naturalLanguageQuery".into(), json!(request.question));
    let (status, turn) = match outcome {
        Ok(a) => (StatusCode::OK, answered(&request.question, a, &mut body)),
        Err(r) => (r.status, refused(&request.question, r, catalog, &mut body)),
    };
    body.insert(
        "translator".into(),
        json!(if ai.translator().is_some() {
            "llm"
        } else {
            "offline"
        }),
    );

    let (id, turns) = match existing {
        Some(c) => {
            if !ai.store().append(&owner, &c.id, &turn).await? {
                return Err(conversation_not_found(&c.id));
            }
            (c.id, c.turns.len() + 1)
        }
        None => {
            let c = Conversation::start(crate::response::random_uuid(), &owner, turn);
            ai.store().create(&c).await?;
            (c.id, 1)
        }
    };
    body.insert("conversationId".into(), json!(id));
    body.insert("turn".into(), json!(turns));
    Ok((status, Value::Object(body)))
}

/// The question (or follow-up) as a query over `catalog`.
async fn translate(
    ai: &AiService,
    engine: &Engine,
    catalog: &Catalog,
    question: &str,
    previous: Option<&Translation>,
    today: NaiveDate,
) -> Result<Translation, LlmError> {
    if let Some(llm) = ai.translator() {
        return llm
            .translate(engine, catalog, question, previous, today)
            .await;
    }
    let parser = OfflineParser::for_model(catalog, engine.model());
    match previous {
        Some(p) => parser.refine(p, question, today),
        None => parser.translate(question, today),
    }
}

/// Checks the translation against the catalog and runs it in the caller's
/// `scope` (its engine, grant, claims and gate).
async fn answer(
    scope: &QueryScope<'_>,
    catalog: &Catalog,
    translation: Translation,
) -> Result<Result<Answer, Refusal>, ApiError> {
    let outside = outside_catalog(catalog, &translation.query);
    if !outside.is_empty() {
        tracing::warn!(?outside, query = ?translation.query, "translation left the catalog");
        let message = format!(
            "The question was translated into a query naming members you may not use ({}). {}",
            outside.join(", "),
            OfflineParser::new(catalog).suggestions()
        );
        return Ok(Err(Refusal::new(message, None)));
    }
    let engine = scope.engine();
    let prepared = match engine.prepare_request(&QueryRequest::One(translation.query.clone())) {
        Ok(p) => p,
        Err(e) => return Ok(Err(not_runnable(e.to_string(), translation))),
    };
    let options = scope.load_options(CacheMode::default());
    let mut loaded: Vec<CachedLoad> = Vec::with_capacity(prepared.queries.len());
    for q in &prepared.queries {
        match engine.load_with(q, &options).await {
            Ok(l) => loaded.push(l),
            Err(e) if engine_status(&e).is_client_error() => {
                return Ok(Err(not_runnable(e.to_string(), translation)))
            }
            Err(e) => return Err(ApiError::from(e)),
        }
    }
    let results: Vec<LoadResult> = loaded.iter().map(|l| (*l.result).clone()).collect();
    let Some(first) = results.first() else {
        return Err(ApiError::internal("the query produced no result"));
    };
    let metadata = serde_json::to_value(&first.annotation)
        .map_err(|e| ApiError::internal(format!("cannot serialize the annotation: {e}")))?;
    let table = match prepared.query_type {
        QueryType::CompareDateRangeQuery => ResultTable::from_compare(&results),
        _ => ResultTable::from_load(first),
    }
    .with_catalog(catalog);
    Ok(Ok(Answer {
        translation,
        query_type: prepared.query_type,
        table,
        metadata,
    }))
}

fn not_runnable(error: String, translation: Translation) -> Refusal {
    Refusal::new(
        format!("The question was understood, but its query could not be run: {error}"),
        Some(translation),
    )
}

/// Why a translator gave up, as a refusal that says what exists.
fn refusal(catalog: &Catalog, e: LlmError) -> Refusal {
    let suggestions = OfflineParser::new(catalog).suggestions();
    let (status, message) = match e {
        LlmError::NeedsClarification {
            message,
            clarification,
        } => {
            return Refusal {
                clarification: Some(clarification),
                ..Refusal::new(message, None)
            }
        }
        LlmError::NotUnderstood(m) if m.contains("You can ask about") => (StatusCode::OK, m),
        LlmError::NotUnderstood(m) => (
            StatusCode::OK,
            format!("Not understood: {m}. {suggestions}"),
        ),
        e @ LlmError::InvalidAnswer { .. } => (
            StatusCode::OK,
            format!("The question could not be turned into a valid query: {e}. {suggestions}"),
        ),
        e @ LlmError::Endpoint(_) => (StatusCode::BAD_GATEWAY, format!("{e}")),
        LlmError::Query(q) => (
            StatusCode::OK,
            format!("The query is not valid: {q}. {suggestions}"),
        ),
        // A failure this server does not know yet is its own, not the question's.
        e => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}")),
    };
    Refusal {
        status,
        message,
        translation: None,
        clarification: None,
    }
}

/// Fills the success body; returns the turn to record.
fn answered(question: &str, a: Answer, body: &mut Map<String, Value>) -> Turn {
    let t = &a.translation;
    let chart = chart::recommend(t.intent, &a.table, t.chart);
    let insights = insights::compute(t.intent, &a.table);
    body.insert("success".into(), json!(true));
    body.insert("intent".into(), json!(t.intent.as_str()));
    body.insert("generatedQuery".into(), json!(t.query));
    body.insert("queryType".into(), json!(a.query_type.as_str()));
    body.insert("data".into(), json!(a.table.rows));
    body.insert("columns".into(), columns_json(&a.table));
    body.insert(
        "chart".into(),
        json!({
            "type": chart.chart_type.as_str(),
            "option": chart.option,
            "columns": chart.columns,
            "note": chart.note,
            "alternatives": chart.alternatives.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        }),
    );
    body.insert("insights".into(), json!(insights));
    body.insert("metadata".into(), a.metadata);
    if !t.unmatched.is_empty() {
        body.insert("unmatched".into(), json!(t.unmatched));
    }
    Turn {
        question: question.to_owned(),
        success: true,
        intent: Some(t.intent),
        generated_query: Some(t.query.clone()),
        requested_chart: t.chart,
        unmatched: t.unmatched.clone(),
        chart: Some(StoredChart {
            chart_type: chart.chart_type,
            option: chart.option,
        }),
        insights: insights.into_iter().map(|i| i.text).collect(),
        error: None,
        created_at: now(),
    }
}

/// The result's columns: `[{"member", "title", "role", "type", "format",
/// "granularity", "aggType"}]` (absent fields left out).
fn columns_json(table: &ResultTable) -> Value {
    let columns: Vec<Value> = table
        .columns
        .iter()
        .map(|c| {
            let mut o = Map::new();
            o.insert("member".into(), json!(c.member));
            o.insert("title".into(), json!(c.title));
            o.insert("role".into(), json!(c.role));
            o.insert("type".into(), json!(c.data_type));
            for (key, value) in [
                ("format", &c.format),
                ("granularity", &c.granularity),
                ("aggType", &c.agg_type),
            ] {
                if let Some(v) = value {
                    o.insert(key.into(), json!(v));
                }
            }
            Value::Object(o)
        })
        .collect();
    Value::Array(columns)
}

/// Fills the refusal body; returns the turn to record.
fn refused(question: &str, r: Refusal, catalog: &Catalog, body: &mut Map<String, Value>) -> Turn {
    body.insert("success".into(), json!(false));
    body.insert("error".into(), json!(r.message));
    if let Some(c) = &r.clarification {
        body.insert("needsClarification".into(), json!(true));
        body.insert("clarification".into(), json!(c));
    }
    let names = |kind: MemberKind| -> Vec<&str> {
        catalog
            .of_kind(kind)
            .filter(|m| !m.primary_key && m.format.as_deref() != Some("id"))
            .take(MAX_LISTED_MEMBERS)
            .map(|m| m.name.as_str())
            .collect()
    };
    body.insert(
        "availableMembers".into(),
        json!({
            "measures": names(MemberKind::Measure),
            "dimensions": names(MemberKind::Dimension),
        }),
    );
    if let Some(t) = &r.translation {
        body.insert("intent".into(), json!(t.intent.as_str()));
        body.insert("generatedQuery".into(), json!(t.query));
    }
    Turn {
        question: question.to_owned(),
        success: false,
        intent: r.translation.as_ref().map(|t| t.intent),
        generated_query: r.translation.as_ref().map(|t| t.query.clone()),
        requested_chart: r.translation.as_ref().and_then(|t| t.chart),
        unmatched: r
            .translation
            .as_ref()
            .map(|t| t.unmatched.clone())
            .unwrap_or_default(),
        chart: None,
        insights: Vec::new(),
        error: Some(r.message),
        created_at: now(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bodies() {
        let r = AskRequest::from_body(br#"{"naturalLanguageQuery": "  orders by month "}"#)
            .expect("valid");
        assert_eq!(r.question, "orders by month");
        assert_eq!(r.conversation_id, None);
        let r = AskRequest::from_body(
            br#"{"naturalLanguageQuery": "by week", "conversationId": "abc", "extra": 1}"#,
        )
        .expect("valid");
        assert_eq!(r.conversation_id.as_deref(), Some("abc"));

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
            let e = AskRequest::from_body(body).expect_err("refused");
            assert_eq!(e.status, StatusCode::BAD_REQUEST);
            assert!(e.message.contains(needle), "{}: {}", needle, e.message);
        }
    }

    #[test]
    fn refusals_say_what_exists() {
        let model = strata_demo::model().expect("demo model");
        let catalog = Catalog::from_model(&model);
        let r = refusal(
            &catalog,
            LlmError::NotUnderstood("the question is empty".into()),
        );
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.message.contains("You can ask about"), "{}", r.message);
        let timed_out = strata_llm::EndpointError {
            status: None,
            message: "timed out".into(),
            retryable: true,
        };
        let r = refusal(&catalog, LlmError::Endpoint(timed_out));
        assert_eq!(r.status, StatusCode::BAD_GATEWAY);
        assert!(r.message.contains("timed out"), "{}", r.message);
        assert!(r.clarification.is_none());
    }

    #[test]
    fn clarifications_carry_their_options() {
        let model = strata_demo::model().expect("demo model");
        let catalog = Catalog::from_model(&model);
        let clarification = Clarification::replacing(
            "revenue in Eurpoe",
            "Eurpoe",
            [("Europe (Region)".to_owned(), "Europe".to_owned())],
        );
        let r = refusal(
            &catalog,
            LlmError::NeedsClarification {
                message: "\"Eurpoe\" is not a value".into(),
                clarification,
            },
        );
        assert_eq!(r.status, StatusCode::OK);
        let mut body = Map::new();
        refused("revenue in Eurpoe", r, &catalog, &mut body);
        assert_eq!(body["needsClarification"], json!(true));
        assert_eq!(body["clarification"]["unknown"], json!(["Eurpoe"]));
        assert_eq!(
            body["clarification"]["options"][0],
            json!({"label": "Europe (Region)", "naturalLanguageQuery": "revenue in Europe"})
        );
        let mut plain = Map::new();
        let r = refusal(&catalog, LlmError::NotUnderstood("x".into()));
        refused("x", r, &catalog, &mut plain);
        assert!(plain.get("needsClarification").is_none());
    }

    #[test]
    fn endpoint_failures_are_bad_gateway() {
        let model = strata_demo::model().expect("demo model");
        let catalog = Catalog::from_model(&model);
        let timed_out = strata_llm::EndpointError {
            status: None,
            message: "timed out".into(),
            retryable: true,
        };
        let r = refusal(&catalog, LlmError::Endpoint(timed_out));
        assert_eq!(r.status, StatusCode::BAD_GATEWAY);
        assert!(r.message.contains("timed out"), "{}", r.message);
    }
}
