//! AI analytics over HTTP: questions in plain language answered with data,
//! a chart and insights, in conversations that follow-up questions refine.
//! The pipeline is [`strata_analyst::Analyst`]; this module maps its
//! requests and answers to HTTP.
//!
//! Routes, behind the same authentication, tenancy and access policies as
//! `/cubejs-api/v1/load` and counted against the caller's AI rate limit
//! (`STRATA_RATE_AI_PER_HOUR`):
//!
//! * `POST /ai-analytics/query` `{"naturalLanguageQuery", "conversationId"?}`
//!   → `{"success", "naturalLanguageQuery", "intent", "generatedQuery",
//!   "data", "columns", "chart": {"type", "option"}, "insights", "metadata",
//!   "conversationId"}`; a question that cannot be answered gets
//!   `"success": false` with an `error` naming what was not understood and
//!   what can be asked about;
//! * `POST /ai-analytics/chart` `{"query", "chartType"?, "conversationId"?}`:
//!   the same answer for a Cube query given directly;
//! * `POST /ai-analytics/feedback` `{"conversationId", "turn", "rating",
//!   "correctedQuery"?}` → `{"stored": true}`;
//! * `GET /ai-analytics/schema` and `/ai-analytics/schema/{tenantId}` (the
//!   caller's own tenant only): the model as the translator sees it;
//! * `GET /ai-analytics/conversations` (the caller's, newest first) and
//!   `GET`/`DELETE /ai-analytics/conversations/{id}`.
//!
//! Questions are translated by the LLM configured with `STRATA_LLM_*`, or by
//! the offline parser when none is. Conversations and feedback are stored as
//! files under `STRATA_DATA_DIR` or in PostgreSQL (`STRATA_CONVERSATIONS`,
//! see [`ConversationBackend`]).

pub mod requests;
pub mod routes;

pub use strata_analyst::{
    Analyst, AnalystScope, AnalystSettings, ConversationBackend, Owner, CATALOG_TTL,
    DEFAULT_DATA_DIR, DEFAULT_SAMPLE_VALUES,
};

use crate::error::ServerError;
use crate::scope::QueryScope;
use crate::tenancy::Caller;

/// The owner of what `caller` creates: its tenant and user.
pub fn owner_of(caller: &Caller) -> Owner {
    Owner::new(caller.tenant.as_deref(), caller.user.as_deref())
}

/// The analyst's view of a caller's `scope`: its engine, grant, claims,
/// gate, owner and groups.
pub fn analyst_scope(scope: &QueryScope<'_>) -> AnalystScope {
    let mut out =
        AnalystScope::new(scope.engine().clone()).with_security_context(scope.claims().clone());
    if let Some(grant) = scope.grant() {
        out = out.with_grant(grant.clone());
    }
    if let Some(gate) = scope.gate() {
        out = out.with_gate(gate.clone());
    }
    if let Some(caller) = scope.caller() {
        out = out
            .with_owner(owner_of(caller))
            .with_groups(caller.groups.clone());
    }
    out
}

/// The analyst `settings` describe, or why the server cannot start with it.
pub fn build_analyst(settings: &AnalystSettings) -> Result<Analyst, ServerError> {
    Analyst::new(settings.clone()).map_err(|e| match e {
        strata_analyst::AnalystError::LlmSetup(e) => ServerError::Config(format!(
            "cannot set up the LLM endpoint (STRATA_LLM_BASE_URL, STRATA_LLM_API_KEY): {e}"
        )),
        other => ServerError::Config(other.to_string()),
    })
}
